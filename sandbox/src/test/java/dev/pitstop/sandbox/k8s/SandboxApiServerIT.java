package dev.pitstop.sandbox.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SandboxApiServerIT {

  private static SandboxApiServer server;
  private KubernetesClient client;
  private String ns;

  @BeforeAll
  static void startServer() {
    server = SandboxApiServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void newClientAndNamespace() {
    client = server.newClient();
    ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    server.setExecHandler(null);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  // ---- CRUD and status subresource ----

  @Test
  void taskRunStatusIsASubresourceAndSpecChangesBumpGeneration() {
    var taskRuns = taskRuns(client);
    GenericKubernetesResource created = taskRuns.resource(taskRun("tr1", "build")).create();
    assertThat(created.getMetadata().getUid()).isNotBlank();
    Long generation = created.getMetadata().getGeneration();

    created.setAdditionalProperty(
        "status", Map.of("podName", "tr1-pod", "conditions", List.of(succeeded("Unknown"))));
    GenericKubernetesResource withStatus = taskRuns.resource(created).updateStatus();
    assertThat(spec(withStatus)).containsEntry("taskRef", Map.of("name", "build"));
    assertThat(status(withStatus)).containsEntry("podName", "tr1-pod");
    assertThat(withStatus.getMetadata().getGeneration()).isEqualTo(generation);

    // A main-resource write keeps the stored status and bumps generation for a spec change.
    GenericKubernetesResource changed = taskRuns.withName("tr1").get();
    changed.setAdditionalProperty("spec", Map.of("taskRef", Map.of("name", "test")));
    changed.setAdditionalProperty("status", Map.of("podName", "overwritten"));
    GenericKubernetesResource updated = taskRuns.resource(changed).update();
    assertThat(spec(updated)).containsEntry("taskRef", Map.of("name", "test"));
    assertThat(status(updated)).containsEntry("podName", "tr1-pod");
    assertThat(updated.getMetadata().getGeneration()).isGreaterThan(generation);

    assertThat(taskRuns.list().getItems())
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("tr1");
    taskRuns.withName("tr1").delete();
    await().until(() -> taskRuns.withName("tr1").get() == null);
  }

  @Test
  void allFourTektonKindsAreServed() {
    for (var rdc : SandboxApiServer.TEKTON_RESOURCES) {
      GenericKubernetesResource r =
          new GenericKubernetesResourceBuilder()
              .withApiVersion("tekton.dev/v1")
              .withKind(rdc.getKind())
              .withNewMetadata()
              .withName("x")
              .withNamespace(ns)
              .endMetadata()
              .build();
      client.genericKubernetesResources(rdc).inNamespace(ns).resource(r).create();
      assertThat(client.genericKubernetesResources(rdc).inNamespace(ns).list().getItems())
          .singleElement()
          .extracting(HasMetadata::getKind)
          .isEqualTo(rdc.getKind());
    }
  }

  @Test
  void kubeconfigLetsAnotherClientReachTheServer(@TempDir Path dir) throws Exception {
    client.pods().inNamespace("default").resource(pod("kc-" + ns, "tr1", "step-a")).create();
    Path file = server.writeKubeconfig(dir.resolve("sub/kubeconfig"));
    Config config = Config.fromKubeconfig(Files.readString(file));
    assertThat(config.getMasterUrl()).isEqualTo(server.masterUrl());
    try (KubernetesClient other = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThat(other.pods().withName("kc-" + ns).get()).isNotNull();
    }
  }

  // ---- informers ----

  @Test
  void informersOnTaskRunsAndLabelledPodsSeeAddModifyDelete() {
    List<String> trEvents = new CopyOnWriteArrayList<>();
    List<String> podEvents = new CopyOnWriteArrayList<>();
    try (KubernetesClient watcher = server.newClient();
        SharedIndexInformer<GenericKubernetesResource> trInformer =
            taskRuns(watcher).inform(recorder(trEvents));
        SharedIndexInformer<Pod> podInformer =
            watcher
                .pods()
                .inNamespace(ns)
                .withLabel("tekton.dev/taskRun", "tr1")
                .inform(recorder(podEvents))) {
      GenericKubernetesResource tr = taskRuns(client).resource(taskRun("tr1", "build")).create();
      tr.setAdditionalProperty("status", Map.of("podName", "tr1-pod"));
      taskRuns(client).resource(tr).updateStatus();
      client.pods().inNamespace(ns).resource(pod("tr1-pod", "tr1", "step-a")).create();
      client.pods().inNamespace(ns).resource(pod("other-pod", "tr2", "step-a")).create();
      client
          .pods()
          .inNamespace(ns)
          .withName("tr1-pod")
          .edit(
              p ->
                  new PodBuilder(p)
                      .editMetadata()
                      .addToAnnotations("tekton.dev/ready", "READY")
                      .endMetadata()
                      .build());
      taskRuns(client).withName("tr1").delete();
      client.pods().inNamespace(ns).withName("tr1-pod").delete();

      await()
          .untilAsserted(
              () -> {
                assertThat(trEvents).containsExactly("ADDED tr1", "MODIFIED tr1", "DELETED tr1");
                assertThat(podEvents)
                    .containsExactly("ADDED tr1-pod", "MODIFIED tr1-pod", "DELETED tr1-pod");
              });
      assertThat(trInformer.hasSynced()).isTrue();
      assertThat(podInformer.getStore().list()).isEmpty();
    }
  }

  // ---- logs ----

  @Test
  void followedLogStreamsExistingAndNewLinesWithTimestampsAndEndsWhenClosed() throws Exception {
    client.pods().inNamespace(ns).resource(pod("p1", "tr1", "step-a", "step-b")).create();
    PodLogs logs = server.podLogs();
    Instant t1 = Instant.parse("2026-11-21T09:00:00.123456789Z");
    Instant t2 = Instant.parse("2026-11-21T09:00:01.500Z");
    logs.append(ns, "p1", "step-a", t1, "2026/11/21 09:00:00 first");
    logs.append(ns, "p1", "step-b", t1, "other container");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LogWatch watch =
        client
            .pods()
            .inNamespace(ns)
            .withName("p1")
            .inContainer("step-a")
            .usingTimestamps()
            .watchLog(out)) {
      await().until(() -> out.toString(StandardCharsets.UTF_8).contains("first"));
      // Appended from another thread than the server's event loop.
      Thread appender = new Thread(() -> logs.append(ns, "p1", "step-a", t2, "second\n"));
      appender.start();
      await()
          .until(
              () ->
                  out.toString(StandardCharsets.UTF_8)
                      .equals(
                          "2026-11-21T09:00:00.123456789Z 2026/11/21 09:00:00 first\n"
                              + "2026-11-21T09:00:01.5Z second\n"));
      assertThat(watch.onClose().toCompletableFuture()).isNotDone();
      logs.close(ns, "p1", "step-a");
      watch.onClose().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(logs.lines(ns, "p1", "step-a"))
        .extracting(LogLine::text)
        .containsExactly("2026/11/21 09:00:00 first", "second");
  }

  @Test
  void getLogReturnsWhatExistsSoFarAndHonoursTailLines() {
    client.pods().inNamespace(ns).resource(pod("p1", "tr1", "step-a")).create();
    Instant t = Instant.parse("2026-11-21T09:00:00Z");
    for (int i = 1; i <= 3; i++) {
      server.podLogs().append(ns, "p1", "step-a", t.plusSeconds(i), "line " + i);
    }
    var pod = client.pods().inNamespace(ns).withName("p1");
    assertThat(pod.inContainer("step-a").getLog()).isEqualTo("line 1\nline 2\nline 3\n");
    // One container: the container may be omitted, as on a real API server.
    assertThat(pod.getLog()).isEqualTo("line 1\nline 2\nline 3\n");
    assertThat(pod.inContainer("step-a").tailingLines(1).getLog()).isEqualTo("line 3\n");
    assertThat(
            pod.inContainer("step-a").usingTimestamps().sinceTime("2026-11-21T09:00:02Z").getLog())
        .isEqualTo("2026-11-21T09:00:02Z line 2\n2026-11-21T09:00:03Z line 3\n");
  }

  @Test
  void deletingThePodEndsItsFollowers() throws Exception {
    client.pods().inNamespace(ns).resource(pod("p1", "tr1", "step-a")).create();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LogWatch watch =
        client.pods().inNamespace(ns).withName("p1").inContainer("step-a").watchLog(out)) {
      server.podLogs().append(ns, "p1", "step-a", Instant.now(), "running");
      await().until(() -> out.toString(StandardCharsets.UTF_8).equals("running\n"));
      client.pods().inNamespace(ns).withName("p1").delete();
      watch.onClose().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(server.podLogs().lines(ns, "p1", "step-a")).isEmpty();
  }

  @Test
  void logOfAMissingPodIs404WithAStatusBody() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            server.masterUrl()
                                + "api/v1/namespaces/"
                                + ns
                                + "/pods/nope/log?container=x"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .contains("\"kind\":\"Status\"")
        .contains("\"status\":\"Failure\"")
        .contains("\"reason\":\"NotFound\"")
        .contains("\"code\":404")
        .contains("pods \\\"nope\\\" not found");

    client.pods().inNamespace(ns).resource(pod("p1", "tr1", "step-a")).create();
    assertThatThrownBy(
            () -> client.pods().inNamespace(ns).withName("p1").inContainer("step-zzz").getLog())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
  }

  // ---- exec ----

  @Test
  void execRunsTheHandlerAndReportsStdoutAndExitCodes() throws Exception {
    client.pods().inNamespace(ns).resource(pod("p1", "tr1", "step-a", "step-b")).create();
    List<String> calls = new CopyOnWriteArrayList<>();
    server.setExecHandler(
        (namespace, pod, container, command) -> {
          calls.add(namespace + "/" + pod + "/" + container + " " + command);
          return command.get(0).endsWith("debug-continue")
              ? ExecResult.success("continued " + container + "\n")
              : new ExecResult(3, "partial\n", "boom\n");
        });

    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(ns)
            .withName("p1")
            .inContainer("step-b")
            .redirectingOutput()
            .redirectingError()
            .exec("/tekton/debug/scripts/debug-continue")) {
      assertThat(watch.exitCode().get(10, TimeUnit.SECONDS)).isEqualTo(0);
      assertThat(new String(watch.getOutput().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("continued step-b\n");
    }
    assertThat(calls).containsExactly(ns + "/p1/step-b [/tekton/debug/scripts/debug-continue]");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(ns)
            .withName("p1")
            .inContainer("step-a")
            .writingOutput(out)
            .writingError(err)
            .exec("sh", "-c", "exit 3")) {
      assertThat(watch.exitCode().get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }
    await().until(() -> err.toString(StandardCharsets.UTF_8).equals("boom\n"));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("partial\n");
  }

  @Test
  void execWithoutAHandlerAnswers126() throws Exception {
    client.pods().inNamespace(ns).resource(pod("p1", "tr1", "step-a")).create();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(ns)
            .withName("p1")
            .inContainer("step-a")
            .writingOutput(new ByteArrayOutputStream())
            .writingError(err)
            .exec("ls")) {
      assertThat(watch.exitCode().get(10, TimeUnit.SECONDS)).isEqualTo(126);
    }
    await().until(() -> err.toString(StandardCharsets.UTF_8).contains("no exec handler"));
  }

  @Test
  void execInAMissingPodIsRefusedWith404() {
    // fabric8 GETs the Pod before it execs, so go to the endpoint directly.
    URI uri =
        URI.create(
            server.masterUrl().replace("http:", "ws:")
                + "api/v1/namespaces/"
                + ns
                + "/pods/nope/exec?command=ls&container=step-a&stdout=true");
    Throwable failure =
        catchThrowable(
            () ->
                HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .subprotocols("v4.channel.k8s.io")
                    .buildAsync(uri, new WebSocket.Listener() {})
                    .get(10, TimeUnit.SECONDS));
    assertThat(failure).hasCauseInstanceOf(WebSocketHandshakeException.class);
    assertThat(((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode())
        .isEqualTo(404);
  }

  // ---- helpers ----

  private MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      taskRunsOp(KubernetesClient c) {
    return c.genericKubernetesResources(SandboxApiServer.TEKTON_RESOURCES.get(2));
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      taskRuns(KubernetesClient c) {
    return taskRunsOp(c).inNamespace(ns);
  }

  private GenericKubernetesResource taskRun(String name, String task) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("tekton.dev/v1")
        .withKind("TaskRun")
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withAdditionalProperties(
            new HashMap<>(Map.of("spec", Map.of("taskRef", Map.of("name", task)))))
        .build();
  }

  private Pod pod(String name, String taskRun, String... containers) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .addToLabels("tekton.dev/taskRun", taskRun)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .endSpec();
    for (String c : containers) {
      b.editSpec().addNewContainer().withName(c).withImage("busybox").endContainer().endSpec();
    }
    return b.build();
  }

  private static Map<String, Object> succeeded(String status) {
    return Map.of("type", "Succeeded", "status", status, "reason", "Running");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("status");
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> recorder(List<String> events) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        events.add("ADDED " + obj.getMetadata().getName());
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        events.add("MODIFIED " + newObj.getMetadata().getName());
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        events.add("DELETED " + obj.getMetadata().getName());
      }
    };
  }
}
