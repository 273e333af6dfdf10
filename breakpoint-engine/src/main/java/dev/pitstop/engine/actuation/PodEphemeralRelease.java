package dev.pitstop.engine.actuation;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.EphemeralOutcome;
import dev.pitstop.engine.breakpoint.ReleaseContainerStatus;
import dev.pitstop.engine.breakpoint.ShellLessRelease;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out an {@link Action.AddReleaseContainer}: reads the Pod, and unless it already has an
 * ephemeral container of that name, adds {@link ShellLessRelease#spec} by a JSON Patch of {@code
 * spec.ephemeralContainers} through the {@code pods/{p}/ephemeralcontainers} subresource; then
 * confirms the release by the container's status: reads the Pod again, after {@value
 * #FIRST_POLL_MS} ms and then twice as long each time up to {@value #MAX_POLL_MS} ms, until {@link
 * ReleaseContainerStatus#decide} says released or failed, or {@code confirmTimeout} ({@code
 * ENGINE_RELEASE_CONTAINER_TIMEOUT}) has passed since the add (then failed, naming the last status
 * seen). The API server accepting a container says nothing of whether it ran (image pull errors, a
 * failing command). Reads run on the worker pool {@code pitstop-engine-ephemeral} (2 threads;
 * fabric8 calls block); the waits between them are Vert.x timers, holding no thread. Needs RBAC
 * {@code get pods} and {@code patch pods/ephemeralcontainers} in the run's namespace.
 *
 * <p>A repeat of the same command (e.g. after a restart) finds its container and only confirms it.
 * The returned future never fails: an error is an {@link EphemeralOutcome} with the reason.
 */
