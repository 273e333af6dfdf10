package dev.pitstop.engine.actuation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.EphemeralOutcome;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Adding release containers through the sandbox's {@code pods/ephemeralcontainers}, and confirming
 * them by their status; the test plays the kubelet, writing {@code
 * status.ephemeralContainerStatuses} when a container is added ({@link #kubelet}).
 */
class PodEphemeralReleaseIT {
  static final BreakpointKey KEY = new BreakpointKey("ci", "kaniko", "build");

  SandboxApiServer api;
  KubernetesClient client;
  Vertx vertx;
  PodEphemeralRelease release;

  /** What the "kubelet" reports for a container once added, by image; none: nothing. */
  final Map<String, ContainerState> kubelet = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    api = SandboxApiServer.start();
    client = api.newClient();
    vertx = Vertx.vertx();
    release = new PodEphemeralRelease(vertx, client, "busybox:1.36.1", Duration.ofSeconds(20));
    kubelet.put("busybox:1.36.1", terminated(0, "Completed"));
    api.setEphemeralContainerHandler(
        (ns, pod, c) -> {
          ContainerState st = kubelet.get(c.getImage());
          if (st != null) {
            report(pod, c.getName(), st);
          }
        });
    client
        .pods()
        .inNamespace("ci")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("kaniko-pod")
                .withNamespace("ci")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("step-build")
                .withImage("gcr.io/kaniko-project/executor:v1.23.2")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  static ContainerState terminated(int code, String reason) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .withStartedAt("2026-11-21T09:00:00Z")
        .withFinishedAt("2026-11-21T09:00:01Z")
        .endTerminated()
        .build();
  }

  static ContainerState waiting(String reason) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage("failed to pull image")
        .endWaiting()
        .build();
  }

  /** Writes the status of ephemeral container {@code name} of {@code pod}, as the kubelet. */
  void report(String pod, String name, ContainerState state) {
    client
        .pods()
        .inNamespace("ci")
        .withName(pod)
        .editStatus(
            p -> {
              var statuses =
                  new ArrayList<>(
                      p.getStatus() == null || p.getStatus().getEphemeralContainerStatuses() == null
                          ? List.of()
                          : p.getStatus().getEphemeralContainerStatuses());
              statuses.removeIf(c -> c.getName().equals(name));
              statuses.add(new ContainerStatusBuilder().withName(name).withState(state).build());
              if (p.getStatus() == null) {
                p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
              }
              p.getStatus().setPhase("Running");
              p.getStatus().setEphemeralContainerStatuses(statuses);
              return p;
            });
  }

  @AfterEach
  void stop() {
    release.close();
    vertx.close().await();
    client.close();
    api.close();
  }

  static Action.AddReleaseContainer add(String pod, String name, String command) {
    return new Action.AddReleaseContainer(
        KEY,
        command,
        "ci",
        pod,
        name,
        "step-build",
        0,
        Mechanism.BEFORE_STEPS,
        dev.pitstop.events.data.Action.CONTINUE);
  }

  List<EphemeralContainer> ephemeral() {
    Pod p = client.pods().inNamespace("ci").withName("kaniko-pod").get();
    return p.getSpec().getEphemeralContainers();
  }

  @Test
  void addsTheContainerOnceAndARepeatOfTheSameNameOnlyConfirmsIt() {
    EphemeralOutcome first = release.apply(add("kaniko-pod", "pitstop-release-0-a", "c1")).await();
    assertThat(first.succeeded()).as(first.error()).isTrue();
    EphemeralOutcome again = release.apply(add("kaniko-pod", "pitstop-release-0-a", "c1")).await();
    assertThat(again.succeeded()).as(again.error()).isTrue();
    assertThat(ephemeral())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("pitstop-release-0-a");
              assertThat(c.getImage()).isEqualTo("busybox:1.36.1");
              assertThat(c.getVolumeMounts().get(0).getName()).isEqualTo("tekton-internal-run-0");
              assertThat(c.getArgs()).containsExactly("echo 0 > /tekton/run/0/out.beforestepexit");
              assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            });
  }

  @Test
  void anotherAttemptAddsASecondContainerBesideTheFirst() {
    release.apply(add("kaniko-pod", "pitstop-release-0-a", "c1")).await();
    EphemeralOutcome second = release.apply(add("kaniko-pod", "pitstop-release-0-b", "c2")).await();
    assertThat(second.succeeded()).as(second.error()).isTrue();
    assertThat(ephemeral())
        .extracting(EphemeralContainer::getName)
        .containsExactly("pitstop-release-0-a", "pitstop-release-0-b");
  }

  @Test
  void theOutcomeWaitsForTheContainerToTerminate() {
    kubelet.clear();
    Future<EphemeralOutcome> f = release.apply(add("kaniko-pod", "pitstop-release-0-a", "c1"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ephemeral() != null && !ephemeral().isEmpty());
    report(
        "kaniko-pod",
        "pitstop-release-0-a",
        new ContainerStateBuilder().withNewRunning().endRunning().build());
    // Not decided while the container runs.
    await()
        .during(Duration.ofMillis(1_500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !f.isComplete());
    report("kaniko-pod", "pitstop-release-0-a", terminated(0, "Completed"));
    EphemeralOutcome o = f.await();
    assertThat(o.succeeded()).as(o.error()).isTrue();
  }

  @Test
  void anImageThatCannotBePulledIsAFailureNamingTheContainerAndItsStatus() {
    kubelet.put("busybox:1.36.1", waiting("ErrImagePull"));
    EphemeralOutcome o = release.apply(add("kaniko-pod", "pitstop-release-0-a", "c1")).await();
    assertThat(o.succeeded()).isFalse();
    assertThat(o.added()).isTrue();
    assertThat(o.error())
        .isEqualTo(
            "ephemeral container pitstop-release-0-a waiting (ErrImagePull: failed to pull image)");
  }

  @Test
  void aNonZeroExitIsAFailure() {
    kubelet.put("busybox:1.36.1", terminated(1, "Error"));
    EphemeralOutcome o = release.apply(add("kaniko-pod", "pitstop-release-0-a", "c1")).await();
    assertThat(o.succeeded()).isFalse();
    assertThat(o.error()).contains("pitstop-release-0-a").contains("exit code 1 (Error)");
  }

  @Test
  void noResultInTimeIsAFailureSayingWhatWasLastSeen() {
    kubelet.clear();
    release.close();
    release = new PodEphemeralRelease(vertx, client, "busybox:1.36.1", Duration.ofSeconds(1));
    EphemeralOutcome o = release.apply(add("kaniko-pod", "pitstop-release-0-a", "c1")).await();
    assertThat(o.succeeded()).isFalse();
    assertThat(o.added()).isTrue();
    assertThat(o.error())
        .contains("pitstop-release-0-a did not terminate within PT1S")
        .contains("no status reported yet");
  }

  @Test
  void aMissingPodIsAnErrorNotAFailedFuture() {
    EphemeralOutcome o = release.apply(add("gone-pod", "pitstop-release-0-a", "c1")).await();
    assertThat(o.succeeded()).isFalse();
    assertThat(o.added()).isFalse();
    assertThat(o.error()).contains("gone-pod").contains("not found");
  }
}
