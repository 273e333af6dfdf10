package dev.pitstop.engine;

import static dev.pitstop.engine.SandboxEngine.BEFORE_STEP_MARKER;
import static dev.pitstop.engine.SandboxEngine.ON_FAILURE_MARKER;
import static dev.pitstop.engine.SandboxEngine.WAIT;
import static dev.pitstop.engine.SandboxEngine.succeeded;
import static dev.pitstop.engine.SandboxEngine.time;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.engine.admission.AdmissionDecider;
import dev.pitstop.events.EventType;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.tekton.model.Breakpoints;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.TaskRun;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step rows of issue #3's table through the sandbox, the admission webhook on the real HTTPS
 * path ({@link SandboxEngine}): TaskRun-native {@code onFailure}/{@code beforeSteps}, TaskRun
 * {@code afterSteps} (before another step, and after the last step of a child TaskRun), and the
 * PipelineRun's {@code onFailure} and {@code beforeSteps}/{@code onSteps}. Each pause is observed
 * as the simulated entrypoint's marker in the step's log, released through the engine's API by
 * Tekton's script, and the run ends as Tekton says.
 */
class StepBreakpointsSandboxIT {
  SandboxEngine s;

  @BeforeEach
  void start() throws Exception {
    s = SandboxEngine.start("engine-steps", Map.of());
  }

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  static String name(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  static StepState step(TaskRun tr, String name) {
    return tr.getStatus().steps.stream()
        .filter(st -> name.equals(st.name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(tr.getMetadata().getName() + " has no step " + name));
  }

  static boolean terminated(TaskRun tr, String step) {
    return tr.getStatus() != null
        && tr.getStatus().steps != null
        && tr.getStatus().steps.stream()
            .anyMatch(st -> step.equals(st.name) && st.terminated != null);
  }

  static Instant startedAt(StepState st) {
    return time(st.terminated.getStartedAt());
  }

  static Instant finishedAt(StepState st) {
    return time(st.terminated.getFinishedAt());
  }

  static Breakpoints breakpoints(TaskRun tr) {
    return tr.getSpec().breakpoints();
  }

  /** Pauses, is released by {@code action} as alice, and returns the continued event. */
  BreakpointContinued pauseAndRelease(
      String taskRun, String step, int index, Mechanism m, String action) {
    s.reached(taskRun, step, index, m);
    await()
        .atMost(WAIT)
        .until(
            () ->
                s.events(EventType.BREAKPOINT_PAUSED, BreakpointPaused.class).stream()
                    .anyMatch(
                        p ->
                            p.run().name().equals(taskRun)
                                && p.step().name().equals(step)
                                && p.mechanism() == m));
    assertThat(s.releaseStep(taskRun, step, action)).isIn(200, 202);
    await()
        .atMost(WAIT)
        .until(
            () ->
                s.events(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class).stream()
                    .anyMatch(c -> c.run().name().equals(taskRun) && c.step().name().equals(step)));
    BreakpointContinued c =
        s.events(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class).stream()
            .filter(x -> x.run().name().equals(taskRun) && x.step().name().equals(step))
            .findFirst()
            .orElseThrow();
    assertThat(c.by().username()).isEqualTo("alice");
    assertThat(c.mechanism()).isEqualTo(m);
    return c;
  }

  @Test
  void nativeOnFailurePausesTheFailingStepAndFailContinueFailsTheTaskRunAsTektonDoes() {
    String tr = name("native-of");
    s.sim.apply(
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
            - {name: test, image: alpine, script: echo testing}
        """
            .formatted(tr));
    s.awaitMarker(tr, "build", ON_FAILURE_MARKER);
    TaskRun paused = s.taskRun(tr);
    // The webhook leaves a native declaration as it is.
    assertThat(breakpoints(paused).onFailure).isEqualTo("enabled");
    assertThat(breakpoints(paused).beforeSteps).isEmpty();
    assertThat(paused.getMetadata().getAnnotations()).doesNotContainKey(AdmissionDecider.HELD_BY);
    assertThat(paused.getStatus().isDone()).isFalse();
    assertThat(terminated(paused, "build")).as("a failed step waits, running").isFalse();

    BreakpointContinued c = pauseAndRelease(tr, "build", 0, Mechanism.ON_FAILURE, "fail-continue");
    assertThat(c.action()).isEqualTo(Action.FAIL_CONTINUE);

    TaskRun done = s.awaitDone(tr);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("False");
    assertThat(done.getStatus().succeeded().getReason()).isEqualTo("Failed");
    assertThat(step(done, "build").terminated.getExitCode()).isEqualTo(1);
    // After a fail-continue the later steps still run (Tekton's entrypoint).
    assertThat(terminated(done, "test")).isTrue();
    assertThat(startedAt(step(done, "test"))).isAfterOrEqualTo(finishedAt(step(done, "build")));
  }

  @Test
  void nativeBeforeStepsPausesBeforeTheStepWhichRunsOnlyAfterAContinue() {
    String tr = name("native-bs");
    s.sim.apply(SandboxEngine.pausingBeforeTest(tr));
    s.awaitMarker(tr, "test", BEFORE_STEP_MARKER);
    // The marker is in the log before the TaskRun's status shows build's end (Tekton copies it
    // from the Pod): wait for that, then the paused step must not have run.
    TaskRun paused = s.awaitTaskRun(tr, t -> terminated(t, "build"));
    assertThat(breakpoints(paused).beforeSteps).containsExactly("test");
    assertThat(terminated(paused, "test")).isFalse();

    Instant released = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    BreakpointContinued c = pauseAndRelease(tr, "test", 1, Mechanism.BEFORE_STEPS, "continue");
    assertThat(c.action()).isEqualTo(Action.CONTINUE);

    TaskRun done = s.awaitDone(tr);
    assertThat(succeeded(done)).as("%s", done.getStatus().succeeded()).isTrue();
    assertThat(done.getStatus().steps)
        .extracting(st -> st.terminationReason)
        .containsExactly("Completed", "Completed");
    // The step ran only after the release: its start is the release, not the end of build.
    assertThat(startedAt(step(done, "test"))).isAfterOrEqualTo(released);
    assertThat(startedAt(step(done, "test"))).isAfter(finishedAt(step(done, "build")));
  }

  @Test
  void taskRunAfterStepsBecomesBeforeStepsOnTheNextStepAndPausesThere() {
    String tr = name("after-step");
    s.sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
          annotations:
            pitstop.dev/breakpoints: '{"afterSteps":["build"]}'
        spec:
          taskSpec:
            steps:
            - {name: build, image: alpine, script: echo building}
            - {name: test, image: alpine, script: echo testing}
            - {name: package, image: alpine, script: echo packaging}
        """
            .formatted(tr));
    TaskRun stored = s.awaitTaskRun(tr);
    // The stored spec: what the webhook injected (beforeSteps needs onFailure in Tekton).
    assertThat(breakpoints(stored)).isNotNull();
    assertThat(breakpoints(stored).onFailure).isEqualTo("enabled");
    assertThat(breakpoints(stored).beforeSteps).containsExactly("test");

    s.awaitMarker(tr, "test", BEFORE_STEP_MARKER);
    TaskRun paused = s.awaitTaskRun(tr, t -> terminated(t, "build"));
    assertThat(terminated(paused, "test")).isFalse();
    assertThat(terminated(paused, "package")).isFalse();

    Instant released = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    pauseAndRelease(tr, "test", 1, Mechanism.BEFORE_STEPS, "continue");
    TaskRun done = s.awaitDone(tr);
    assertThat(succeeded(done)).as("%s", done.getStatus().succeeded()).isTrue();
    assertThat(startedAt(step(done, "test"))).isAfterOrEqualTo(released);
    assertThat(startedAt(step(done, "package"))).isAfterOrEqualTo(finishedAt(step(done, "test")));
  }

  /**
   * Declared on compile's own TaskRun (from its embedded taskSpec's metadata, which Tekton copies
   * to the TaskRun), or on the PipelineRun as {@code compile/build}.
   */
  @ParameterizedTest(name = "declared on the {0}")
  @ValueSource(strings = {"TaskRun", "PipelineRun"})
  void afterStepsOnTheLastStepOfAChildTaskRunHoldsItsDependentsWhileTheIndependentRunsOn(
      String on) {
    boolean onTaskRun = on.equals("TaskRun");
    String pr = name("after-last");
    s.sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: %s
          annotations: {%s}
        spec:
          pipelineSpec:
            tasks:
              - name: compile
                taskSpec:
                  metadata:
                    annotations: {%s}
                  steps: [{name: build, image: alpine, script: echo b}]
              - name: lint
                taskSpec: {steps: [{name: run, image: alpine, script: echo l}]}
              - name: deploy
                runAfter: [compile]
                taskSpec: {steps: [{name: push, image: alpine, script: echo p}]}
              - name: smoke
                runAfter: [deploy]
                taskSpec: {steps: [{name: check, image: alpine, script: echo s}]}
        """
            .formatted(
                pr,
                onTaskRun ? "" : "pitstop.dev/breakpoints: '{\"afterSteps\":[\"compile/build\"]}'",
                onTaskRun ? "pitstop.dev/breakpoints: '{\"afterSteps\":[\"build\"]}'" : ""));
    TaskRun deploy = s.awaitTaskRun(pr + "-deploy");
    assertThat(deploy.getSpec().status).isEqualTo("TaskRunPending");
    assertThat(deploy.getMetadata().getAnnotations())
        .containsEntry(AdmissionDecider.HELD_BY, "afterSteps:compile/build");
    TaskRun compile = s.taskRun(pr + "-compile");
    assertThat(compile.getMetadata().getAnnotations())
        .containsEntry(
            "pitstop.dev/breakpoints",
            onTaskRun ? "{\"afterSteps\":[\"build\"]}" : "{\"afterSteps\":[\"compile/build\"]}");
    assertThat(compile.getSpec().debug).as("no step after build: nothing step-level").isNull();
    assertThat(compile.getSpec().status).isNull();
    await().atMost(WAIT).until(() -> succeeded(s.taskRun(pr + "-lint")));
    assertThat(succeeded(s.taskRun(pr + "-compile"))).isTrue();
    deploy = s.taskRun(pr + "-deploy");
    assertThat(deploy.getStatus() == null || deploy.getStatus().startTime == null).isTrue();
    assertThat(s.taskRun(pr + "-smoke")).as("waits naturally").isNull();

    s.pending(pr + "-deploy");
    s.awaitEvent(EventType.HOLD_HELD, dev.pitstop.events.data.HoldHeld.class);
    assertThat(s.releaseHold(pr + "-deploy", "continue")).isIn(200, 202);
    HoldReleased released = s.awaitEvent(EventType.HOLD_RELEASED, HoldReleased.class);
    assertThat(released.by().username()).isEqualTo("alice");

    PipelineRun done = s.awaitPipelineRunDone(pr);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("True");
    Instant deployStart = time(s.taskRun(pr + "-deploy").getStatus().startTime);
    assertThat(time(s.taskRun(pr + "-compile").getStatus().completionTime))
        .isBeforeOrEqualTo(deployStart);
    assertThat(time(s.taskRun(pr + "-lint").getStatus().completionTime))
        .isBeforeOrEqualTo(deployStart);
    assertThat(deployStart).isAfterOrEqualTo(released.heldSince());
    assertThat(time(s.taskRun(pr + "-smoke").getStatus().startTime))
        .isAfterOrEqualTo(time(s.taskRun(pr + "-deploy").getStatus().completionTime));
  }

  @Test
  void pipelineRunOnFailureGivesEveryChildOnFailureAndFailContinueFailsTheRunAsTektonDoes() {
    String pr = name("pr-of");
    s.sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: %s
          annotations:
            pitstop.dev/breakpoints: '{"onFailure":"enabled"}'
            sandbox.pitstop.dev/fail: compile/build
        spec:
          pipelineSpec:
            tasks:
              - name: compile
                taskSpec: {steps: [{name: build, image: alpine, script: echo b}]}
              - name: lint
                taskSpec: {steps: [{name: run, image: alpine, script: echo l}]}
              - name: deploy
                runAfter: [compile]
                taskSpec: {steps: [{name: push, image: alpine, script: echo p}]}
        """
            .formatted(pr));
    s.awaitMarker(pr + "-compile", "build", ON_FAILURE_MARKER);
    for (String t : new String[] {"compile", "lint"}) {
      TaskRun child = s.taskRun(pr + "-" + t);
      assertThat(breakpoints(child)).as(t).isNotNull();
      assertThat(breakpoints(child).onFailure).as(t).isEqualTo("enabled");
      assertThat(breakpoints(child).beforeSteps).as(t).isEmpty();
    }
    // The paused compile holds its dependent; the independent lint runs on and finishes.
    await().atMost(WAIT).until(() -> succeeded(s.taskRun(pr + "-lint")));
    assertThat(s.taskRun(pr + "-deploy")).isNull();
    assertThat(s.pipelineRun(pr).getStatus().isDone()).isFalse();

    pauseAndRelease(pr + "-compile", "build", 0, Mechanism.ON_FAILURE, "fail-continue");
    PipelineRun done = s.awaitPipelineRunDone(pr);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("False");
    assertThat(done.getStatus().succeeded().getReason()).isEqualTo("Failed");
    TaskRun compile = s.taskRun(pr + "-compile");
    assertThat(compile.getStatus().succeeded().getStatus()).isEqualTo("False");
    assertThat(step(compile, "build").terminated.getExitCode()).isEqualTo(1);
    assertThat(s.taskRun(pr + "-deploy")).as("a failed task starts nothing").isNull();
    assertThat(done.getStatus().skippedTasks).extracting(st -> st.name).contains("deploy");
  }

  @Test
  void pipelineRunBeforeStepsAndOnStepsPauseThoseStepsOfThoseTasksOnly() {
    String pr = name("pr-steps");
    s.sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: %s
          annotations:
            pitstop.dev/breakpoints: '{"beforeSteps":["compile/test"],"onSteps":["deploy/push"]}'
        spec:
          pipelineSpec:
            tasks:
              - name: compile
                taskSpec:
                  steps:
                  - {name: build, image: alpine, script: echo b}
                  - {name: test, image: alpine, script: echo t}
              - name: lint
                taskSpec: {steps: [{name: run, image: alpine, script: echo l}]}
              - name: deploy
                runAfter: [compile]
                taskSpec:
                  steps:
                  - {name: prepare, image: alpine, script: echo p}
                  - {name: push, image: alpine, script: echo p}
        """
            .formatted(pr));
    s.awaitMarker(pr + "-compile", "test", BEFORE_STEP_MARKER);
    TaskRun compile = s.taskRun(pr + "-compile");
    assertThat(breakpoints(compile).beforeSteps).containsExactly("test");
    assertThat(breakpoints(compile).onFailure).isEqualTo("enabled");
    assertThat(s.taskRun(pr + "-lint").getSpec().debug).isNull();
    await().atMost(WAIT).until(() -> succeeded(s.taskRun(pr + "-lint")));
    assertThat(s.taskRun(pr + "-deploy")).isNull();
    pauseAndRelease(pr + "-compile", "test", 1, Mechanism.BEFORE_STEPS, "continue");

    s.awaitMarker(pr + "-deploy", "push", BEFORE_STEP_MARKER);
    TaskRun deploy = s.awaitTaskRun(pr + "-deploy", t -> terminated(t, "prepare"));
    assertThat(breakpoints(deploy).beforeSteps).containsExactly("push");
    assertThat(terminated(deploy, "push")).isFalse();
    pauseAndRelease(pr + "-deploy", "push", 1, Mechanism.BEFORE_STEPS, "continue");

    PipelineRun done = s.awaitPipelineRunDone(pr);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("True");
    compile = s.taskRun(pr + "-compile");
    // lint ran on while compile waited before its step test.
    assertThat(time(s.taskRun(pr + "-lint").getStatus().completionTime))
        .isBeforeOrEqualTo(startedAt(step(compile, "test")));
    assertThat(s.events(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class)).hasSize(2);
  }
}
