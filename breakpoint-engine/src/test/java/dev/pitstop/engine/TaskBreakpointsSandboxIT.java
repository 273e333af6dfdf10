package dev.pitstop.engine;

import static dev.pitstop.engine.SandboxEngine.NS;
import static dev.pitstop.engine.SandboxEngine.WAIT;
import static dev.pitstop.engine.SandboxEngine.succeeded;
import static dev.pitstop.engine.SandboxEngine.time;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.engine.admission.AdmissionDecider;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.sandbox.time.SandboxTime;
import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.SkippedTask;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The task rows of issue #3's table through the sandbox, the admission webhook on the real HTTPS
 * path ({@link SandboxEngine}): {@code onTasks} holds a task with no Pod while the independent
 * branch runs on; {@code afterTasks} on Tekton's when-expressions fixture (with {@code finally});
 * breakpoints added and removed on a running PipelineRun; a {@code debug.timeout} policy acting at
 * its deadline; a pause and a hold live at once. What was held and what ran on is read from the
 * Kubernetes timestamps.
 */
class TaskBreakpointsSandboxIT {
  SandboxEngine s;

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  static String name(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  Instant start(String taskRun) {
    return time(s.taskRun(taskRun).getStatus().startTime);
  }

  Instant end(String taskRun) {
    return time(s.taskRun(taskRun).getStatus().completionTime);
  }

  void awaitHeld(String taskRun) {
    s.pending(taskRun);
    await()
        .atMost(WAIT)
        .until(
            () ->
                s.events(EventType.HOLD_HELD, HoldHeld.class).stream()
                    .anyMatch(h -> h.run().name().equals(taskRun)));
  }

  HoldReleased awaitReleased(String taskRun) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                s.events(EventType.HOLD_RELEASED, HoldReleased.class).stream()
                    .anyMatch(h -> h.run().name().equals(taskRun)));
    return s.events(EventType.HOLD_RELEASED, HoldReleased.class).stream()
        .filter(h -> h.run().name().equals(taskRun))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void onTasksHoldsTheTaskWithoutAPodItsDependentWaitsAndTheIndependentFinishesFirst()
      throws Exception {
    s = SandboxEngine.start("engine-ontasks", Map.of());
    String pr = name("on-tasks");
    s.sim.apply(SandboxEngine.chain(pr, "{\"onTasks\":[\"deploy\"]}"));
    TaskRun deploy = s.awaitTaskRun(pr + "-deploy");
    assertThat(deploy.getSpec().status).isEqualTo("TaskRunPending");
    assertThat(deploy.getMetadata().getAnnotations())
        .containsEntry(AdmissionDecider.HELD_BY, "beforeTasks:deploy");
    await().atMost(WAIT).until(() -> succeeded(s.taskRun(pr + "-lint")));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              TaskRun d = s.taskRun(pr + "-deploy");
              return d.getStatus() != null
                  && d.getStatus().succeeded() != null
                  && "TaskRunPending".equals(d.getStatus().succeeded().getReason());
            });
    deploy = s.taskRun(pr + "-deploy");
    assertThat(deploy.getStatus().startTime).as("no timeout clock").isNull();
    assertThat(s.client.pods().inNamespace(NS).withName(pr + "-deploy-pod").get())
        .as("held: no Pod")
        .isNull();
    assertThat(s.taskRun(pr + "-smoke")).as("its dependent waits").isNull();
    assertThat(s.taskRun(pr + "-compile").getSpec().status).isNull();

    awaitHeld(pr + "-deploy");
    assertThat(s.releaseHold(pr + "-deploy", "continue")).isIn(200, 202);
    HoldReleased released = awaitReleased(pr + "-deploy");
    assertThat(released.by().username()).isEqualTo("alice");

    PipelineRun done = s.awaitPipelineRunDone(pr);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("True");
    Instant deployStart = start(pr + "-deploy");
    // Kubernetes timestamps: the independent task finished before the held one started.
    assertThat(end(pr + "-lint")).isBefore(deployStart);
    assertThat(end(pr + "-compile")).isBefore(deployStart);
    assertThat(deployStart).isAfter(time(deploy.getMetadata().getCreationTimestamp()));
    assertThat(start(pr + "-smoke")).isAfterOrEqualTo(end(pr + "-deploy"));
  }

  static String fixture(String relative) throws Exception {
    Path dir = Path.of(System.getProperty("pitstop.shared.dir", "../../shared"));
    return Files.readString(dir.resolve("fixtures/tekton").resolve(relative));
  }

  @Test
  void afterTasksOnTektonsWhenExpressionsFixtureHoldsTheResultDependentOnlyAndFinallyRunsAfter()
      throws Exception {
    s =
        SandboxEngine.start(
            "engine-when", Map.of(), o -> o.withResults(Map.of("check-file/exists", "yes")));
    String pr = name("guarded");
    applyWhenFixture(pr, "{\"afterTasks\":[\"check-file\"]}");

    String echo = pr + "-echo-file-exists";
    TaskRun held = s.awaitTaskRun(echo);
    assertThat(held.getSpec().status).isEqualTo("TaskRunPending");
    assertThat(held.getMetadata().getAnnotations())
        .containsEntry(AdmissionDecider.HELD_BY, "afterTasks:check-file");
    List<String> independent =
        List.of("create-file", "check-file", "sample-task-with-array-values");
    for (String t : independent) {
      await().atMost(WAIT).until(() -> succeeded(s.taskRun(pr + "-" + t)));
      assertThat(s.taskRun(pr + "-" + t).getSpec().status).as(t).isNull();
    }
    String when = "When Expressions evaluated to false";
    // While echo-file-exists is held: the other direct dependent of check-file
    // (task-should-be-skipped-1) is skipped by its when as Tekton decides, not held; the task
    // after echo-file-exists has not been decided; no finally task exists yet.
    await()
        .atMost(WAIT)
        .until(() -> skipped(s.pipelineRun(pr)).containsKey("task-should-be-skipped-1"));
    PipelineRun during = s.pipelineRun(pr);
    assertThat(skipped(during))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "task-should-be-skipped-1", when,
                "task-should-be-skipped-2", when,
                "task-should-be-skipped-4", when));
    assertThat(during.getStatus().isDone()).isFalse();
    assertThat(during.getStatus().finallyStartTime).isNull();
    assertThat(s.taskRun(pr + "-finally-task-should-be-executed")).isNull();

    awaitHeld(echo);
    assertThat(s.releaseHold(echo, "continue")).isIn(200, 202);
    awaitReleased(echo);

    PipelineRun done = s.awaitPipelineRunDone(pr);
    // As Tekton reports the fixture without any breakpoint (sandbox/.../sim/DESIGN.md).
    assertThat(done.getStatus().succeeded().getReason()).isEqualTo("Completed");
    assertThat(done.getStatus().succeeded().getMessage())
        .isEqualTo("Tasks Completed: 5 (Failed: 0, Cancelled 0), Skipped: 9");
    Map<String, String> allSkipped = new HashMap<>();
    for (String t :
        List.of(
            "task-should-be-skipped-1",
            "task-should-be-skipped-2",
            "task-should-be-skipped-3",
            "task-should-be-skipped-4",
            "finally-task-should-be-skipped-1",
            "finally-task-should-be-skipped-2",
            "finally-task-should-be-skipped-3",
            "finally-task-should-be-skipped-4",
            "finally-task-should-be-skipped-5")) {
      allSkipped.put(t, when);
    }
    assertThat(skipped(done)).containsExactlyInAnyOrderEntriesOf(allSkipped);
    assertThat(succeeded(s.taskRun(echo))).isTrue();
    String fin = pr + "-finally-task-should-be-executed";
    assertThat(succeeded(s.taskRun(fin))).isTrue();

    // Kubernetes timestamps: every independent task finished before the held one started; the
    // finally task started after it ended.
    Instant echoStart = start(echo);
    for (String t : independent) {
      assertThat(end(pr + "-" + t)).as(t).isBefore(echoStart);
    }
    assertThat(echoStart).isAfter(time(held.getMetadata().getCreationTimestamp()));
    assertThat(start(fin)).isAfterOrEqualTo(end(echo));
    assertThat(time(done.getStatus().finallyStartTime)).isAfterOrEqualTo(end(echo));
    assertThat(s.events(EventType.HOLD_HELD, HoldHeld.class))
        .extracting(h -> h.run().pipelineTask())
        .containsExactly("echo-file-exists");
  }

  JsonObject get(String path) {
    return s.http
        .get(s.engine.httpPort(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer " + SandboxEngine.ALICE)
        .send()
        .await()
        .bodyAsJsonObject();
  }

  @Test
  void aPauseAndAHoldLiveAtOnceInOneRunEachHoldOnlyTheirDependentsAndAreReleasedApart()
      throws Exception {
    s = SandboxEngine.start("engine-two-live", Map.of());
    String pr = name("two-live");
    s.sim.apply(
        SandboxEngine.chain(pr, "{\"onFailure\":\"enabled\",\"beforeTasks\":[\"deploy\"]}")
            .replace(
                "    pitstop.dev/breakpoints:",
                "    sandbox.pitstop.dev/fail: lint/run\n    pitstop.dev/breakpoints:"));
    s.awaitMarker(pr + "-lint", "run", SandboxEngine.ON_FAILURE_MARKER);
    TaskRun deploy = s.awaitTaskRun(pr + "-deploy");
    assertThat(deploy.getSpec().status).isEqualTo("TaskRunPending");
    assertThat(deploy.getSpec().breakpoints().onFailure).isEqualTo("enabled");
    s.reached(pr + "-lint", "run", 0, Mechanism.ON_FAILURE);
    awaitHeld(pr + "-deploy");
    await().atMost(WAIT).until(() -> s.has(EventType.BREAKPOINT_PAUSED));
    assertThat(get("/v1/breakpoints").getJsonArray("breakpoints").size()).isEqualTo(1);
    assertThat(get("/v1/holds").getJsonArray("holds").size()).isEqualTo(1);

    // The hold is released first: deploy and smoke run while lint is still paused.
    assertThat(s.releaseHold(pr + "-deploy", "continue")).isIn(200, 202);
    await().atMost(WAIT).until(() -> succeeded(s.taskRun(pr + "-smoke")));
    assertThat(s.taskRun(pr + "-lint").getStatus().isDone()).as("still paused").isFalse();
    assertThat(s.pipelineRun(pr).getStatus().isDone()).isFalse();
    assertThat(s.releaseStep(pr + "-lint", "run", "continue")).isIn(200, 202);

    PipelineRun done = s.awaitPipelineRunDone(pr);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("True");
    assertThat(end(pr + "-smoke")).isBefore(end(pr + "-lint"));
    assertThat(start(pr + "-deploy")).isAfter(end(pr + "-compile"));
    assertThat(s.events(EventType.HOLD_RELEASED, HoldReleased.class)).hasSize(1);
    assertThat(s.has(EventType.BREAKPOINT_CONTINUED)).isTrue();
  }

  /** Tekton's when-expressions fixture, created under {@code name} with the annotation. */
  void applyWhenFixture(String name, String breakpoints) throws Exception {
    PipelineRun fixture =
        (PipelineRun)
            TektonYaml.load(fixture("pipelineruns/pipelinerun-with-when-expressions.yaml")).get(0);
    fixture.getMetadata().setGenerateName(null);
    fixture.getMetadata().setName(name);
    fixture.getMetadata().setNamespace(NS);
    fixture.getMetadata().setAnnotations(Map.of("pitstop.dev/breakpoints", breakpoints));
    s.client.resource(fixture).create();
  }

  @Test
  void beforeTasksOnAFinallyTaskHoldsItAfterEveryTaskEndedAndTheRunEndsAsTektonSays()
      throws Exception {
    s =
        SandboxEngine.start(
            "engine-finally", Map.of(), o -> o.withResults(Map.of("check-file/exists", "yes")));
    String pr = name("guarded-fin");
    applyWhenFixture(pr, "{\"beforeTasks\":[\"finally-task-should-be-executed\"]}");
    String fin = pr + "-finally-task-should-be-executed";
    TaskRun held = s.awaitTaskRun(fin);
    assertThat(held.getSpec().status).isEqualTo("TaskRunPending");
    assertThat(held.getMetadata().getAnnotations())
        .containsEntry(AdmissionDecider.HELD_BY, "beforeTasks:finally-task-should-be-executed");
    List<String> ran =
        List.of("create-file", "check-file", "echo-file-exists", "sample-task-with-array-values");
    for (String t : ran) {
      assertThat(succeeded(s.taskRun(pr + "-" + t))).as(t).isTrue();
      assertThat(s.taskRun(pr + "-" + t).getSpec().status).as(t).isNull();
    }
    assertThat(s.pipelineRun(pr).getStatus().isDone()).isFalse();

    awaitHeld(fin);
    assertThat(s.releaseHold(fin, "continue")).isIn(200, 202);
    awaitReleased(fin);
    PipelineRun done = s.awaitPipelineRunDone(pr);
    assertThat(done.getStatus().succeeded().getReason()).isEqualTo("Completed");
    assertThat(done.getStatus().succeeded().getMessage())
        .isEqualTo("Tasks Completed: 5 (Failed: 0, Cancelled 0), Skipped: 9");
    assertThat(skipped(done)).hasSize(9).allSatisfy((t, r) -> assertThat(r).isEqualTo(WHEN));
    Instant finStart = start(fin);
    for (String t : ran) {
      assertThat(end(pr + "-" + t)).as(t).isBefore(finStart);
    }
    assertThat(time(done.getStatus().finallyStartTime)).isBeforeOrEqualTo(finStart);
    assertThat(time(done.getStatus().completionTime)).isAfterOrEqualTo(end(fin));
  }

  static final String WHEN = "When Expressions evaluated to false";

  static Map<String, String> skipped(PipelineRun pr) {
    if (pr.getStatus() == null || pr.getStatus().skippedTasks == null) {
      return Map.of();
    }
    return pr.getStatus().skippedTasks.stream()
        .collect(Collectors.toMap((SkippedTask t) -> t.name, t -> t.reason, (a, b) -> a));
  }

  /** Sets the annotation with get + update (the resourceVersion guards the simulator's writes). */
  void annotate(String pr, String breakpoints) {
    await()
        .atMost(WAIT)
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              PipelineRun p = s.pipelineRun(pr);
              p.getMetadata().getAnnotations().put("pitstop.dev/breakpoints", breakpoints);
              s.client.resource(p).update();
              return true;
            });
  }

  @Test
  void breakpointsAddedOrRemovedOnARunningPipelineRunApplyToTaskRunsNotYetCreated()
      throws Exception {
    s = SandboxEngine.start("engine-reannotate", Map.of());
    String pr = name("reannotate");
    s.sim.apply(SandboxEngine.chain(pr, "{\"beforeTasks\":[\"compile\",\"deploy\"]}"));
    TaskRun compile = s.awaitTaskRun(pr + "-compile");
    assertThat(compile.getSpec().status).isEqualTo("TaskRunPending");
    awaitHeld(pr + "-compile");

    // While compile is held (deploy and smoke not created): remove deploy, add smoke.
    annotate(pr, "{\"beforeTasks\":[\"compile\",\"smoke\"]}");
    assertThat(s.taskRun(pr + "-deploy")).isNull();
    assertThat(s.releaseHold(pr + "-compile", "continue")).isIn(200, 202);
    awaitReleased(pr + "-compile");

    TaskRun smoke = s.awaitTaskRun(pr + "-smoke");
    assertThat(smoke.getSpec().status).as("added while running: held").isEqualTo("TaskRunPending");
    assertThat(smoke.getMetadata().getAnnotations())
        .containsEntry(AdmissionDecider.HELD_BY, "beforeTasks:smoke");
    TaskRun deploy = s.taskRun(pr + "-deploy");
    assertThat(deploy.getSpec().status).as("removed before it was created: not held").isNull();
    assertThat(deploy.getMetadata().getAnnotations()).doesNotContainKey(AdmissionDecider.HELD_BY);
    assertThat(succeeded(deploy)).isTrue();
    // TaskRuns already created keep what they got: compile was held under the first annotation.
    assertThat(s.taskRun(pr + "-compile").getMetadata().getAnnotations())
        .containsEntry(AdmissionDecider.HELD_BY, "beforeTasks:compile");

    awaitHeld(pr + "-smoke");
    assertThat(s.releaseHold(pr + "-smoke", "continue")).isIn(200, 202);
    PipelineRun done = s.awaitPipelineRunDone(pr);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("True");
    assertThat(start(pr + "-smoke")).isAfterOrEqualTo(end(pr + "-deploy"));
    assertThat(s.events(EventType.HOLD_RELEASED, HoldReleased.class))
        .extracting(h -> h.run().pipelineTask())
        .containsExactly("compile", "smoke");
  }

  @Test
  void aDebugTimeoutWarnsAheadThenFailContinuesTheHeldTaskByItsPolicyAndSaysSo() throws Exception {
    // An 8 s debug timeout warned 6 s ahead, checked every 200 ms, at the sandbox's time scale.
    Duration timeout = SandboxTime.ofSeconds(8);
    s =
        SandboxEngine.start(
            "engine-timeout",
            Map.of(
                "ENGINE_TIMEOUT_TICK",
                Math.max(100, SandboxTime.ofMillis(200).toMillis()) + "ms")); // its floor: 100ms
    String pr = name("deadline");
    s.sim.apply(
        SandboxEngine.chain(
            pr,
            "{\"beforeTasks\":[\"deploy\"],\"timeout\":\""
                + SandboxTime.go(Duration.ofSeconds(8))
                + "\",\"onTimeout\":\"fail-continue\",\"warnBefore\":\""
                + SandboxTime.go(Duration.ofSeconds(6))
                + "\"}"));
    TaskRun deploy = s.awaitTaskRun(pr + "-deploy");
    assertThat(deploy.getSpec().status).isEqualTo("TaskRunPending");
    Instant created = time(deploy.getMetadata().getCreationTimestamp());
    awaitHeld(pr + "-deploy");

    // Nobody releases it: the policy does, at created + timeout (warning from created + 2s,
    // scaled).
    HoldReleased released = awaitReleased(pr + "-deploy");
    assertThat(released.by().username()).isEqualTo("system:pitstop:timeout-policy");
    assertThat(released.via()).isEqualTo("auto");
    assertThat(released.action()).isEqualTo(Action.FAIL_CONTINUE);
    assertThat(released.decidedAt()).isAfterOrEqualTo(created.plus(timeout));

    List<PitstopEvent> ordered =
        s.decisions.stream()
            .filter(
                e ->
                    e.type() == EventType.BREAKPOINT_WARNING || e.type() == EventType.HOLD_RELEASED)
            .toList();
    List<String> kinds =
        ordered.stream()
            .map(
                e ->
                    e.type() == EventType.HOLD_RELEASED
                        ? "released"
                        : e.data(BreakpointWarning.class).reason())
            .toList();
    assertThat(kinds)
        .containsSubsequence(
            BreakpointWarning.TIMEOUT_AHEAD, BreakpointWarning.TIMEOUT_ACTION, "released");
    BreakpointWarning action =
        s.events(EventType.BREAKPOINT_WARNING, BreakpointWarning.class).stream()
            .filter(w -> w.reason().equals(BreakpointWarning.TIMEOUT_ACTION))
            .findFirst()
            .orElseThrow();
    assertThat(action.message()).contains("onTimeout fail-continue");
    assertThat(action.run().name()).isEqualTo(pr + "-deploy");

    // fail-continue of a held task cancels it, which Tekton treats as a failed task.
    TaskRun cancelled = s.awaitDone(pr + "-deploy");
    assertThat(cancelled.getSpec().status).isEqualTo("TaskRunCancelled");
    assertThat(cancelled.getSpec().statusMessage).contains("system:pitstop:timeout-policy");
    PipelineRun done = s.awaitPipelineRunDone(pr);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("False");
    assertThat(s.taskRun(pr + "-smoke")).isNull();
    assertThat(succeeded(s.taskRun(pr + "-lint"))).isTrue();
  }
}
