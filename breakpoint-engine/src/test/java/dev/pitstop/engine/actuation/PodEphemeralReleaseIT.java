package dev.pitstop.engine.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.EphemeralOutcome;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Adding release containers through the sandbox's {@code pods/ephemeralcontainers}. */
class PodEphemeralReleaseIT {
  static final BreakpointKey KEY = new BreakpointKey("ci", "kaniko", "build");

  SandboxApiServer api;
  KubernetesClient client;
  Vertx vertx;
  PodEphemeralRelease release;

  @BeforeEach
  void start() {
    api = SandboxApiServer.start();
    client = api.newClient();
    vertx = Vertx.vertx();
    release = new PodEphemeralRelease(vertx, client, "busybox:1.36.1");
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
  void addsTheContainerOnceAndARepeatOfTheSameNameIsANoOp() {
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
  void aMissingPodIsAnErrorNotAFailedFuture() {
    EphemeralOutcome o = release.apply(add("gone-pod", "pitstop-release-0-a", "c1")).await();
    assertThat(o.succeeded()).isFalse();
    assertThat(o.error()).contains("gone-pod").contains("not found");
  }
}
