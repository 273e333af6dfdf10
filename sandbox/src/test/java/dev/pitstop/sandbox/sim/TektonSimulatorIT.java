package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TektonSimulatorIT {
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
                .withFail(List.of(FailSpec.parse("-/exit-with-1"))));
    client = server.newClient();
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Condition taskRunCondition(String name) {
    TaskRun tr = client.resources(TaskRun.class).inNamespace("default").withName(name).get();
    return tr == null || tr.getStatus() == null || tr.getStatus().succeeded() == null
        ? new Condition()
        : tr.getStatus().succeeded();
  }

  private static Condition pipelineRunCondition(String name) {
    PipelineRun pr =
        client.resources(PipelineRun.class).inNamespace("default").withName(name).get();
    return pr == null || pr.getStatus() == null || pr.getStatus().succeeded() == null
        ? new Condition()
        : pr.getStatus().succeeded();
  }

  private static String runTaskRunFixture(String fixture) {
    ApplyResult r = sim.apply(TestFixtures.read(fixture));
    String name = r.created(TaskRun.class).get(0).getMetadata().getName();
    await()
        .atMost(20, TimeUnit.SECONDS)
        .until(
            () ->
                taskRunCondition(name).getReason() != null
                    && !"Unknown".equals(taskRunCondition(name).getStatus()));
    return name;
  }

  @Test
  void sidecarReadyPodIsMarkedReadyAndReportsItsPhasesThroughTheApi() {
    ApplyResult r = sim.apply(TestFixtures.read("taskruns/sidecar-ready.yaml"));
    String name = r.created(TaskRun.class).get(0).getMetadata().getName();
    String pod = name + "-pod";
    java.util.List<io.fabric8.kubernetes.api.model.Pod> seen = new java.util.ArrayList<>();
    await()
        .atMost(20, TimeUnit.SECONDS)
        .until(
            () -> {
              var p = client.pods().inNamespace("default").withName(pod).get();
              if (p == null || p.getStatus() == null) {
                return false;
              }
              seen.add(p);
              return "READY".equals(p.getMetadata().getAnnotations().get("tekton.dev/ready"))
                  && p.getStatus().getConditions().stream()
                      .anyMatch(
                          c -> c.getType().equals("Initialized") && c.getStatus().equals("True"));
            });
    var p = seen.get(seen.size() - 1);
    org.assertj.core.api.Assertions.assertThat(p.getStatus().getInitContainerStatuses())
        .extracting(cs -> cs.getName())
        .containsExactly("prepare", "place-scripts");
    org.assertj.core.api.Assertions.assertThat(p.getStatus().getInitContainerStatuses())
        .allSatisfy(
            cs ->
                org.assertj.core.api.Assertions.assertThat(cs.getState().getTerminated())
                    .isNotNull());
  }

  @Test
  void stepsRunInOrderSucceeds() {
    String name = runTaskRunFixture("taskruns/steps-run-in-order.yaml");
    assertThat(taskRunCondition(name).getReason()).isEqualTo("Succeeded");
    TaskRun tr = client.resources(TaskRun.class).inNamespace("default").withName(name).get();
    assertThat(tr.getStatus().steps)
        .extracting(s -> s.container)
        .containsExactly("step-unnamed-0", "step-unnamed-1");
  }

  @Test
  void unnamedStepsSucceeds() {
    String name = runTaskRunFixture("taskruns/unnamed-steps.yaml");
    assertThat(taskRunCondition(name).getReason()).isEqualTo("Succeeded");
  }

  @Test
  void taskResultSucceedsWithResults() {
    String name = runTaskRunFixture("taskruns/task-result.yaml");
    assertThat(taskRunCondition(name).getReason()).isEqualTo("Succeeded");
    TaskRun tr = client.resources(TaskRun.class).inNamespace("default").withName(name).get();
    assertThat(tr.getStatus().results)
        .extracting(r -> r.name)
        .containsExactly("current-date-unix-timestamp", "current-date-human-readable");
  }

  @Test
  void ignoreStepErrorSucceedsWithContinuedStep() {
    String name = runTaskRunFixture("taskruns/ignore-step-error.yaml");
    assertThat(taskRunCondition(name).getReason()).isEqualTo("Succeeded");
    TaskRun tr = client.resources(TaskRun.class).inNamespace("default").withName(name).get();
    assertThat(tr.getStatus().steps.get(0).terminationReason).isEqualTo("Continued");
    assertThat(tr.getStatus().steps.get(0).terminated.getExitCode()).isEqualTo(1);
  }

  @Test
  void pipelineRunSucceedsInDagOrder() {
    ApplyResult r = sim.apply(TestFixtures.read("pipelineruns/pipelinerun.yaml"));
    assertThat(r.notes()).anyMatch(n -> n.contains("ClusterRoleBinding"));
    await()
        .atMost(20, TimeUnit.SECONDS)
        .until(() -> "True".equals(pipelineRunCondition("demo-pipeline-run-1").getStatus()));
    assertThat(pipelineRunCondition("demo-pipeline-run-1").getReason()).isEqualTo("Succeeded");
    TaskRun fetch =
        client
            .resources(TaskRun.class)
            .inNamespace("default")
            .withName("demo-pipeline-run-1-fetch-from-git")
            .get();
    TaskRun build =
        client
            .resources(TaskRun.class)
            .inNamespace("default")
            .withName("demo-pipeline-run-1-build-image")
            .get();
    assertThat(build.getStatus().startTime.compareTo(fetch.getStatus().completionTime))
        .isGreaterThanOrEqualTo(0);
    assertThat(build.getMetadata().getLabels())
        .containsEntry("tekton.dev/pipeline", "demo.pipeline")
        .containsEntry("tekton.dev/pipelineTask", "build-image")
        .containsEntry("tekton.dev/memberOf", "tasks")
        .containsEntry("tekton.dev/task", "kaniko");
  }

  @Test
  void pipelineRunWithFinalTasksSucceeds() {
    sim.apply(TestFixtures.read("pipelineruns/pipelinerun-with-final-tasks.yaml"));
    await()
        .atMost(20, TimeUnit.SECONDS)
        .until(
            () -> "True".equals(pipelineRunCondition("write-and-cleanup-workspace").getStatus()));
    PipelineRun pr =
        client
            .resources(PipelineRun.class)
            .inNamespace("default")
            .withName("write-and-cleanup-workspace")
            .get();
    assertThat(pr.getStatus().succeeded().getReason()).isEqualTo("Succeeded");
    assertThat(pr.getStatus().childReferences)
        .extracting(c -> c.pipelineTaskName)
        .containsExactly("clone-app-repo", "cleanup", "check-git-commit");
    assertThat(pr.getStatus().finallyStartTime).isNotNull();
  }

  @Test
  void onFailurePauseIsSeenInFollowedLogAndReleasedByExec() throws Exception {
    String yaml =
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: paused
          annotations:
            sandbox.pitstop.dev/fail: "-/build"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - name: build
              image: alpine
              script: echo building
            - name: test
              image: alpine
              script: echo testing
        """;
    sim.apply(yaml);
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> client.pods().inNamespace("default").withName("paused-pod").get() != null);
    ByteArrayOutputStream followed = new ByteArrayOutputStream();
    try (LogWatch watch =
        client
            .pods()
            .inNamespace("default")
            .withName("paused-pod")
            .inContainer("step-build")
            .watchLog(followed)) {
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(
              () ->
                  followed
                      .toString(StandardCharsets.UTF_8)
                      .contains(
                          "debug onFailure breakpoint has taken effect, waiting for user's decision:"));
    }
    assertThat(taskRunCondition("paused").getReason()).isEqualTo("Running");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExecWatch exec =
        client
            .pods()
            .inNamespace("default")
            .withName("paused-pod")
            .inContainer("step-build")
            .writingOutput(out)
            .writingError(OutputStream.nullOutputStream())
            .exec("/tekton/debug/scripts/debug-continue")) {
      assertThat(exec.exitCode().get(10, TimeUnit.SECONDS)).isZero();
    }
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> "True".equals(taskRunCondition("paused").getStatus()));
    TaskRun tr = client.resources(TaskRun.class).inNamespace("default").withName("paused").get();
    assertThat(tr.getStatus().steps)
        .extracting(s -> s.terminationReason)
        .containsExactly("Completed", "Completed");
  }
}
