package dev.pitstop.engine.actuation;

import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Jackson (de)serializers of the objects a release reads and writes, in the client's own
 * {@link KubernetesSerialization}, before the first release needs them (issue #7: recovery).
 *
 * <p>The first object of a type read through a client makes its {@code ObjectMapper} introspect
 * that type's model; for a {@link Pod} hundreds of classes' fields and annotations. When the exec
 * still went through fabric8's {@code exec()}, which lists and reads the Pod first, that took 1.5–2
 * s of the time from "releasing" to the exec arriving in a restarted engine (JFR,
 * docs/performance.md "Engine recovery (third pass)"); {@link PodExec} no longer reads the Pod, but
 * a shell-less release does (its ephemeral container), the exec's end is a {@link Status}, and the
 * API's reviews and the holds have their own types. A class-data-sharing archive cannot keep any of
 * it: it is per mapper, built at run time. So the engine's {@code Main} runs this on the thread
 * that built the client, after handing the client over, beside the rest of start-up. Each type goes
 * to JSON and back: a {@link PodList} and a {@link Pod} (exec, ephemeral containers), a {@link
 * Status} (the exec's exit), a {@link TokenReview} and {@link SubjectAccessReview} (the API's
 * authentication and authorization), a {@link TaskRun} (holds).
 *
 * <p>Local only (no request); never throws: what is not warmed is built on first use, as before.
 */
public final class SerializationWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(SerializationWarmUp.class);

  private SerializationWarmUp() {}

  /** The objects warmed, one of each type, as a release would meet them. */
  static List<Object> samples() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("warm-up")
            .withNamespace("default")
            .addToLabels("tekton.dev/taskRun", "warm-up")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("step-test")
            .withImage("busybox")
            .withCommand("/tekton/bin/entrypoint")
            .endContainer()
            .addNewEphemeralContainer()
            .withName("pitstop-release")
            .withImage("busybox")
            .endEphemeralContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("step-test")
            .withNewState()
            .withNewRunning()
            .withStartedAt("2026-01-01T00:00:00Z")
            .endRunning()
            .endState()
            .endContainerStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    Status status =
        new StatusBuilder()
            .withStatus("Failure")
            .withReason("NonZeroExitCode")
            .withNewDetails()
            .addNewCause()
            .withReason("ExitCode")
            .withMessage("1")
            .endCause()
            .endDetails()
            .build();
    TokenReview review =
        new TokenReviewBuilder()
            .withNewSpec()
            .withToken("warm-up")
            .endSpec()
            .withNewStatus()
            .withAuthenticated(true)
            .withNewUser()
            .withUsername("warm-up")
            .withGroups("system:authenticated")
            .endUser()
            .endStatus()
            .build();
    SubjectAccessReview access =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser("warm-up")
            .withNewResourceAttributes()
            .withNamespace("default")
            .withVerb("update")
            .withGroup("tekton.dev")
            .withResource("taskruns")
            .endResourceAttributes()
            .endSpec()
            .withNewStatus()
            .withAllowed(true)
            .endStatus()
            .build();
    TaskRun taskRun = new TaskRun();
    taskRun.getMetadata().setName("warm-up");
    taskRun.getMetadata().setNamespace("default");
    PodList pods =
        new PodListBuilder()
            .withNewMetadata()
            .withResourceVersion("1")
            .endMetadata()
            .addToItems(pod)
            .build();
    return List.of(pods, pod, status, review, access, taskRun);
  }

  /**
   * Writes and reads back one object of each type through {@code client}'s serialization.
   *
   * @return how many types went both ways
   */
  public static int run(KubernetesClient client) {
    long t0 = System.nanoTime();
    int done = 0;
    KubernetesSerialization json = client.getKubernetesSerialization();
    for (Object o : samples()) {
      try {
        Object back = json.unmarshal(json.asJson(o), o.getClass());
        if (o.getClass().isInstance(back)) {
          done++;
        }
      } catch (RuntimeException e) {
        LOG.debug("warm-up of {}: {}", o.getClass().getSimpleName(), e.toString());
      }
    }
    LOG.debug(
        "Kubernetes serialization warmed for {} types in {} ms",
        done,
        (System.nanoTime() - t0) / 1_000_000);
    return done;
  }
}
