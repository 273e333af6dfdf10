package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.SkippedTask;
import dev.pitstop.tekton.model.TaskRun;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineRunPlannerTest {

  private static String pipelineRun(String tasks, String finallyTasks) {
    return """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: pr
        spec:
          params:
          - name: path
            value: README.md
          pipelineSpec:
            tasks:
        """
        + tasks
        + (finallyTasks == null ? "" : "    finally:\n" + finallyTasks);
  }

  private static String task(String name, String extra) {
    return "    - name: "
        + name
        + "\n"
        + (extra == null ? "" : extra)
        + "      taskSpec:\n        results:\n        - name: out\n        steps:\n        - name: s\n          image: alpine\n          script: echo "
        + name
        + "\n";
  }

  private static TaskRun child(FakeCluster c, String task) {
    return c.taskRun("pr-" + task);
  }

  private static Instant start(TaskRun tr) {
    return Instant.parse(tr.getStatus().startTime);
  }

  private static Instant end(TaskRun tr) {
    return Instant.parse(tr.getStatus().completionTime);
  }

  @Test
  void followsRunAfterAndResultEdgesThenRunsFinallyAfterAllTasks() {
    FakeCluster c = new FakeCluster();
    c.apply(
        pipelineRun(
            task("a", null)
                + task("b", "      runAfter: [a]\n")
                + task(
                    "c", "      params:\n      - name: x\n        value: $(tasks.a.results.out)\n")
                + task("d", null),
            task("f", null)));
    c.tick();
    PipelineRun pr = c.pipelineRun("pr");
    assertThat(pr.getStatus().succeeded().getReason()).isEqualTo("Started");
    assertThat(pr.getStatus().pipelineSpec).isNotNull();
    c.tick();
    assertThat(c.taskRuns.keySet()).containsExactlyInAnyOrder("default/pr-a", "default/pr-d");
    assertThat(c.pipelineRun("pr").getStatus().succeeded().getMessage())
        .isEqualTo("Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 5, Skipped: 0");
    TaskRun a = child(c, "a");
    assertThat(a.getMetadata().getLabels())
        .containsEntry("tekton.dev/pipelineRun", "pr")
        .containsEntry("tekton.dev/pipelineTask", "a")
        .containsEntry("tekton.dev/memberOf", "tasks")
        .containsKey("tekton.dev/pipelineRunUID");
    assertThat(a.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("PipelineRun");

    c.runUntil(() -> c.done(c.pipelineRun("pr")));
    pr = c.pipelineRun("pr");
    assertThat(pr.getStatus().succeeded().getStatus()).isEqualTo("True");
    assertThat(pr.getStatus().succeeded().getReason()).isEqualTo("Succeeded");
    assertThat(pr.getStatus().succeeded().getMessage())
        .isEqualTo("Tasks Completed: 5 (Failed: 0, Cancelled 0), Skipped: 0");
    assertThat(start(child(c, "b"))).isAfterOrEqualTo(end(child(c, "a")));
    assertThat(start(child(c, "c"))).isAfterOrEqualTo(end(child(c, "a")));
    assertThat(child(c, "c").getSpec().params.get(0).value).isEqualTo("simulated-out");
    for (String t : List.of("a", "b", "c", "d")) {
      assertThat(start(child(c, "f"))).isAfterOrEqualTo(end(child(c, t)));
    }
    assertThat(child(c, "f").getMetadata().getLabels())
        .containsEntry("tekton.dev/memberOf", "finally");
    assertThat(pr.getStatus().childReferences)
        .extracting(r -> r.pipelineTaskName)
        .containsExactly("a", "b", "c", "d", "f");
    assertThat(pr.getStatus().completionTime).isNotNull();
  }

  @Test
  void afterAFailureNoNewTaskStartsRunningOnesFinishAndFinallyRuns() {
    FakeCluster c = new FakeCluster(TaskRunMachineTest.opts("a/s"));
    c.apply(
        pipelineRun(
            task("a", null) + task("b", "      runAfter: [a]\n") + task("slow", null),
            task("f", null)));
    c.runUntil(() -> c.done(c.pipelineRun("pr")));
    PipelineRun pr = c.pipelineRun("pr");
    assertThat(pr.getStatus().succeeded().getStatus()).isEqualTo("False");
    assertThat(pr.getStatus().succeeded().getReason()).isEqualTo("Failed");
    assertThat(pr.getStatus().succeeded().getMessage())
        .isEqualTo("Tasks Completed: 3 (Failed: 1, Cancelled 0), Skipped: 1");
    assertThat(child(c, "b")).isNull();
    assertThat(c.done(child(c, "slow"))).isTrue();
    assertThat(pr.getStatus().skippedTasks)
        .extracting(s -> s.name + ":" + s.reason)
        .containsExactly("b:PipelineRun was stopping");
    assertThat(child(c, "f").getStatus().succeeded().getReason()).isEqualTo("Succeeded");
  }

  @Test
  void falseWhenSkipsOnlyThatTaskAndResultUsersAreSkippedForMissingResults() {
    FakeCluster c = new FakeCluster();
    c.apply(
        pipelineRun(
            task(
                    "guarded",
                    "      when:\n      - input: $(params.path)\n        operator: notin\n        values: [README.md]\n")
                + task("after", "      runAfter: [guarded]\n")
                + task(
                    "user",
                    "      params:\n      - name: x\n        value: $(tasks.guarded.results.out)\n"),
            null));
    c.runUntil(() -> c.done(c.pipelineRun("pr")));
    PipelineRun pr = c.pipelineRun("pr");
    assertThat(pr.getStatus().succeeded().getStatus()).isEqualTo("True");
    assertThat(pr.getStatus().succeeded().getReason()).isEqualTo("Completed");
    assertThat(pr.getStatus().skippedTasks)
        .extracting(s -> s.name + ":" + s.reason)
        .containsExactly(
            "guarded:When Expressions evaluated to false", "user:Results were missing");
    SkippedTask guarded = pr.getStatus().skippedTasks.get(0);
    assertThat(guarded.whenExpressions.get(0).input).isEqualTo("README.md");
    assertThat(child(c, "after").getStatus().succeeded().getReason()).isEqualTo("Succeeded");
  }

  @Test
  void whenExpressionsFixtureSkipsWhatTektonSkips() {
    FakeCluster c =
        new FakeCluster(
            TaskRunMachineTest.opts().withResults(java.util.Map.of("check-file/exists", "yes")));
    c.apply(TestFixtures.read("pipelineruns/pipelinerun-with-when-expressions.yaml"));
    String name = c.pipelineRuns.values().iterator().next().getMetadata().getName();
    c.runUntil(() -> c.done(c.pipelineRun(name)));
    PipelineRun pr = c.pipelineRun(name);
    assertThat(pr.getStatus().succeeded().getReason()).isEqualTo("Completed");
    assertThat(pr.getStatus().skippedTasks)
        .extracting(s -> s.name)
        .containsExactlyInAnyOrder(
            "task-should-be-skipped-1",
            "task-should-be-skipped-2",
            "task-should-be-skipped-3",
            "task-should-be-skipped-4",
            "finally-task-should-be-skipped-1",
            "finally-task-should-be-skipped-2",
            "finally-task-should-be-skipped-3",
            "finally-task-should-be-skipped-4",
            "finally-task-should-be-skipped-5");
    assertThat(pr.getStatus().childReferences)
        .extracting(r -> r.pipelineTaskName)
        .contains(
            "finally-task-should-be-executed", "sample-task-with-array-values", "echo-file-exists");
  }

  @Test
  void pendingPipelineRunWaits() {
    FakeCluster c = new FakeCluster();
    c.apply(
        pipelineRun(task("a", null), null)
            .replace("spec:\n  params", "spec:\n  status: PipelineRunPending\n  params"));
    c.runFor(java.time.Duration.ofSeconds(1));
    assertThat(c.pipelineRun("pr").getStatus().succeeded().getReason())
        .isEqualTo("PipelineRunPending");
    assertThat(c.taskRuns).isEmpty();
  }

  @Test
  void anEmbeddedTaskSpecsMetadataReachesTheChildTaskRunAfterThePipelineRunsOwn() {
    FakeCluster c = new FakeCluster();
    c.apply(
        """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: pr
          annotations: {shared: from-pr, only-pr: p}
          labels: {team: a}
        spec:
          pipelineSpec:
            tasks:
            - name: a
              taskSpec:
                metadata:
                  annotations: {shared: from-task, only-task: t}
                  labels: {team: b, tier: x}
                steps: [{name: s, image: alpine, script: echo a}]
        """);
    c.tick();
    c.tick();
    TaskRun a = child(c, "a");
    // Tekton's addMetadataByPrecedence: what the PipelineRun gives wins, the task's adds.
    assertThat(a.getMetadata().getAnnotations())
        .containsEntry("shared", "from-pr")
        .containsEntry("only-pr", "p")
        .containsEntry("only-task", "t");
    assertThat(a.getMetadata().getLabels())
        .containsEntry("team", "a")
        .containsEntry("tier", "x")
        .containsEntry("tekton.dev/pipelineTask", "a");
  }
}
