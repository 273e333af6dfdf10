package dev.pitstop.engine.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.hold.PatchOutcome;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Releasing a held TaskRun through the sandbox's Kubernetes API, by JSON Patch. */
class HoldPatcherIT {
  SandboxApiServer api;
  KubernetesClient client;
  Vertx vertx;
  HoldPatcher patcher;

  @BeforeEach
  void start() {
    api = SandboxApiServer.start();
    client = api.newClient();
    vertx = Vertx.vertx();
    patcher = new HoldPatcher(vertx, client);
  }

  @AfterEach
  void stop() {
    patcher.close();
    vertx.close().await();
    client.close();
    api.close();
  }

  TaskRun create(String name) {
    TaskRun tr = new TaskRun();
    tr.getMetadata().setNamespace("ci");
    tr.getMetadata().setName(name);
    tr.setSpec(new TaskRunSpec());
    tr.getSpec().status = TaskRunSpec.STATUS_PENDING;
    return client.resources(TaskRun.class).inNamespace("ci").resource(tr).create();
  }

  TaskRun get(String name) {
    return client.resources(TaskRun.class).inNamespace("ci").withName(name).get();
  }

  @Test
  void continueClearsSpecStatusOnceOnly() {
    create("held");
    PatchOutcome first =
        patcher.apply(new Action.ReleaseHold("ci", "held", "c1", false, null)).await();
    assertThat(first.succeeded()).as(first.error()).isTrue();
    assertThat(get("held").getSpec().status).isNull();
    PatchOutcome again =
        patcher.apply(new Action.ReleaseHold("ci", "held", "c2", false, null)).await();
    assertThat(again.succeeded()).as("the test op guards a second release").isFalse();
  }

  @Test
  void failContinueCancelsWithAMessageNamingWho() {
    create("held2");
    PatchOutcome o =
        patcher
            .apply(
                new Action.ReleaseHold("ci", "held2", "c1", true, "fail-continue by alice via cli"))
            .await();
    assertThat(o.succeeded()).as(o.error()).isTrue();
    TaskRun tr = get("held2");
    assertThat(tr.getSpec().status).isEqualTo(TaskRunSpec.STATUS_CANCELLED);
    assertThat(tr.getSpec().statusMessage).isEqualTo("fail-continue by alice via cli");
  }

  @Test
  void aMissingTaskRunIsAFailedOutcomeNotAnException() {
    PatchOutcome o = patcher.apply(new Action.ReleaseHold("ci", "gone", "c1", false, null)).await();
    assertThat(o.succeeded()).isFalse();
  }
}
