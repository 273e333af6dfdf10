package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Tekton behaviours of issue #3 on the pure core (FakeCluster, manual clock). */
class TektonBehavioursTest {

  private static String pipelineRun(String specExtra, String tasks, String finallyTasks) {
    return "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: pr\nspec:\n"
        + (specExtra == null ? "" : specExtra)
        + "  pipelineSpec:\n    tasks:\n"
        + tasks
        + (finallyTasks == null ? "" : "    finally:\n" + finallyTasks);
  }

  private static String task(String name, String extra) {
    return "    - name: "
        + name
        + "\n"
        + (extra == null ? "" : extra)
        + "      taskSpec:\n        steps:\n        - name: s\n          image: alpine\n"
        + "          script: echo "
        + name
        + "\n";
  }

  private static String reason(TaskRun tr) {
    return tr.getStatus().succeeded().getReason();
  }

  private static String reason(PipelineRun pr) {
    return pr.getStatus().succeeded().getReason();
  }

  @Test
  void onErrorContinueEndsFailureIgnoredAndThePipelineGoesOn() {
    FakeCluster c = new FakeCluster(TaskRunMachineTest.opts("a/s"));
    c.apply(
        pipelineRun(
            null,
            task("a", "      onError: continue\n") + task("b", "      runAfter: [a]\n"),
            null));
    c.runUntil(() -> c.done(c.pipelineRun("pr")));
    TaskRun a = c.taskRun("pr-a");
    assertThat(a.getStatus().succeeded().getStatus()).isEqualTo("False");
    assertThat(reason(a)).isEqualTo("FailureIgnored");
    assertThat(a.getStatus().succeeded().getMessage()).isEqualTo("\"step-s\" exited with code 1");
    assertThat(reason(c.taskRun("pr-b"))).isEqualTo("Succeeded");
    PipelineRun pr = c.pipelineRun("pr");
    assertThat(reason(pr)).isEqualTo("Succeeded");
    assertThat(pr.getStatus().succeeded().getMessage())
        .isEqualTo("Tasks Completed: 2 (Failed: 1 (Ignored: 1), Cancelled 0), Skipped: 0");
  }

  @Test
  void aCancelledChildCountsAsAFailedTask() {
    FakeCluster c = new FakeCluster();
    c.apply(
        pipelineRun(null, task("a", null) + task("b", "      runAfter: [a]\n"), task("f", null)));
    c.runUntil(() -> c.taskRun("pr-a") != null);
    c.taskRun("pr-a").getSpec().status = "TaskRunCancelled";
    c.taskRun("pr-a").getSpec().statusMessage = "released by alice: fail-continue";
    c.runUntil(() -> c.done(c.pipelineRun("pr")));
    TaskRun a = c.taskRun("pr-a");
    assertThat(reason(a)).isEqualTo("TaskRunCancelled");
    assertThat(a.getStatus().succeeded().getMessage())
        .isEqualTo("TaskRun \"pr-a\" was cancelled. released by alice: fail-continue");
    PipelineRun pr = c.pipelineRun("pr");
    assertThat(reason(pr)).isEqualTo("Failed");
    assertThat(pr.getStatus().succeeded().getMessage())
        .isEqualTo("Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 1");
    assertThat(pr.getStatus().skippedTasks)
        .extracting(s -> s.name + ":" + s.reason)
        .containsExactly("b:PipelineRun was stopping");
    assertThat(reason(c.taskRun("pr-f"))).isEqualTo("Succeeded");
  }

