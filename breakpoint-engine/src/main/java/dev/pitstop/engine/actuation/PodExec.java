package dev.pitstop.engine.actuation;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out an {@link Action.Exec}: {@code pods/exec} of the command in the container through
 * fabric8, on the worker pool {@code pitstop-engine-exec} (4 threads; fabric8 calls block), never
 * on an event loop. Needs RBAC {@code create pods/exec} in the run's namespace.
 *
 * <p>The outcome is the command's exit code and the first 4 KiB of its standard error; an exec that
 * cannot be made (Pod gone, API error) or does not finish within the timeout yields {@link
 * ExecOutcome#NOT_RUN} with the reason. The returned future never fails.
 */
public final class PodExec implements Function<Action.Exec, Future<ExecOutcome>>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodExec.class);
  static final int MAX_CAPTURE = 4_096;

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
    BoundedOutput out = new BoundedOutput();
    BoundedOutput err = new BoundedOutput();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Instant commandTime = metrics == null ? null : commandTimes.apply(x.commandId());
    stage(commandTime, "exec_started");
    boolean[] opened = {false};
    LOG.debug(
        "exec {} in {}/{} container {} for command {}",
        x.command(),
        x.namespace(),
        x.pod(),
        x.container(),
        x.commandId());
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(x.namespace())
            .withName(x.pod())
            .inContainer(x.container())
            .writingOutput(out)
            .writingError(err)
            .usingListener(
                new ExecListener() {
                  @Override
                  public void onClose(int code, String reason) {
                    closed.complete(null);
                  }

                  @Override
                  public void onFailure(Throwable t, Response failureResponse) {
                    closed.complete(null);
                  }
                })
            .exec(x.command().toArray(String[]::new))) {
      // fabric8 returns once the API server accepted the exec websocket.
      opened[0] = true;
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
          x.key(), x.commandId(), code == null ? ExecOutcome.NOT_RUN : code, err.text());
    } catch (TimeoutException e) {
      return new ExecOutcome(
          x.key(),
          x.commandId(),
          ExecOutcome.NOT_RUN,
          "no exit code within " + timeout + "; " + err.text());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExecOutcome(x.key(), x.commandId(), ExecOutcome.NOT_RUN, "interrupted");
    } catch (Exception e) {
      if (metrics != null && !opened[0]) {
        metrics.kubernetesRequest("exec", false, Duration.ofNanos(System.nanoTime() - start));
      }
      Throwable cause =
          e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
              ? e.getCause()
              : e;
      return new ExecOutcome(
          x.key(), x.commandId(), ExecOutcome.NOT_RUN, bounded(String.valueOf(cause.getMessage())));
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