public final class PodEphemeralRelease
    implements Function<Action.AddReleaseContainer, Future<EphemeralOutcome>>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodEphemeralRelease.class);
  static final int MAX_ERROR = 2_048;

  /** The first wait before reading the container's status, in milliseconds. */
  public static final long FIRST_POLL_MS = 250;

  /** The longest wait between two reads of the container's status, in milliseconds. */
  public static final long MAX_POLL_MS = 5_000;

  /** The default {@code confirmTimeout}. */
  public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofMinutes(2);

  private final Vertx vertx;
  private final KubernetesClient client;
  private final String image;
  private final Duration confirmTimeout;
  private final WorkerExecutor workers;
  private volatile boolean closed;

  /**
   * @param image the release image ({@code ENGINE_RELEASE_IMAGE}), already validated
   * @param confirmTimeout how long after the add the container may take to terminate ({@code
   *     ENGINE_RELEASE_CONTAINER_TIMEOUT}), positive
   */
  public PodEphemeralRelease(
      Vertx vertx, KubernetesClient client, String image, Duration confirmTimeout) {
    if (confirmTimeout.isNegative() || confirmTimeout.isZero()) {
      throw new IllegalArgumentException("confirmTimeout must be positive: " + confirmTimeout);
    }
    this.vertx = vertx;
    this.client = client;
    this.image = image;
    this.confirmTimeout = confirmTimeout;
    this.workers = vertx.createSharedWorkerExecutor("pitstop-engine-ephemeral", 2);
  }

  /** With the default confirmation timeout, {@link #DEFAULT_CONFIRM_TIMEOUT}. */
  public PodEphemeralRelease(Vertx vertx, KubernetesClient client, String image) {
    this(vertx, client, image, DEFAULT_CONFIRM_TIMEOUT);
  }

  /**
   * Adds the container on a worker, then waits for its status; completes with the outcome (never
   * fails).
   */
  @Override
  public Future<EphemeralOutcome> apply(Action.AddReleaseContainer a) {
    return workers
        .executeBlocking(() -> run(a), false)
        .compose(
            added -> {
              if (!added.succeeded()) {
                return Future.succeededFuture(added);
              }
              Promise<EphemeralOutcome> done = Promise.promise();
              long deadline = System.nanoTime() + confirmTimeout.toNanos();
              poll(a, deadline, FIRST_POLL_MS, "no status reported yet", done);
              return done.future();
            })
        .recover(t -> Future.succeededFuture(outcome(a, bounded(String.valueOf(t)), true)));
  }

  private void poll(
      Action.AddReleaseContainer a,
      long deadline,
      long delayMs,
      String lastSeen,
      Promise<EphemeralOutcome> done) {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (closed) {
      done.complete(
          outcome(
              a,
              "the engine stopped before ephemeral container "
                  + a.name()
                  + " was seen to terminate (last seen: "
                  + lastSeen
                  + ")",
              true));
      return;
    }
    if (left <= 0) {
      done.complete(
          outcome(
              a,
              bounded(
                  "ephemeral container "
                      + a.name()
                      + " did not terminate within "
                      + confirmTimeout
                      + " (last seen: "
                      + lastSeen
                      + ")"),
              true));
      return;
    }
    vertx.setTimer(
        Math.max(1, Math.min(delayMs, left)),
        t ->
            workers
                .executeBlocking(() -> look(a), false)
                .onComplete(
                    ar -> {
                      if (ar.failed()) {
                        // A failed read (API unreachable) is retried until the deadline.
                        poll(
                            a,
                            deadline,
                            Math.min(delayMs * 2, MAX_POLL_MS),
                            "the last read of the Pod failed: " + ar.cause().getMessage(),
                            done);
                        return;
                      }
                      ReleaseContainerStatus.Verdict v = ar.result();
                      if (v instanceof ReleaseContainerStatus.Verdict.Released r) {
                        LOG.info(
                            "ephemeral container {} in {}/{} released {} (command {}): {}",
                            a.name(),
                            a.namespace(),
                            a.pod(),
                            a.key(),
                            a.commandId(),
                            r.status());
                        done.complete(outcome(a, null, true));
                      } else if (v instanceof ReleaseContainerStatus.Verdict.Failed f) {
                        done.complete(
                            outcome(
                                a,
                                bounded("ephemeral container " + a.name() + " " + f.status()),
                                true));
                      } else {
                        poll(a, deadline, Math.min(delayMs * 2, MAX_POLL_MS), v.status(), done);
                      }
                    }));
  }

  private ReleaseContainerStatus.Verdict look(Action.AddReleaseContainer a) {
    Pod pod = client.pods().inNamespace(a.namespace()).withName(a.pod()).get();
    return ReleaseContainerStatus.decide(pod, a.name(), a.targetContainer());
  }

  private EphemeralOutcome run(Action.AddReleaseContainer a) {
    try {
      Pod pod = client.pods().inNamespace(a.namespace()).withName(a.pod()).get();
      if (pod == null) {
        return outcome(a, "Pod " + a.namespace() + "/" + a.pod() + " not found");
      }
      if (has(pod, a.name())) {
        LOG.info(
            "ephemeral container {} is already in {}/{} (command {})",
            a.name(),
            a.namespace(),
            a.pod(),
            a.commandId());
        return outcome(a, null);
      }
      EphemeralContainer c =
          ShellLessRelease.spec(
              image, a.name(), a.targetContainer(), a.mechanism(), a.action(), a.stepIndex());
      boolean first =
          pod.getSpec() == null
              || pod.getSpec().getEphemeralContainers() == null
              || pod.getSpec().getEphemeralContainers().isEmpty();
      Map<String, Object> op =
          first
              ? Map.of("op", "add", "path", "/spec/ephemeralContainers", "value", List.of(c))
              : Map.of("op", "add", "path", "/spec/ephemeralContainers/-", "value", c);
      client
          .pods()
          .inNamespace(a.namespace())
          .withName(a.pod())
          .ephemeralContainers()
          .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(List.of(op)));
      LOG.info(
          "added ephemeral container {} ({}) to {}/{} for {} (command {})",
          a.name(),
          image,
          a.namespace(),
          a.pod(),
          a.key(),
          a.commandId());
      return outcome(a, null);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 422 || e.getCode() == 409) {
        // A concurrent add of the same name (a repeat of this command) counts as done.
        try {
          Pod again = client.pods().inNamespace(a.namespace()).withName(a.pod()).get();
          if (again != null && has(again, a.name())) {
            return outcome(a, null);
          }
        } catch (RuntimeException ignored) {
          // report the first error
        }
      }
      return outcome(a, bounded(e.getCode() + " " + e.getMessage()));
    } catch (RuntimeException e) {
      return outcome(a, bounded(String.valueOf(e)));
    }
  }

  private static boolean has(Pod pod, String name) {
    return pod.getSpec() != null
        && pod.getSpec().getEphemeralContainers() != null
        && pod.getSpec().getEphemeralContainers().stream().anyMatch(c -> name.equals(c.getName()));
  }

  private static EphemeralOutcome outcome(Action.AddReleaseContainer a, String error) {
    return new EphemeralOutcome(a.key(), a.commandId(), a.name(), error);
  }

  private static EphemeralOutcome outcome(
      Action.AddReleaseContainer a, String error, boolean added) {
    return new EphemeralOutcome(a.key(), a.commandId(), a.name(), error, added);
  }

  private static String bounded(String s) {
    return s.length() > MAX_ERROR ? s.substring(0, MAX_ERROR) : s;
  }

  @Override
  public void close() {
    closed = true;
    workers.close();
  }
}
