package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code pods/exec} websocket session in the {@code v4.channel.k8s.io} protocol: runs the
 * {@link ExecHandler} on a worker thread, then sends stdout (channel 1), stderr (channel 2) and the
 * status (channel 3), and closes. Stdin and resizing are not supported.
 */
final class ExecSession extends WebSocketListener {

  private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);
  private static final byte STDOUT = 1;
  private static final byte STDERR = 2;
  private static final byte STATUS = 3;

  private final String namespace;
  private final String pod;
  private final String container;
  private final List<String> command;
  private final Supplier<ExecHandler> handler;
  private final WorkerExecutor workers;

  ExecSession(
      String namespace,
      String pod,
      String container,
      List<String> command,
      Supplier<ExecHandler> handler,
      WorkerExecutor workers) {
    this.namespace = namespace;
    this.pod = pod;
    this.container = container;
    this.command = List.copyOf(command);
    this.handler = handler;
    this.workers = workers;
  }

  @Override
  public void onOpen(WebSocket ws, Response response) {
    workers
        .executeBlocking(this::run, false)
        .onComplete(
            ar -> {
              ExecResult result = ar.succeeded() ? ar.result() : crashed(ar.cause());
              send(ws, result);
            });
  }

  private ExecResult run() {
    try {
      ExecResult result = handler.get().exec(namespace, pod, container, command);
      return result != null ? result : crashed(new NullPointerException("handler returned null"));
    } catch (RuntimeException e) {
      return crashed(e);
    }
  }

  private ExecResult crashed(Throwable e) {
    LOG.warn(
        "Exec handler failed for {}/{} container {} command {}",
        namespace,
        pod,
        container,
        command,
        e);
    return ExecResult.failure(126, "exec handler failed: " + e + "\n");
  }

  private void send(WebSocket ws, ExecResult result) {
    LOG.debug(
        "Exec in {}/{} container {} command {} exited {}",
        namespace,
        pod,
        container,
        command,
        result.exitCode());
    if (!result.stdout().isEmpty()) {
      ws.send(frame(STDOUT, result.stdout().getBytes(StandardCharsets.UTF_8)));
    }
    if (!result.stderr().isEmpty()) {
      ws.send(frame(STDERR, result.stderr().getBytes(StandardCharsets.UTF_8)));
    }
    String status = Serialization.asJson(status(command, result.exitCode()));
    ws.send(frame(STATUS, status.getBytes(StandardCharsets.UTF_8)));
    ws.close(1000, "");
  }

  /**
   * The status a real API server sends on channel 3: {@code Success}, or {@code Failure} with
   * reason {@code NonZeroExitCode} and the code as the {@code ExitCode} cause (kubelet {@code
   * pkg/kubelet/cri/streaming/remotecommand/websocket.go}).
   */
  static Status status(List<String> command, int exitCode) {
    if (exitCode == 0) {
      return new StatusBuilder().withNewMetadata().endMetadata().withStatus("Success").build();
    }
    return new StatusBuilder()
        .withNewMetadata()
        .endMetadata()
        .withStatus("Failure")
        .withReason("NonZeroExitCode")
        .withMessage(
            "command terminated with non-zero exit code: error executing command "
                + command
                + ", exit code "
                + exitCode)
        .withNewDetails()
        .addNewCause()
        .withReason("ExitCode")
        .withMessage(Integer.toString(exitCode))
        .endCause()
        .endDetails()
        .build();
  }

  private static byte[] frame(byte channel, byte[] data) {
    byte[] frame = new byte[data.length + 1];
    frame[0] = channel;
    System.arraycopy(data, 0, frame, 1, data.length);
    return frame;
  }
}
