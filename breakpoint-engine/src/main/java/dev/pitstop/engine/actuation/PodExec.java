package dev.pitstop.engine.actuation;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.internal.ExecWebSocketListener;
import io.fabric8.kubernetes.client.dsl.internal.PodOperationContext;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import io.fabric8.kubernetes.client.utils.URLUtils;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.OutputStream;
import java.net.URI;
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
 * Carries out an {@link Action.Exec}: {@code pods/exec} of the command in the container, on the
 * worker pool {@code pitstop-engine-exec} (4 threads; the call blocks), never on an event loop.
 * Needs RBAC {@code create pods/exec} in the run's namespace.
 *
 * <p>fabric8 does the exec: its HTTP client opens the websocket (its authentication and TLS), its
 * {@link ExecWebSocketListener} speaks the {@code v4.channel.k8s.io} protocol (streams, the final
 * {@code Status}, the exit code) and its URL builder writes the query. Only the step before is not
 * fabric8's {@code pods().withName(p).inContainer(c).exec(...)}: before every exec that starts an
 * informer on the Pod (a LIST and a WATCH) and GETs the Pod (fabric8 7.8 {@code
 * PodOperationsImpl.getURL}: {@code waitUntilReadyOrTerminal}, even with a ready-wait timeout of 0,
 * then {@code validateOrDefaultContainerId}), three requests more per release, each a scan of
 * fabric8's mock store in the sandbox, where they made most of {@code pitstop bench}'s release
 * latency (issue #7: 27 → 9 ms p50 per exec with 500 stored objects). The engine knows the Pod and
 * the container already; the API server answers a missing one on the exec itself. {@code
 * ExecWebSocketListener} and {@code PodOperationContext} are in fabric8's {@code dsl.internal}
 * package: a fabric8 upgrade must keep {@code PodExecIT} passing.
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
    BoundedOutput out = new BoundedOutput();
    BoundedOutput err = new BoundedOutput();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    StringBuilder statusMessage = new StringBuilder();
    PodOperationContext context =
        PodOperationContext.builder()
            .containerId(x.container())
            .output(new PodOperationContext.StreamContext(out))
            .error(new PodOperationContext.StreamContext(err))
            .execListener(
                new ExecListener() {
                  @Override
                  public void onExit(int code, Status status) {
                    // A failure without an exit code (e.g. "executable file not found"): its
                    // message is all there is to say why.
                    if (code < 0 && status != null && status.getMessage() != null) {
                      synchronized (statusMessage) {
                        statusMessage.append(status.getMessage());
                      }
                    }
                  }

                  @Override
                  public void onClose(int code, String reason) {
                    closed.complete(null);
                  }

                  @Override
                  public void onFailure(Throwable t, Response failureResponse) {
                    closed.complete(null);
                  }
                })
            .build();
    ExecWebSocketListener watch =
        new ExecWebSocketListener(context, Runnable::run, client.getKubernetesSerialization());
    try {
      CompletableFuture<WebSocket> opening =
          client
              .getHttpClient()
              .newWebSocketBuilder()
              .subprotocol(V4_CHANNEL)
              .uri(execUri(client.getMasterUrl().toString(), x, context))
              .connectTimeout(
                  Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))),
                  TimeUnit.MILLISECONDS)
              .buildAsync(watch);
      opening.whenComplete(
          (ws, t) -> {
            if (t != null) {
              watch.onError(ws, t);
            }
          });
      try {
        opening.get(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException | InterruptedException e) {
        if (metrics != null) {
          metrics.kubernetesRequest("exec", false, Duration.ofNanos(System.nanoTime() - start));
        }
        throw e;
      }
      if (metrics != null) {
        metrics.kubernetesRequest("exec", true, Duration.ofNanos(System.nanoTime() - start));
      }
      stage(commandTime, "exec_opened");
      Integer code = watch.exitCode().get(remaining(deadline), TimeUnit.NANOSECONDS);
      // stderr frames may still be in flight when the exit code is known: wait for the close.
      try {
        closed.get(
            Math.min(remaining(deadline), TimeUnit.SECONDS.toNanos(2)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException ignored) {
        // take what arrived
      }
      return new ExecOutcome(
          x.key(),
          x.commandId(),
          code == null ? ExecOutcome.NOT_RUN : code,
          errText(err, statusMessage));
    } catch (TimeoutException e) {
      return new ExecOutcome(
          x.key(),
          x.commandId(),
          ExecOutcome.NOT_RUN,
          "no exit code within " + timeout + "; " + errText(err, statusMessage));
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
      watch.close();
    }
  }

  /** The captured stderr, then the status' message when it gave no exit code. */
  static String errText(BoundedOutput err, StringBuilder statusMessage) {
    String e = err.text();
    String m;
    synchronized (statusMessage) {
      m = statusMessage.toString();
    }
    return m.isEmpty() ? e : bounded(e.isEmpty() ? m : e + "\n" + m);
  }

  /**
   * The exec URL: {@code <master>/api/v1/namespaces/<ns>/pods/<pod>/exec?command=...} and the
   * container and streams as fabric8 adds them for {@code context} ({@link
   * PodOperationContext#addQueryParameters}: {@code container=<c>&stdout=true&stderr=true}), each
   * value URL-encoded by fabric8's {@link URLUtils.URLBuilder}.
   */
  static URI execUri(String masterUrl, Action.Exec x, PodOperationContext context) {
    URLUtils.URLBuilder u =
        new URLUtils.URLBuilder(
            URLUtils.join(masterUrl, "api/v1/namespaces", x.namespace(), "pods", x.pod(), "exec"));
    for (String arg : x.command()) {
      u.addQueryParameter("command", arg);
    }
    context.addQueryParameters(u);
    try {
      return u.build().toURI();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("not a valid exec URL for " + x.key() + ": " + e, e);
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
