package dev.pitstop.engine.actuation;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.EphemeralOutcome;
import dev.pitstop.engine.breakpoint.ShellLessRelease;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out an {@link Action.AddReleaseContainer}: reads the Pod, and unless it already has an
 * ephemeral container of that name, adds {@link ShellLessRelease#spec} by a JSON Patch of {@code
 * spec.ephemeralContainers} through the {@code pods/{p}/ephemeralcontainers} subresource. Runs on
 * the worker pool {@code pitstop-engine-ephemeral} (2 threads; fabric8 calls block). Needs RBAC
 * {@code get pods} and {@code patch pods/ephemeralcontainers} in the run's namespace.
 *
 * <p>Success means the API server accepted the container; the kubelet then starts it and it writes
 * the step's file within seconds (pulling the image first if the node lacks it). The returned
 * future never fails: an error is an {@link EphemeralOutcome} with the reason.
 */
public final class PodEphemeralRelease
    implements Function<Action.AddReleaseContainer, Future<EphemeralOutcome>>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodEphemeralRelease.class);
  static final int MAX_ERROR = 2_048;

  private final KubernetesClient client;
  private final String image;
  private final WorkerExecutor workers;

  /**
   * @param image the release image ({@code ENGINE_RELEASE_IMAGE}), already validated
   */
  public PodEphemeralRelease(Vertx vertx, KubernetesClient client, String image) {
    this.client = client;
    this.image = image;
    this.workers = vertx.createSharedWorkerExecutor("pitstop-engine-ephemeral", 2);
  }

  /** Adds the container on a worker; completes with the outcome (never fails). */
  @Override
  public Future<EphemeralOutcome> apply(Action.AddReleaseContainer a) {
    return workers.executeBlocking(() -> run(a), false);
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

  private static String bounded(String s) {
    return s.length() > MAX_ERROR ? s.substring(0, MAX_ERROR) : s;
  }

  @Override
  public void close() {
    workers.close();
  }
}
