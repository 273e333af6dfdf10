package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.engine.admission.AdmissionDecider;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PipelineRun-level breakpoints on the real path: the sandbox's API server calls the engine's
 * admission webhook over HTTPS on every TaskRun CREATE; the Tekton simulator moves the runs; the
 * engine authenticates API callers by TokenReview and authorizes by SubjectAccessReview against the
 * sandbox's table. The watcher is played by publishing its {@code taskrun.pending} observation (the
 * engine module does not depend on the watcher).
 */
class BreakpointsSandboxIT {
  static final String NS = SandboxEngine.NS;

  SandboxEngine s;
  SandboxApiServer api;
  TektonSimulator sim;
  KubernetesClient client;
  List<PitstopEvent> decisions;
  EventPublisher watcher;

  @BeforeEach
  void start() throws Exception {
    s = SandboxEngine.start("engine-bp", Map.of());
    api = s.api;
    sim = s.sim;
    client = s.client;
    decisions = s.decisions;
    watcher = s.watcher;
  }

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  TaskRun taskRun(String name) {
    return s.taskRun(name);
  }

  boolean succeeded(TaskRun tr) {
    return SandboxEngine.succeeded(tr);
  }

  int post(String path, String token) {
    return s.post(path, token);
  }

  @Test
  void afterTasksHoldsTheDependentWhileTheIndependentTaskRunsOnThenAContinueReleasesItOnce() {
    String pr = "hold-" + UUID.randomUUID().toString().substring(0, 6);
    sim.apply(SandboxEngine.chain(pr, "{\"afterTasks\":[\"compile\"]}"));

    await().atMost(Duration.ofSeconds(30)).until(() -> taskRun(pr + "-deploy") != null);
    TaskRun deploy = taskRun(pr + "-deploy");
    assertThat(deploy.getSpec().status).isEqualTo("TaskRunPending");
    assertThat(deploy.getMetadata().getAnnotations())
        .containsEntry(AdmissionDecider.HELD_BY, "afterTasks:compile");
    await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(taskRun(pr + "-lint")));
    TaskRun compile = taskRun(pr + "-compile");
    assertThat(compile.getSpec().status).isNull();
    assertThat(succeeded(compile)).isTrue();
    // Held: no start, no Pod; its dependent "smoke" is not even created (it waits naturally).
    deploy = taskRun(pr + "-deploy");
    assertThat(deploy.getStatus() == null || deploy.getStatus().startTime == null).isTrue();
    assertThat(taskRun(pr + "-smoke")).isNull();

    // The watcher's observation of the pending TaskRun → the engine decides "held".
    RunRef ref =
        new RunRef(
            RunRef.TASK_RUN,
            NS,
            deploy.getMetadata().getName(),
            deploy.getMetadata().getUid(),
            pr,
            deploy.getMetadata().getLabels().get("tekton.dev/pipelineRunUID"),
            null,
            "deploy",
            null,
            0,
            Map.of(),
            Map.of(AdmissionDecider.HELD_BY, "afterTasks:compile"));
    Instant created = Instant.parse(deploy.getMetadata().getCreationTimestamp());
    watcher
        .publish(
            new EventFactory("sandbox", "watcher")
                .create(EventType.TASKRUN_PENDING, new RunPending(ref, created, null), created))
        .await();
    await().atMost(Duration.ofSeconds(30)).until(() -> has(EventType.HOLD_HELD));

    String path = "/v1/holds/" + NS + "/" + pr + "-deploy/continue";
    assertThat(post(path, null)).isEqualTo(401);
    assertThat(post(path, "nobody-token")).isEqualTo(401);
    assertThat(post(path, "bob-token")).as("bob may not create pods/exec").isEqualTo(403);
    assertThat(post(path, "alice-token")).isIn(200, 202);

