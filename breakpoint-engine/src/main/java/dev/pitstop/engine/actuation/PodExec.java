package dev.pitstop.engine.actuation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out an {@link Action.Exec}: {@code pods/exec} of the command in the container, a
 * websocket opened through fabric8's HTTP client (its authentication and TLS), on the worker pool
 * {@code pitstop-engine-exec} (4 threads; the call blocks), never on an event loop. Needs RBAC
 * {@code create pods/exec} in the run's namespace.
 *
 * <p>Not fabric8's {@code pods().withName(p).inContainer(c).exec(...)}: before every exec that
 * starts an informer on the Pod (a LIST and a WATCH) and GETs the Pod (fabric8 7.8 {@code
 * PodOperationsImpl.getURL}: {@code waitUntilReadyOrTerminal} then {@code
 * validateOrDefaultContainerId}), three requests more per release, each a scan of fabric8's mock
 * store in the sandbox, where they made most of {@code pitstop bench}'s release latency (issue #7).
 * The engine knows the Pod and the container already; the API server answers a missing one on the
 * exec itself.
 *
 * <p>The outcome is the command's exit code and the first 4 KiB of its standard error; an exec that
 * cannot be made (Pod gone, API error) or does not finish within the timeout yields {@link
 * ExecOutcome#NOT_RUN} with the reason. The returned future never fails.
 */
public final class PodExec implements Function<Action.Exec, Future<ExecOutcome>>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodExec.class);
  static final int MAX_CAPTURE = 4_096;
  static final String V4_CHANNEL = "v4.channel.k8s.io";

  private final KubernetesClient client;
  private final Duration timeout;
  private final WorkerExecutor workers;
  private final PitstopMetrics metrics;
  private final Function<String, Instant> commandTimes;
  private final Clock clock;

  public PodExec(Vertx vertx, KubernetesClient client, Duration timeout) {
    this(vertx, client, timeout, null, id -> null, Clock.systemUTC());
  }

  /**
   * @param metrics where the exec's request time ({@code
   *     pitstop_kubernetes_request_seconds{call="exec"}}: from the worker starting it to the API
   *     server accepting the websocket) and the release stages {@code exec_started} and {@code
   *     exec_opened} ({@code pitstop_release_latency_seconds}) are recorded, or null
   * @param commandTimes the CloudEvent time of a release command by its id, or null when unknown
   *     (then no stage is recorded)
   * @param clock the clock of the stages (the commands' times are wall-clock times)
   */
  public PodExec(
      Vertx vertx,
      KubernetesClient client,
      Duration timeout,
      PitstopMetrics metrics,
      Function<String, Instant> commandTimes,
      Clock clock) {
    this.client = client;
    this.timeout = timeout;
    this.workers = vertx.createSharedWorkerExecutor("pitstop-engine-exec", 4);
    this.metrics = metrics;
    this.commandTimes = commandTimes;
    this.clock = clock;
  }

  private void stage(Instant commandTime, String stage) {
    if (metrics != null && commandTime != null) {
      metrics.releaseLatency(stage, Duration.between(commandTime, clock.instant()));
    }
  }

  /** Runs the exec on a worker; completes with its outcome (never fails). */
  @Override
  public Future<ExecOutcome> apply(Action.Exec exec) {
    return workers.executeBlocking(() -> run(exec), false);
  }

  private ExecOutcome run(Action.Exec x) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Instant commandTime = metrics == null ? null : commandTimes.apply(x.commandId());
    stage(commandTime, "exec_started");
    LOG.debug(
        "exec {} in {}/{} container {} for command {}",
        x.command(),
        x.namespace(),
        x.pod(),
        x.container(),
        x.commandId());
    Channels ch = new Channels();
    WebSocket ws = null;
    try {
      CompletableFuture<WebSocket> opening =
          client
              .getHttpClient()
              .newWebSocketBuilder()
              .subprotocol(V4_CHANNEL)
              .uri(execUri(client.getMasterUrl().toString(), x))
              .connectTimeout(
                  Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))),
                  TimeUnit.MILLISECONDS)
              .buildAsync(ch);
      try {
        ws = opening.get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException | InterruptedException e) {
        // Should it open after all, close it at once.
        opening.thenAccept(late -> late.sendClose(1000, ""));
        if (metrics != null) {
          metrics.kubernetesRequest("exec", false, Duration.ofNanos(System.nanoTime() - start));
        }
        throw e;
      }
      if (metrics != null) {
        metrics.kubernetesRequest("exec", true, Duration.ofNanos(System.nanoTime() - start));
      }
      stage(commandTime, "exec_opened");
      Integer code = ch.exitCode.get(remaining(deadline), TimeUnit.NANOSECONDS);
      // stderr frames may still be in flight when the exit code is known: wait for the close.
      try {
        ch.closed.get(
            Math.min(remaining(deadline), TimeUnit.SECONDS.toNanos(2)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException ignored) {
        // take what arrived
      }
      return new ExecOutcome(
          x.key(), x.commandId(), code == null ? ExecOutcome.NOT_RUN : code, ch.errText());
    } catch (TimeoutException e) {
      return new ExecOutcome(
          x.key(),
          x.commandId(),
          ExecOutcome.NOT_RUN,
          "no exit code within " + timeout + "; " + ch.errText());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExecOutcome(x.key(), x.commandId(), ExecOutcome.NOT_RUN, "interrupted");
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      String why =
          cause instanceof WebSocketHandshakeException h
              ? "the API server refused the exec: HTTP " + h.getResponse().code()
              : String.valueOf(cause.getMessage());
      return new ExecOutcome(x.key(), x.commandId(), ExecOutcome.NOT_RUN, bounded(why));
    } finally {
      if (ws != null && !ch.closed.isDone()) {
        ws.sendClose(1000, "");
      }
    }
  }

  /**
   * The exec URL: {@code <master>/api/v1/namespaces/<ns>/pods/<pod>/exec?command=...&container=
   * <c>&stdout=true&stderr=true}, each value URL-encoded (the query kube-apiserver reads, as
   * kubectl and fabric8 send it).
   */
  static URI execUri(String masterUrl, Action.Exec x) {
    StringBuilder u = new StringBuilder(masterUrl);
    if (u.charAt(u.length() - 1) != '/') {
      u.append('/');
    }
    u.append("api/v1/namespaces/")
        .append(encode(x.namespace()))
        .append("/pods/")
        .append(encode(x.pod()))
        .append("/exec?");
    for (String arg : x.command()) {
      u.append("command=").append(encode(arg)).append('&');
    }
    u.append("container=").append(encode(x.container())).append("&stdout=true&stderr=true");
    return URI.create(u.toString());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The client's side of the {@code v4.channel.k8s.io} exec protocol (kubelet's {@code
   * remotecommand}; what kube-apiserver relays): binary frames whose first byte is the channel, 1
   * stdout, 2 stderr, 3 the final {@code Status} (exit code 0 for {@code Success}; for {@code
   * NonZeroExitCode} the code in the {@code ExitCode} cause; else unknown, -1, with the status'
   * message added to the captured stderr). A close without a status: no exit code (null).
   */
  static final class Channels implements WebSocket.Listener {
    private static final ObjectMapper JSON =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    final BoundedOutput out = new BoundedOutput();
    final BoundedOutput err = new BoundedOutput();
    final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile String statusMessage = "";

    @Override
    public void onOpen(WebSocket ws) {
      ws.request();
    }

    @Override
    public void onMessage(WebSocket ws, ByteBuffer frame) {
      try {
        if (frame.hasRemaining()) {
          byte channel = frame.get();
          byte[] data = new byte[frame.remaining()];
          frame.get(data);
          switch (channel) {
            case 1 -> out.write(data, 0, data.length);
            case 2 -> err.write(data, 0, data.length);
            case 3 -> exitCode.complete(exitCode(data));
            default -> {
              // resize (4) and unknown channels carry nothing for us
            }
          }
        }
      } finally {
        ws.request();
      }
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      ws.request(); // v4 frames are binary
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
      exitCode.complete(null);
      closed.complete(null);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      exitCode.completeExceptionally(error);
      closed.complete(null);
    }

    private Integer exitCode(byte[] statusJson) {
      Status s;
      try {
        s = JSON.readValue(statusJson, Status.class);
      } catch (java.io.IOException | RuntimeException e) {
        statusMessage = "unreadable exec status";
        return -1;
      }
      if ("Success".equals(s.getStatus())) {
        return 0;
      }
      if ("NonZeroExitCode".equals(s.getReason())
          && s.getDetails() != null
          && s.getDetails().getCauses() != null) {
        for (StatusCause c : s.getDetails().getCauses()) {
          if ("ExitCode".equals(c.getReason())) {
            try {
              return Integer.parseInt(c.getMessage().trim());
            } catch (RuntimeException e) {
              break;
            }
          }
        }
      }
      statusMessage = s.getMessage() == null ? "" : s.getMessage();
      return -1;
    }

    /** The captured stderr, then the status' message when it gave no exit code. */
    String errText() {
      String e = err.text();
      String m = statusMessage;
      return m.isEmpty() ? e : bounded(e.isEmpty() ? m : e + "\n" + m);
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static String bounded(String s) {
    return s.length() > MAX_CAPTURE ? s.substring(0, MAX_CAPTURE) : s;
  }

  @Override
  public void close() {
    workers.close();
  }

  /** Keeps the first {@link #MAX_CAPTURE} bytes written; drops the rest. Thread-safe. */
  static final class BoundedOutput extends OutputStream {
    private final byte[] buf = new byte[MAX_CAPTURE];
    private int size;

    @Override
    public synchronized void write(int b) {
      if (size < buf.length) {
        buf[size++] = (byte) b;
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int n = Math.min(len, buf.length - size);
      if (n > 0) {
        System.arraycopy(b, off, buf, size, n);
        size += n;
      }
    }

    synchronized String text() {
      return new String(buf, 0, size, StandardCharsets.UTF_8);
    }
  }
}
