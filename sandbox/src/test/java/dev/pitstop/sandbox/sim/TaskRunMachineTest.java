package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskRunMachineTest {
  private static final String POD = "tr-pod";

  private static String taskRun(String debug, String... steps) {
    StringBuilder y =
        new StringBuilder(
            "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: tr\nspec:\n");
    if (debug != null) {
      y.append("  debug:\n    breakpoints:\n").append(debug);
    }
    y.append("  taskSpec:\n    steps:\n");
    for (String s : steps) {
      y.append("    - name: ")
          .append(s)
          .append("\n      image: alpine\n      script: echo ")
          .append(s)
          .append("\n");
    }
    return y.toString();
  }

  private static Condition cond(TaskRun tr) {
    return tr.getStatus() == null ? new Condition() : tr.getStatus().succeeded();
  }

  private static StepState step(TaskRun tr, String name) {
    return tr.getStatus().steps.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
  }

  private static Instant t(String s) {
    return Instant.parse(s);
  }

  @Test
  void startsThenCreatesPodThenRunsStepsOneAfterAnother() {
    FakeCluster c = new FakeCluster();
    c.apply(taskRun(null, "a", "b", "c"));
    c.tick();
    TaskRun tr = c.taskRun("tr");
    assertThat(cond(tr).getReason()).isEqualTo("Started");
    assertThat(tr.getStatus().startTime).isNotNull();
    assertThat(tr.getStatus().taskSpec.steps).hasSize(3);
    assertThat(c.pods).isEmpty();

    c.runUntil(() -> !c.pods.isEmpty());
    Pod pod = c.pods.get("default/" + POD);
    assertThat(cond(tr).getReason()).isEqualTo("Pending");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("tekton.dev/taskRun", "tr")
        .containsEntry("app.kubernetes.io/managed-by", "tekton-pipelines")
        .containsKey("tekton.dev/taskRunUID");
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getInitContainers())
        .extracting("name")
        .containsExactly("prepare", "place-scripts");
    assertThat(pod.getSpec().getContainers())
        .extracting("name")
        .containsExactly("step-a", "step-b", "step-c");

    c.runUntil(() -> "Running".equals(cond(c.taskRun("tr")).getReason()));
    assertThat(cond(c.taskRun("tr")).getMessage())
        .isEqualTo("Not all Steps in the Task have finished executing");
    assertThat(c.pods.get("default/" + POD).getStatus().getPhase()).isEqualTo("Running");
    assertThat(c.pods.get("default/" + POD).getStatus().getContainerStatuses())
        .allSatisfy(cs -> assertThat(cs.getState().getRunning()).isNotNull());

    c.runUntil(() -> c.done(c.taskRun("tr")));
    tr = c.taskRun("tr");
    assertThat(cond(tr).getStatus()).isEqualTo("True");
    assertThat(cond(tr).getReason()).isEqualTo("Succeeded");
    assertThat(cond(tr).getMessage()).isEqualTo("All Steps have completed executing");
    assertThat(tr.getStatus().completionTime).isNotNull();
    assertThat(tr.getStatus().steps).extracting(s -> s.terminationReason).containsOnly("Completed");
    for (int i = 1; i < 3; i++) {
      StepState prev = tr.getStatus().steps.get(i - 1);
      StepState cur = tr.getStatus().steps.get(i);
      assertThat(t(cur.terminated.getStartedAt())).isEqualTo(t(prev.terminated.getFinishedAt()));
      assertThat(
              Duration.between(t(cur.terminated.getStartedAt()), t(cur.terminated.getFinishedAt())))
          .isEqualTo(Duration.ofMillis(100));
    }
    assertThat(c.pods.get("default/" + POD).getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(c.log(POD, "step-b")).contains("b");
    assertThat(c.closedLogs).contains(POD + "/step-a", POD + "/step-b", POD + "/step-c");
  }

  @Test
  void aLateTickStartsTheContainersAtItsOwnTimeSoRunningIsSeenBeforeTheFirstStepEnds() {
    FakeCluster c = new FakeCluster();
    c.apply(taskRun(null, "a", "b"));
    c.runUntil(() -> !c.pods.isEmpty());
    // The next tick comes 3 step durations (100 ms) late, as under a loaded API server.
    c.now = c.now.plus(Duration.ofMillis(300));
    c.tick();
    Instant late = c.now;
    TaskRun tr = c.taskRun("tr");
    assertThat(cond(tr).getReason()).isEqualTo("Running");
    assertThat(step(tr, "a").terminated).as("step a ended in the tick that started it").isNull();
    assertThat(step(tr, "a").running.getStartedAt()).isEqualTo(late.toString());
    assertThat(c.pods.get("default/" + POD).getStatus().getContainerStatuses())
        .allSatisfy(cs -> assertThat(cs.getState().getRunning()).isNotNull());

    c.runUntil(() -> step(c.taskRun("tr"), "a").terminated != null);
    StepState a = step(c.taskRun("tr"), "a");
    assertThat(t(a.terminated.getStartedAt())).isEqualTo(late);
    assertThat(Duration.between(t(a.terminated.getStartedAt()), t(a.terminated.getFinishedAt())))
        .isEqualTo(Duration.ofMillis(100));
  }

  private static io.fabric8.kubernetes.api.model.PodCondition podCond(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(x -> x.getType().equals(type))
        .findFirst()
        .orElse(null);
  }

  @Test
  void podIsScheduledThenInitializedThenPullsImagesThenRunsWithReadySidecars() {
    FakeCluster c = new FakeCluster();
    c.apply(
        "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: tr\nspec:\n  taskSpec:\n"
            + "    sidecars:\n    - name: db\n      image: postgres\n"
            + "    steps:\n    - name: a\n      image: alpine\n      script: echo a\n");
    c.runUntil(() -> !c.pods.isEmpty());
    Pod pod = c.pods.get("default/" + POD);
    Instant created = c.now;
    assertThat(pod.getStatus().getConditions()).isEmpty();
    assertThat(pod.getMetadata().getAnnotations()).doesNotContainKey("tekton.dev/ready");

    c.runUntil(() -> podCond(c.pods.get("default/" + POD), "PodScheduled") != null);
    pod = c.pods.get("default/" + POD);
    assertThat(podCond(pod, "PodScheduled").getStatus()).isEqualTo("True");
    assertThat(podCond(pod, "Initialized").getStatus()).isEqualTo("False");
    Instant scheduled = t(podCond(pod, "PodScheduled").getLastTransitionTime());
    assertThat(scheduled).isAfterOrEqualTo(created);

    c.runUntil(
        () -> "True".equals(podCond(c.pods.get("default/" + POD), "Initialized").getStatus()));
    pod = c.pods.get("default/" + POD);
    var prepare = pod.getStatus().getInitContainerStatuses().get(0).getState().getTerminated();
    var place = pod.getStatus().getInitContainerStatuses().get(1).getState().getTerminated();
    assertThat(pod.getStatus().getInitContainerStatuses())
        .extracting("name")
        .containsExactly("prepare", "place-scripts");
    assertThat(t(prepare.getStartedAt())).isEqualTo(scheduled);
    assertThat(t(place.getStartedAt())).isEqualTo(t(prepare.getFinishedAt()));
    assertThat(t(place.getFinishedAt()))
        .isEqualTo(t(podCond(pod, "Initialized").getLastTransitionTime()));
    assertThat(pod.getStatus().getContainerStatuses())
        .allSatisfy(
            cs ->
                assertThat(cs.getState().getWaiting().getReason()).isEqualTo("ContainerCreating"));
    assertThat(podCond(pod, "ContainersReady").getStatus()).isEqualTo("False");

    c.runUntil(
        () -> "True".equals(podCond(c.pods.get("default/" + POD), "ContainersReady").getStatus()));
    pod = c.pods.get("default/" + POD);
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("tekton.dev/ready", "READY");
    assertThat(t(podCond(pod, "ContainersReady").getLastTransitionTime()))
        .isAfter(t(podCond(pod, "Initialized").getLastTransitionTime()));
    assertThat(pod.getStatus().getContainerStatuses())
        .filteredOn(cs -> cs.getName().equals("sidecar-db"))
        .singleElement()
        .satisfies(cs -> assertThat(cs.getReady()).isTrue());
    assertThat(c.taskRun("tr").getStatus().sidecars)
        .singleElement()
        .satisfies(sc -> assertThat(sc.running).isNotNull());
  }

  @Test
  void failingStepErrorsAndSkipsLaterStepsAndFailsTheRun() {
    FakeCluster c = new FakeCluster(opts("-/b=3"));
    c.apply(taskRun(null, "a", "b", "c"));
    c.runUntil(() -> c.done(c.taskRun("tr")));
    TaskRun tr = c.taskRun("tr");
    assertThat(cond(tr).getStatus()).isEqualTo("False");
    assertThat(cond(tr).getReason()).isEqualTo("Failed");
    assertThat(cond(tr).getMessage()).isEqualTo("\"step-b\" exited with code 3");
    assertThat(step(tr, "a").terminationReason).isEqualTo("Completed");
    assertThat(step(tr, "b").terminationReason).isEqualTo("Error");
    assertThat(step(tr, "b").terminated.getExitCode()).isEqualTo(3);
    assertThat(step(tr, "c").terminationReason).isEqualTo("Skipped");
    assertThat(c.pods.get("default/" + POD).getStatus().getPhase()).isEqualTo("Failed");
  }

  @Test
  void failureAnnotationFailsAStepAndV112ReasonIsOptional() {
    FakeCluster c = new FakeCluster(opts().withSpecificFailureReasons(true));
    String yaml =
        taskRun(null, "a")
            .replace(
                "  name: tr\n",
                "  name: tr\n  annotations:\n    sandbox.pitstop.dev/fail: \"-/a=2\"\n");
    c.apply(yaml);
    c.runUntil(() -> c.done(c.taskRun("tr")));
    assertThat(cond(c.taskRun("tr")).getReason()).isEqualTo("StepFailed");
    assertThat(cond(c.taskRun("tr")).getMessage()).isEqualTo("\"step-a\" exited with code 2");
  }

  @Test
  void onErrorContinueStepIsContinuedAndRunSucceeds() {
    FakeCluster c = new FakeCluster(opts("-/exit-with-1"));
    c.apply(TestFixtures.read("taskruns/ignore-step-error.yaml"));
    String name = c.taskRuns.values().iterator().next().getMetadata().getName();
    c.runUntil(() -> c.done(c.taskRun(name)));
    TaskRun tr = c.taskRun(name);
    assertThat(cond(tr).getReason()).isEqualTo("Succeeded");
    assertThat(step(tr, "exit-with-1").terminationReason).isEqualTo("Continued");
    assertThat(step(tr, "exit-with-1").terminated.getExitCode()).isEqualTo(1);
    assertThat(step(tr, "verify-step-path").terminationReason).isEqualTo("Completed");
  }

  @Test
  void onFailurePausesUntilDebugContinueInThatStepsContainer() {
    FakeCluster c = new FakeCluster(opts("-/b"));
    c.apply(taskRun("      onFailure: enabled\n", "a", "b", "c"));
    c.runUntil(() -> c.logHas(POD, "step-b", TaskRunMachine.ON_FAILURE_MARKER));
    assertThat(c.log(POD, "step-b"))
        .anyMatch(
            l ->
                l.matches(
                    "\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d debug onFailure breakpoint has taken effect, waiting for user's decision:"))
        .anyMatch(l -> l.contains("/tekton/debug/scripts/debug-continue"))
        .anyMatch(l -> l.contains("/tekton/debug/scripts/debug-fail-continue"));
    c.runFor(Duration.ofSeconds(5));
    TaskRun tr = c.taskRun("tr");
    assertThat(cond(tr).getReason()).isEqualTo("Running");
    assertThat(step(tr, "b").running).isNotNull();
    assertThat(step(tr, "c").running).isNotNull();

    // debug-continue in step c's container acts on step c (not paused): no effect on b.
    assertThat(c.exec(POD, "step-c", "/tekton/debug/scripts/debug-continue").exitCode()).isZero();
    c.runFor(Duration.ofSeconds(1));
    assertThat(step(c.taskRun("tr"), "b").running).isNotNull();

    ScriptResult r = c.exec(POD, "step-b", "/tekton/debug/scripts/debug-continue");
    assertThat(r.exitCode()).isZero();
    c.runUntil(() -> c.done(c.taskRun("tr")));
    tr = c.taskRun("tr");
    assertThat(cond(tr).getReason()).isEqualTo("Succeeded");
    assertThat(step(tr, "b").terminated.getExitCode()).isZero();
    assertThat(step(tr, "b").terminationReason).isEqualTo("Completed");
    assertThat(step(tr, "c").terminationReason).isEqualTo("Completed");
  }

  @Test
  void debugFailContinueExitsOneRunsLaterStepsAndFailsTheRun() {
    FakeCluster c = new FakeCluster(opts("-/a"));
    c.apply(taskRun("      onFailure: enabled\n", "a", "b"));
    c.runUntil(() -> c.logHas(POD, "step-a", TaskRunMachine.ON_FAILURE_MARKER));
    c.exec(POD, "step-a", "/tekton/debug/scripts/debug-fail-continue");
    c.runUntil(() -> c.done(c.taskRun("tr")));
    TaskRun tr = c.taskRun("tr");
    assertThat(step(tr, "a").terminated.getExitCode()).isEqualTo(1);
    assertThat(step(tr, "a").terminationReason).isEqualTo("Error");
    assertThat(step(tr, "b").terminationReason).isEqualTo("Completed");
    assertThat(cond(tr).getReason()).isEqualTo("Failed");
    assertThat(cond(tr).getMessage()).isEqualTo("\"step-a\" exited with code 1");
  }

  @Test
  void beforeStepWaitsThenRunsOnContinueOrIsSkippedOnFailContinue() {
    FakeCluster c = new FakeCluster();
    c.apply(taskRun("      onFailure: enabled\n      beforeSteps: [b, c]\n", "a", "b", "c"));
    c.runUntil(() -> c.logHas(POD, "step-b", TaskRunMachine.BEFORE_STEP_MARKER));
    assertThat(c.log(POD, "step-b"))
        .anyMatch(l -> l.contains("/tekton/debug/scripts/debug-beforestep-continue"))
        .anyMatch(l -> l.contains("/tekton/debug/scripts/debug-beforestep-fail-continue"));
    c.runFor(Duration.ofSeconds(2));
    Instant released = c.now;
    c.exec(POD, "step-b", "/tekton/debug/scripts/debug-beforestep-continue");
    c.runUntil(() -> c.logHas(POD, "step-c", TaskRunMachine.BEFORE_STEP_MARKER));
    StepState b = step(c.taskRun("tr"), "b");
    assertThat(b.terminationReason).isEqualTo("Completed");
    assertThat(t(b.terminated.getStartedAt())).isEqualTo(released);
    c.exec(POD, "step-c", "/tekton/debug/scripts/debug-beforestep-fail-continue");
    c.runUntil(() -> c.done(c.taskRun("tr")));
    TaskRun tr = c.taskRun("tr");
    assertThat(step(tr, "c").terminated.getExitCode()).isEqualTo(1);
    assertThat(cond(tr).getReason()).isEqualTo("Failed");
  }

  @Test
  void pausedRunTimesOutWithTaskRunTimeoutAndPodDeleted() {
    FakeCluster c = new FakeCluster(opts("-/a"));
    c.apply(
        taskRun("      onFailure: enabled\n", "a", "b")
            .replace("spec:\n", "spec:\n  timeout: 30s\n"));
    c.runUntil(() -> c.logHas(POD, "step-a", TaskRunMachine.ON_FAILURE_MARKER));
    c.runUntil(() -> c.done(c.taskRun("tr")));
    TaskRun tr = c.taskRun("tr");
    assertThat(cond(tr).getStatus()).isEqualTo("False");
    assertThat(cond(tr).getReason()).isEqualTo("TaskRunTimeout");
    assertThat(cond(tr).getMessage()).isEqualTo("TaskRun \"tr\" failed to finish within \"30s\"");
    assertThat(tr.getStatus().steps)
        .allSatisfy(
            s -> {
              assertThat(s.terminated.getExitCode()).isEqualTo(1);
              assertThat(s.terminationReason).isEqualTo("TaskRunTimeout");
            });
    assertThat(Duration.between(t(tr.getStatus().startTime), t(tr.getStatus().completionTime)))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(c.deletedPods).containsExactly(POD);
    assertThat(c.exec(POD, "step-a", "/tekton/debug/scripts/debug-continue").exitCode())
        .isNotZero();
  }

  @Test
  void execIntoUnknownContainerFails() {
    FakeCluster c = new FakeCluster();
    c.apply(taskRun("      onFailure: enabled\n", "a"));
    c.runUntil(() -> "Running".equals(cond(c.taskRun("tr")).getReason()));
    ScriptResult r = c.exec(POD, "step-nope", "/tekton/debug/scripts/debug-continue");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("container not found");
  }

  @Test
  void cancelledRunStopsItsSteps() {
    FakeCluster c = new FakeCluster();
    c.apply(taskRun(null, "a", "b"));
    c.runUntil(() -> "Running".equals(cond(c.taskRun("tr")).getReason()));
    c.taskRun("tr").getSpec().status = "TaskRunCancelled";
    c.runUntil(() -> c.done(c.taskRun("tr")));
    assertThat(cond(c.taskRun("tr")).getReason()).isEqualTo("TaskRunCancelled");
    assertThat(c.taskRun("tr").getStatus().steps)
        .extracting(s -> s.terminationReason)
        .containsOnly("TaskRunCancelled");
  }

  @Test
  void secondPrecisionWhenAsked() {
    FakeCluster c = new FakeCluster(opts().withTruncateTimesToSeconds(true));
    c.apply(taskRun(null, "a"));
    c.runUntil(() -> c.done(c.taskRun("tr")));
    assertThat(c.taskRun("tr").getStatus().completionTime)
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  }

  @Test
  void finishedPodIsDeletedAfterRetention() {
    FakeCluster c = new FakeCluster(opts().withPodRetention(Duration.ofSeconds(1)));
    c.apply(taskRun(null, "a"));
    c.runUntil(() -> c.done(c.taskRun("tr")));
    assertThat(c.pods).isNotEmpty();
    c.runUntil(() -> c.pods.isEmpty());
    assertThat(c.core.liveTaskRuns()).isZero();
  }

  static SimulatorOptions opts(String... fails) {
    return SimulatorOptions.defaults()
        .withStepDuration(Duration.ofMillis(100))
        .withFail(List.of(fails).stream().map(FailSpec::parse).toList());
  }
}