    await().atMost(Duration.ofSeconds(30)).until(() -> has(EventType.HOLD_RELEASED));
    HoldReleased released =
        decisions.stream()
            .filter(e -> e.type() == EventType.HOLD_RELEASED)
            .findFirst()
            .orElseThrow()
            .data(HoldReleased.class);
    assertThat(released.by().username()).isEqualTo("alice");
    await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(taskRun(pr + "-smoke")));
    PipelineRun done = client.resources(PipelineRun.class).inNamespace(NS).withName(pr).get();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              PipelineRun p =
                  client.resources(PipelineRun.class).inNamespace(NS).withName(pr).get();
              return p.getStatus() != null && p.getStatus().isDone();
            });
    // Kubernetes timestamps: lint finished before deploy started (it ran on while deploy was held).
    assertThat(Instant.parse(taskRun(pr + "-lint").getStatus().completionTime))
        .isBeforeOrEqualTo(Instant.parse(taskRun(pr + "-deploy").getStatus().startTime));
    assertThat(post(path, "alice-token")).as("a second continue is a no-op").isEqualTo(409);
    assertThat(decisions.stream().filter(e -> e.type() == EventType.HOLD_RELEASED)).hasSize(1);
    assertThat(done).isNotNull();
  }

  @Test
  void withoutAlphaFieldsStepBreakpointsAreNotInjectedAndTheRunStillSucceeds() {
    client
        .configMaps()
        .inNamespace("tekton-pipelines")
        .withName("feature-flags")
        .edit(
            cm -> {
              cm.getData().put("enable-api-fields", "beta");
              return cm;
            });
    String pr = "beta-" + UUID.randomUUID().toString().substring(0, 6);
    await().atMost(Duration.ofSeconds(10)).until(() -> !alphaSeen());
    sim.apply(SandboxEngine.chain(pr, "{\"onFailure\":\"enabled\"}"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              PipelineRun p =
                  client.resources(PipelineRun.class).inNamespace(NS).withName(pr).get();
              return p != null && p.getStatus() != null && p.getStatus().isDone();
            });
    PipelineRun p = client.resources(PipelineRun.class).inNamespace(NS).withName(pr).get();
    assertThat(p.getStatus().succeeded().getStatus()).isEqualTo("True");
    assertThat(taskRun(pr + "-compile").getSpec().debug).isNull();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                decisions.stream()
                    .filter(e -> e.type() == EventType.BREAKPOINT_WARNING)
                    .anyMatch(
                        e ->
                            BreakpointWarning.ALPHA_FIELDS_DISABLED.equals(
                                e.data(BreakpointWarning.class).reason())));
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(ev -> assertThat(ev.getReason()).isEqualTo("AlphaFieldsDisabled"));
  }

  @Test
  void anEngineKilledWithAPauseAndAHoldLiveIsReplacedAndTheNewOneReleasesEachExactlyOnce() {
    String pr = "restart-" + UUID.randomUUID().toString().substring(0, 6);
    sim.apply(SandboxEngine.chain(pr, "{\"beforeTasks\":[\"deploy\"]}"));
    String paused = "paused-" + UUID.randomUUID().toString().substring(0, 6);
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
          annotations:
            sandbox.pitstop.dev/fail: "-/build"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - {name: build, image: alpine, script: echo building}
        """
            .formatted(paused));
    await().atMost(Duration.ofSeconds(30)).until(() -> taskRun(pr + "-deploy") != null);
    TaskRun deploy = taskRun(pr + "-deploy");
    assertThat(deploy.getSpec().status).isEqualTo("TaskRunPending");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                api.podLogs().lines(NS, paused + "-pod", "step-build").stream()
                    .anyMatch(
                        l -> l.text().contains("debug onFailure breakpoint has taken effect")));
    EventFactory w = new EventFactory("sandbox", "watcher");
    RunRef held =
        new RunRef(
            RunRef.TASK_RUN,
            NS,
            deploy.getMetadata().getName(),
            deploy.getMetadata().getUid(),
            pr,
            deploy.getMetadata().getLabels().get("tekton.dev/pipelineRunUID"),
            null,
            "deploy",
            null,
            0,
            Map.of(),
            Map.of(AdmissionDecider.HELD_BY, "beforeTasks:deploy"));
    Instant created = Instant.parse(deploy.getMetadata().getCreationTimestamp());
    watcher
        .publish(w.create(EventType.TASKRUN_PENDING, new RunPending(held, created, null), created))
        .await();
    RunRef pausedRun =
        new RunRef(
            RunRef.TASK_RUN,
            NS,
            paused,
            taskRun(paused).getMetadata().getUid(),
            null,
            null,
            null,
            null,
            null,
            0,
            Map.of(),
            Map.of());
    Instant at = Instant.now();
    watcher
        .publish(
            w.create(
                EventType.STEP_BREAKPOINT_REACHED,
                new dev.pitstop.events.data.BreakpointReached(
                    pausedRun,
                    new dev.pitstop.events.data.StepRef("build", 0, "step-build", paused + "-pod"),
                    dev.pitstop.events.data.Mechanism.ON_FAILURE,
                    at,
                    List.of("building"),
                    null),
                at))
        .await();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> has(EventType.HOLD_HELD) && has(EventType.BREAKPOINT_PAUSED));

    // Kill engine A (its Vert.x goes away), start engine B on the same topics and group.
    s.killAndRestartEngine();

    var list =
        s.http
            .get(s.engine.httpPort(), "127.0.0.1", "/v1/breakpoints")
            .putHeader("Authorization", "Bearer alice-token")
            .send()
            .await()
            .bodyAsJsonObject();
    assertThat(list.getJsonArray("breakpoints").size()).as(list.encode()).isEqualTo(1);
    assertThat(post("/v1/breakpoints/" + NS + "/" + paused + "/build/continue", "alice-token"))
        .isIn(200, 202);
    assertThat(post("/v1/holds/" + NS + "/" + pr + "-deploy/continue", "alice-token"))
        .isIn(200, 202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> has(EventType.HOLD_RELEASED) && has(EventType.BREAKPOINT_CONTINUED));
    await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(taskRun(pr + "-smoke")));
    await().atMost(Duration.ofSeconds(30)).until(() -> taskRun(paused).getStatus().isDone());
    assertThat(post("/v1/holds/" + NS + "/" + pr + "-deploy/continue", "alice-token"))
        .isEqualTo(409);
    assertThat(decisions.stream().filter(e -> e.type() == EventType.HOLD_RELEASED)).hasSize(1);
    assertThat(decisions.stream().filter(e -> e.type() == EventType.BREAKPOINT_CONTINUED))
        .hasSize(1);
    assertThat(decisions.stream().filter(e -> e.type() == EventType.COMMAND_REJECTED)).isEmpty();
  }

  boolean alphaSeen() {
    var cm = client.configMaps().inNamespace("tekton-pipelines").withName("feature-flags").get();
    return cm != null && "alpha".equals(cm.getData().get("enable-api-fields"));
  }

  boolean has(EventType type) {
    return s.has(type);
  }
}