  @Test
  void aPendingTaskRunHasNoPodNoStartTimeAndNoRunningClockUntilReleased() {
    FakeCluster c = new FakeCluster();
    c.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: held
        spec:
          status: TaskRunPending
          timeout: 1s
          taskSpec:
            steps:
            - name: s
              image: alpine
              script: echo hi
        """);
    c.runFor(Duration.ofSeconds(3));
    TaskRun tr = c.taskRun("held");
    assertThat(tr.getStatus().succeeded().getStatus()).isEqualTo("Unknown");
    assertThat(reason(tr)).isEqualTo("TaskRunPending");
    assertThat(tr.getStatus().succeeded().getMessage()).isEqualTo("TaskRun \"held\" is pending");
    assertThat(tr.getStatus().startTime).isNull();
    assertThat(c.pods).isEmpty();

    tr.getSpec().status = null;
    Instant released = c.now;
    c.runUntil(() -> c.done(c.taskRun("held")));
    assertThat(reason(c.taskRun("held")))
        .as("1s timeout counted from release")
        .isEqualTo("Succeeded");
    assertThat(Instant.parse(c.taskRun("held").getStatus().startTime)).isAfterOrEqualTo(released);
  }

  @Test
  void aRejectedChildFailsItsPipelineRunCreateRunFailed() {
    FakeCluster c = new FakeCluster();
    c.apply(pipelineRun(null, task("a", null), null));
    c.tick();
    String message =
        "error creating TaskRuns called [pr-a] for PipelineTask a from PipelineRun pr: admission"
            + " webhook \"validation.webhook.pipeline.tekton.dev\" denied the request: validation"
            + " failed: debug requires \"enable-api-fields\" feature gate to be \"alpha\" but it"
            + " is \"beta\": spec.debug";
    c.core.createRejected(c.pipelineRun("pr").getMetadata().getUid(), message);
    c.tick();
    PipelineRun pr = c.pipelineRun("pr");
    assertThat(pr.getStatus().succeeded().getStatus()).isEqualTo("False");
    assertThat(reason(pr)).isEqualTo("CreateRunFailed");
    assertThat(pr.getStatus().succeeded().getMessage()).isEqualTo(message);
    assertThat(pr.getStatus().completionTime).isNotNull();
  }

  @Test
  void aMatrixFansOutToNumberedTaskRunsWithEachCombination() {
    FakeCluster c = new FakeCluster();
    c.apply(
        pipelineRun(
            null,
            task(
                    "build",
                    "      matrix:\n        params:\n        - name: os\n          value: [linux, mac]\n"
                        + "        - name: arch\n          value: [amd64, arm64]\n")
                + task("after", "      runAfter: [build]\n"),
            null));
    c.runUntil(() -> c.done(c.pipelineRun("pr")));
    for (int i = 0; i < 4; i++) {
      assertThat(reason(c.taskRun("pr-build-" + i))).isEqualTo("Succeeded");
    }
    assertThat(c.taskRun("pr-build")).isNull();
    assertThat(c.taskRun("pr-build-1").getSpec().params)
        .extracting(p -> p.name + "=" + p.value)
        .containsExactly("os=mac", "arch=amd64");
    assertThat(Instant.parse(c.taskRun("pr-after").getStatus().startTime))
        .isAfterOrEqualTo(Instant.parse(c.taskRun("pr-build-3").getStatus().completionTime));
    assertThat(c.pipelineRun("pr").getStatus().childReferences)
        .extracting(r -> r.name + "/" + r.pipelineTaskName)
        .containsExactly(
            "pr-build-0/build",
            "pr-build-1/build",
            "pr-build-2/build",
            "pr-build-3/build",
            "pr-after/after");
  }

  @Test
  void thePipelineTimeoutCancelsRunningTasksSkipsTheRestAndEndsPipelineRunTimeout() {
    FakeCluster c =
        new FakeCluster(SimulatorOptions.defaults().withStepDuration(Duration.ofSeconds(2)));
    c.apply(
        pipelineRun(
            "  timeouts:\n    pipeline: 3s\n",
            task("a", null)
                + task("b", "      runAfter: [a]\n")
                + task("c", "      runAfter: [b]\n"),
            task("f", null)));
    c.runUntil(() -> c.done(c.pipelineRun("pr")));
    PipelineRun pr = c.pipelineRun("pr");
    assertThat(reason(pr)).isEqualTo("PipelineRunTimeout");
    assertThat(pr.getStatus().succeeded().getMessage())
        .isEqualTo("PipelineRun \"pr\" failed to finish within \"3s\"");
    assertThat(pr.getStatus().skippedTasks)
        .extracting(s -> s.name + ":" + s.reason)
        .containsExactly(
            "c:PipelineRun timeout has been reached", "f:PipelineRun timeout has been reached");
    c.runUntil(() -> c.done(c.taskRun("pr-b")));
    assertThat(c.taskRun("pr-b").getSpec().statusMessage)
        .isEqualTo("TaskRun cancelled as the PipelineRun it belongs to has timed out.");
    assertThat(reason(c.taskRun("pr-b"))).isEqualTo("TaskRunCancelled");
  }

  @Test
  void theTasksTimeoutSkipsTheRestThenFinallyRunsAndTheRunFails() {
    FakeCluster c =
        new FakeCluster(SimulatorOptions.defaults().withStepDuration(Duration.ofSeconds(2)));
    c.apply(
        pipelineRun(
            "  timeouts:\n    pipeline: 1h\n    tasks: 3s\n",
            task("a", null)
                + task("b", "      runAfter: [a]\n")
                + task("c", "      runAfter: [b]\n"),
            task("f", null)));
    c.runUntil(() -> c.done(c.pipelineRun("pr")));
    PipelineRun pr = c.pipelineRun("pr");
    assertThat(reason(pr)).isEqualTo("Failed");
    assertThat(pr.getStatus().skippedTasks)
        .extracting(s -> s.name + ":" + s.reason)
        .containsExactly("c:PipelineRun Tasks timeout has been reached");
    assertThat(reason(c.taskRun("pr-b"))).isEqualTo("TaskRunCancelled");
    assertThat(reason(c.taskRun("pr-f"))).isEqualTo("Succeeded");
  }
}
