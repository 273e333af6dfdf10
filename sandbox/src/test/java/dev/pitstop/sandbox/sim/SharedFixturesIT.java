package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tekton's own example PipelineRuns (shared fixtures, as in tektoncd/pipeline {@code examples/v1/
 * pipelineruns}) through the sandbox API and the simulator, each checked against a table of what
 * Tekton ends with: every TaskRun's final reason, every skipped task with its reason, the
 * PipelineRun's reason and message. The scripts are not run, so the failures they would cause are
 * given as {@link FailSpec}s and the result they would write as a {@code --result}:
 *
 * <ul>
 *   <li>{@code echo-continue/write} fails (its script ends {@code exit 1});
 *   <li>{@code echo-continue-with-matrix-1/write} fails (the matrix TaskRun with {@code
 *       param1=bar});
 *   <li>{@code check-file/exists} is {@code yes} (the file the first task touched exists).
 * </ul>
 */
@Timeout(120)
class SharedFixturesIT {
  static final List<FailSpec> FAILS =
      List.of(
          FailSpec.parse("echo-continue/write"),
          FailSpec.parse("echo-continue-with-matrix-1/write"));
  static final Map<String, String> RESULTS = Map.of("check-file/exists", "yes");

  private static SandboxApiServer server;
  private static TektonSimulator sim;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    server = SandboxApiServer.start();
    sim =
        TektonSimulator.start(
            server,
            SimulatorOptions.defaults()
                .withStepDuration(Duration.ofMillis(100))
                .withFail(FAILS)
                .withResults(RESULTS));
    client = server.newClient();
  }

  @AfterAll
  static void stop() {
    sim.close();
    client.close();
    server.close();
  }

  /** What a PipelineRun ended with, in comparable form. */
  record Outcome(
      String reason,
      String message,
      Map<String, String> taskRunReasons,
      Map<String, String> skipped) {}

  private static Outcome run(String fixture) {
    last =
        sim.apply(TestFixtures.read(fixture))
            .created(PipelineRun.class)
            .get(0)
            .getMetadata()
            .getName();
    String name = last;
    await()
        .atMost(60, TimeUnit.SECONDS)
        .until(
            () -> {
              PipelineRun pr = get(name);
              return pr.getStatus() != null && pr.getStatus().isDone();
            });
    PipelineRun pr = get(name);
    Map<String, String> reasons = new TreeMap<>();
    for (var ref : pr.getStatus().childReferences) {
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(
              () -> {
                TaskRun t = taskRun(ref.name);
                return t.getStatus() != null && t.getStatus().isDone();
              });
      reasons.put(
          key(ref.name, ref.pipelineTaskName),
          taskRun(ref.name).getStatus().succeeded().getReason());
    }
    Map<String, String> skipped = new LinkedHashMap<>();
    pr.getStatus().skippedTasks.forEach(s -> skipped.put(s.name, s.reason));
    return new Outcome(
        pr.getStatus().succeeded().getReason(),
        pr.getStatus().succeeded().getMessage(),
        reasons,
        skipped);
  }

  /** The table's key of a TaskRun: its PipelineTask, with {@code -<i>} for a matrix TaskRun. */
  private static String key(String taskRun, String pipelineTask) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "-" + java.util.regex.Pattern.quote(pipelineTask) + "-(\\d+)$")
            .matcher(taskRun);
    return m.find() ? pipelineTask + "-" + m.group(1) : pipelineTask;
  }

  private static String last;

  private static TaskRun taskRun(String name) {
    return client.resources(TaskRun.class).inNamespace("default").withName(name).get();
  }

  private static PipelineRun get(String name) {
    return client.resources(PipelineRun.class).inNamespace("default").withName(name).get();
  }

  /** The TaskRun of the last run's table key. */
  private static TaskRun child(String tableKey) {
    return get(last).getStatus().childReferences.stream()
        .filter(r -> key(r.name, r.pipelineTaskName).equals(tableKey))
        .map(r -> taskRun(r.name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void ignoreTaskError() {
    Outcome o = run("pipelineruns/ignore-task-error.yaml");
    assertThat(o)
        .isEqualTo(
            new Outcome(
                "Succeeded",
                "Tasks Completed: 4 (Failed: 2 (Ignored: 2), Cancelled 0), Skipped: 0",
                new TreeMap<>(
                    Map.of(
                        "echo-continue", "FailureIgnored",
                        "echo-continue-with-matrix-0", "Succeeded",
                        "echo-continue-with-matrix-1", "FailureIgnored",
                        "echo", "Succeeded",
                        "verify-task-reason", "Succeeded")),
                Map.of()));
    TaskRun verify = child("verify-task-reason");
    assertThat(verify.getSpec().params)
        .extracting(p -> p.name + "=" + p.value)
        .containsExactly(
            "echo-continue-task-reason=FailureIgnored",
            "echo-continue-with-matrix-task-reason=FailureIgnored");
    assertThat(child("echo-continue-with-matrix-1").getSpec().params)
        .extracting(p -> p.name + "=" + p.value)
        .containsExactly("param1=bar");
  }

  @Test
  void taskExecutionStatus() {
    Outcome o = run("pipelineruns/pipelinerun-task-execution-status.yaml");
    assertThat(o)
        .isEqualTo(
            new Outcome(
                "Completed",
                "Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 1",
                new TreeMap<>(
                    Map.of("task1", "Succeeded", "task3", "Succeeded", "task4", "Succeeded")),
                Map.of("task2", "When Expressions evaluated to false")));
    assertThat(child("task3").getSpec().params)
        .extracting(p -> p.name + "=" + p.value)
        .containsExactly("task1Status=Succeeded", "task2Status=None");
    assertThat(child("task4").getSpec().params)
        .extracting(p -> p.name + "=" + p.value)
        .containsExactly("aggregateStatus=Completed");
  }

  @Test
  void whenExpressions() {
    String when = "When Expressions evaluated to false";
    Outcome o = run("pipelineruns/pipelinerun-with-when-expressions.yaml");
    Map<String, String> skipped = new LinkedHashMap<>();
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
      skipped.put(t, when);
    }
    assertThat(o.reason()).isEqualTo("Completed");
    assertThat(o.message()).isEqualTo("Tasks Completed: 5 (Failed: 0, Cancelled 0), Skipped: 9");
    assertThat(o.taskRunReasons())
        .isEqualTo(
            new TreeMap<>(
                Map.of(
                    "create-file", "Succeeded",
                    "check-file", "Succeeded",
                    "echo-file-exists", "Succeeded",
                    "sample-task-with-array-values", "Succeeded",
                    "finally-task-should-be-executed", "Succeeded")));
    assertThat(o.skipped()).containsExactlyInAnyOrderEntriesOf(skipped);
  }
}
