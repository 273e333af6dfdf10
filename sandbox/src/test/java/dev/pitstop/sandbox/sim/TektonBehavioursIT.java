package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.pitstop.sandbox.k8s.FailurePolicy;
import dev.pitstop.sandbox.k8s.MutatingWebhook;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.k8s.TestWebhook;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #3's Tekton behaviours through the real sandbox API: shell-less step images released by an
 * ephemeral container, and the feature-flags gate rejecting {@code spec.debug} (standalone: 400; a
 * child TaskRun given {@code debug} by a mutating webhook: its PipelineRun fails {@code
 * CreateRunFailed}).
 */
@Timeout(90)
class TektonBehavioursIT {
  private static SandboxApiServer server;
  private static TektonSimulator sim;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    server = SandboxApiServer.start();
    sim =
        TektonSimulator.start(
            server, SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(100)));
    client = server.newClient();
  }

  @AfterAll
  static void stop() {
    sim.close();
    client.close();
    server.close();
  }

  private static TaskRun taskRun(String name) {
    return client.resources(TaskRun.class).inNamespace("default").withName(name).get();
  }

  private static String reason(String taskRun) {
    TaskRun tr = taskRun(taskRun);
    return tr == null || tr.getStatus() == null || tr.getStatus().succeeded() == null
        ? null
        : tr.getStatus().succeeded().getReason();
  }

  private static String pipelineRunReason(String name) {
    PipelineRun pr =
        client.resources(PipelineRun.class).inNamespace("default").withName(name).get();
    return pr == null || pr.getStatus() == null || pr.getStatus().succeeded() == null
        ? null
        : pr.getStatus().succeeded().getReason();
  }

  private static void awaitLog(String pod, String container, String text) {
    await()
        .atMost(15, TimeUnit.SECONDS)
        .until(
            () ->
                server.podLogs().lines("default", pod, container).stream()
                    .anyMatch(l -> l.text().contains(text)));
  }

  private static int exec(String pod, String container, String command, ByteArrayOutputStream err)
      throws Exception {
    try (ExecWatch w =
        client
            .pods()
            .inNamespace("default")
            .withName(pod)
            .inContainer(container)
            .writingOutput(new ByteArrayOutputStream())
            .writingError(err)
            .exec(command)) {
      return w.exitCode().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aShellLessStepCannotRunTheDebugScriptButAnEphemeralContainerReleasesIt() throws Exception {
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: kaniko
          annotations:
            sandbox.pitstop.dev/fail: "-/build"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - name: build
              image: gcr.io/kaniko-project/executor:v1.23.2
              args: ["--destination=example/app"]
            - name: after
              image: alpine
              script: echo after
        """);
    awaitLog("kaniko-pod", "step-build", "debug onFailure breakpoint has taken effect");

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(exec("kaniko-pod", "step-build", "/tekton/debug/scripts/debug-continue", err))
        .isEqualTo(127);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("executable file not found");
    assertThat(reason("kaniko")).isEqualTo("Running");

    Pod pod = client.pods().inNamespace("default").withName("kaniko-pod").get();
    assertThat(pod.getSpec().getVolumes())
        .extracting(v -> v.getName())
        .contains("tekton-internal-run-0");
    client
        .pods()
        .inNamespace("default")
        .withName("kaniko-pod")
        .ephemeralContainers()
        .edit(
            p -> {
              p.getSpec()
                  .getEphemeralContainers()
                  .add(
                      new EphemeralContainerBuilder()
                          .withName("pitstop-release-0")
                          .withImage("busybox:1.36")
                          .withCommand("sh", "-c")
                          .withArgs(
                              "touch /tekton/run/0/out && echo 0 > /tekton/run/0/out.breakpointexit")
                          .addNewVolumeMount()
                          .withName("tekton-internal-run-0")
                          .withMountPath("/tekton/run/0")
                          .endVolumeMount()
                          .build());
              return p;
            });

    await().atMost(15, TimeUnit.SECONDS).until(() -> "Succeeded".equals(reason("kaniko")));
    assertThat(taskRun("kaniko").getStatus().steps)
        .extracting(s -> s.terminationReason)
        .containsExactly("Completed", "Completed");
    assertThat(
            client
                .pods()
                .inNamespace("default")
                .withName("kaniko-pod")
                .get()
                .getSpec()
                .getEphemeralContainers())
        .extracting(c -> c.getName())
        .containsExactly("pitstop-release-0");
  }

  private static void addEphemeral(String pod, String name, String image, String script) {
    client
        .pods()
        .inNamespace("default")
        .withName(pod)
        .ephemeralContainers()
        .edit(
            p -> {
              p.getSpec()
                  .getEphemeralContainers()
                  .add(
                      new EphemeralContainerBuilder()
                          .withName(name)
                          .withImage(image)
                          .withCommand("sh", "-c")
                          .withArgs(script)
                          .addNewVolumeMount()
                          .withName("tekton-internal-run-0")
                          .withMountPath("/tekton/run/0")
                          .endVolumeMount()
                          .build());
              return p;
            });
  }

  private static io.fabric8.kubernetes.api.model.ContainerState ephemeralState(
      String pod, String name) {
    Pod p = client.pods().inNamespace("default").withName(pod).get();
    if (p == null
        || p.getStatus() == null
        || p.getStatus().getEphemeralContainerStatuses() == null) {
      return null;
    }
    return p.getStatus().getEphemeralContainerStatuses().stream()
        .filter(c -> c.getName().equals(name))
        .map(c -> c.getState())
        .findFirst()
        .orElse(null);
  }

  @Test
  void ephemeralContainersReportTheirStatusAndTheirImageCanMakeThemFail() {
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: statuses
          annotations:
            sandbox.pitstop.dev/fail: "-/build"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - name: build
              image: gcr.io/distroless/static:nonroot
        """);
    awaitLog("statuses-pod", "step-build", "debug onFailure breakpoint has taken effect");
    String release = "touch /tekton/run/0/out && echo 0 > /tekton/run/0/out.breakpointexit";

    // An image that cannot be pulled waits ErrImagePull for ever and releases nothing.
    addEphemeral("statuses-pod", "pull", "registry.invalid/pull-fails:1", release);
    await()
        .atMost(15, TimeUnit.SECONDS)
        .until(
            () -> ephemeralState("statuses-pod", "pull"), s -> s != null && s.getWaiting() != null);
    assertThat(ephemeralState("statuses-pod", "pull").getWaiting().getReason())
        .isEqualTo("ErrImagePull");
    // An exit-<N> image terminates with N and releases nothing.
    addEphemeral("statuses-pod", "exits", "busybox:exit-3", release);
    await()
        .atMost(15, TimeUnit.SECONDS)
        .until(
            () -> ephemeralState("statuses-pod", "exits"),
            s -> s != null && s.getTerminated() != null);
    assertThat(ephemeralState("statuses-pod", "exits").getTerminated().getExitCode()).isEqualTo(3);
    assertThat(ephemeralState("statuses-pod", "pull").getWaiting().getReason())
        .isEqualTo("ErrImagePull");
    assertThat(reason("statuses")).isEqualTo("Running");

    // A good one runs, terminates 0 with times, and releases the step.
    addEphemeral("statuses-pod", "good", "busybox:1.36.1", release);
    await()
        .atMost(15, TimeUnit.SECONDS)
        .until(
            () -> ephemeralState("statuses-pod", "good"),
            s -> s != null && s.getTerminated() != null);
    var t = ephemeralState("statuses-pod", "good").getTerminated();
    assertThat(t.getExitCode()).isZero();
    assertThat(t.getReason()).isEqualTo("Completed");
    assertThat(t.getStartedAt()).isNotNull();
    assertThat(t.getFinishedAt()).isNotNull();
    await().atMost(15, TimeUnit.SECONDS).until(() -> "Succeeded".equals(reason("statuses")));
  }

  @Test
  void anEphemeralContainerSkipsAStepPausedBeforeItAndRemovingOneIsInvalid() throws Exception {
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: distroless
        spec:
          debug:
            breakpoints:
              onFailure: enabled
              beforeSteps: [push]
          taskSpec:
            steps:
            - name: prepare
              image: alpine
              script: echo prepare
            - name: push
              image: gcr.io/distroless/static:nonroot
        """);
    awaitLog("distroless-pod", "step-push", "debug before step breakpoint has taken effect");
    client
        .pods()
        .inNamespace("default")
        .withName("distroless-pod")
        .ephemeralContainers()
        .edit(
            p -> {
              p.getSpec()
                  .getEphemeralContainers()
                  .add(
                      new EphemeralContainerBuilder()
                          .withName("skip-push")
                          .withImage("busybox:1.36")
                          .withCommand("touch", "/run1/out.beforestepexit.err")
                          .addNewVolumeMount()
                          .withName("tekton-internal-run-1")
                          .withMountPath("/run1")
                          .endVolumeMount()
                          .build());
              return p;
            });
    await().atMost(15, TimeUnit.SECONDS).until(() -> "Failed".equals(reason("distroless")));
    assertThat(taskRun("distroless").getStatus().steps)
        .extracting(s -> s.name + ":" + s.terminated.getExitCode())
        .containsExactly("prepare:0", "push:1");

    KubernetesClientException e =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                client
                    .pods()
                    .inNamespace("default")
                    .withName("distroless-pod")
                    .ephemeralContainers()
                    .edit(
                        p -> {
                          p.getSpec().getEphemeralContainers().clear();
                          return p;
                        }));
    assertThat(e.getCode()).isEqualTo(422);
  }

  @Test
  void withoutAlphaSpecDebugIsRejectedAndAChildGivenDebugFailsItsPipelineRun() throws Exception {
    setApiFields("beta");
    try (TestWebhook webhook = new TestWebhook(r -> addDebug());
        MutatingWebhook reg =
            server.registerMutatingWebhook(
                "breakpoints.pitstop.dev",
                webhook.url(),
                webhook.caPem(),
                Duration.ofSeconds(15),
                FailurePolicy.IGNORE)) {
      KubernetesClientException standalone =
          catchThrowableOfType(
              KubernetesClientException.class,
              () ->
                  sim.apply(
                      """
                      apiVersion: tekton.dev/v1
                      kind: TaskRun
                      metadata:
                        name: standalone-debug
                      spec:
                        taskSpec:
                          steps:
                          - name: s
                            image: alpine
                            script: echo hi
                      """));
      assertThat(standalone.getCode()).isEqualTo(400);
      assertThat(taskRun("standalone-debug")).isNull();

      sim.apply(
          """
          apiVersion: tekton.dev/v1
          kind: PipelineRun
          metadata:
            name: gated
          spec:
            pipelineSpec:
              tasks:
              - name: build
                taskSpec:
                  steps:
                  - name: s
                    image: alpine
                    script: echo hi
          """);
      await()
          .atMost(15, TimeUnit.SECONDS)
          .until(() -> "CreateRunFailed".equals(pipelineRunReason("gated")));
      PipelineRun pr =
          client.resources(PipelineRun.class).inNamespace("default").withName("gated").get();
      assertThat(pr.getStatus().succeeded().getStatus()).isEqualTo("False");
      assertThat(pr.getStatus().succeeded().getMessage())
          .startsWith(
              "error creating TaskRuns called [gated-build] for PipelineTask build from PipelineRun gated: ")
          .contains(
              "denied the request: validation failed: debug requires \"enable-api-fields\" feature gate to be \"alpha\" but it is \"beta\": spec.debug");
      assertThat(taskRun("gated-build")).isNull();
    } finally {
      setApiFields("alpha");
    }
  }

  private static void setApiFields(String value) {
    client
        .configMaps()
        .inNamespace("tekton-pipelines")
        .withName("feature-flags")
        .edit(
            cm -> {
              cm.getData().put("enable-api-fields", value);
              return cm;
            });
  }

  private static AdmissionResponse addDebug() {
    AdmissionResponse r = new AdmissionResponse();
    r.setAllowed(true);
    r.setPatchType("JSONPatch");
    r.setPatch(
        Base64.getEncoder()
            .encodeToString(
                "[{\"op\":\"add\",\"path\":\"/spec/debug\",\"value\":{\"breakpoints\":{\"onFailure\":\"enabled\"}}}]"
                    .getBytes(StandardCharsets.UTF_8)));
    return r;
  }
}
