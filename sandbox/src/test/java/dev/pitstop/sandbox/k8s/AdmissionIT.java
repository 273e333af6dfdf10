package dev.pitstop.sandbox.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TaskRun CREATE admission over real HTTPS, Tekton's feature-flags gate, and the review table. */
@Timeout(60)
class AdmissionIT {
  private static SandboxApiServer server;
  private static TestWebhook webhook;
  private KubernetesClient client;
  private String ns;
  private MutatingWebhook registration;

  @BeforeAll
  static void start() throws Exception {
    server = SandboxApiServer.start();
    webhook = new TestWebhook(r -> allowed());
  }

  @AfterAll
  static void stop() throws Exception {
    webhook.close();
    server.close();
  }

  @BeforeEach
  void setUp() {
    ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    client = clientWithToken(null);
    webhook.received.clear();
    webhook.delayMs = 0;
    webhook.decide = r -> allowed();
    server.setAuthorizer(null);
    setApiFields("beta");
  }

  @AfterEach
  void tearDown() {
    if (registration != null) {
      registration.close();
    }
    client.close();
  }

  @Test
  void aWebhookPatchIsAppliedBeforeTheTaskRunIsStoredAndTheReviewIsAnApiServersReview()
      throws Exception {
    setApiFields("alpha");
    server.addUser(
        "tok-ctl",
        "system:serviceaccount:tekton-pipelines:tekton-pipelines-controller",
        "system:serviceaccounts");
    webhook.decide =
        r ->
            patch(
                "[{\"op\":\"add\",\"path\":\"/spec/debug\",\"value\":{\"breakpoints\":"
                    + "{\"onFailure\":\"enabled\"}}},"
                    + "{\"op\":\"add\",\"path\":\"/spec/status\",\"value\":\"TaskRunPending\"}]");
    registration =
        server.registerMutatingWebhook(
            "breakpoints.pitstop.dev",
            webhook.url(),
            webhook.caPem(),
            Duration.ofSeconds(15),
            FailurePolicy.IGNORE);

    TaskRun stored;
    try (KubernetesClient controller = clientWithToken("tok-ctl")) {
      stored =
          controller
              .resources(TaskRun.class)
              .inNamespace(ns)
              .resource(taskRun("tr1", false))
              .create();
    }

    assertThat(stored.getSpec().breakpoints().onFailureEnabled()).isTrue();
    assertThat(stored.getSpec().status).isEqualTo("TaskRunPending");
    TaskRun read = client.resources(TaskRun.class).inNamespace(ns).withName("tr1").get();
    assertThat(read.getSpec().status).isEqualTo("TaskRunPending");
    assertThat(webhook.received).hasSize(1);
    AdmissionRequest req = webhook.received.get(0).getRequest();
    assertThat(webhook.received.get(0).getApiVersion()).isEqualTo("admission.k8s.io/v1");
    assertThat(req.getUid()).isNotBlank();
    assertThat(req.getOperation()).isEqualTo("CREATE");
    assertThat(req.getKind().getGroup()).isEqualTo("tekton.dev");
    assertThat(req.getKind().getKind()).isEqualTo("TaskRun");
    assertThat(req.getResource().getResource()).isEqualTo("taskruns");
    assertThat(req.getNamespace()).isEqualTo(ns);
    assertThat(req.getName()).isEqualTo("tr1");
    assertThat(req.getUserInfo().getUsername())
        .isEqualTo("system:serviceaccount:tekton-pipelines:tekton-pipelines-controller");
    assertThat(req.getUserInfo().getGroups()).contains("system:authenticated");
    Map<?, ?> object = Serialization.jsonMapper().convertValue(req.getObject(), Map.class);
    assertThat(object.get("kind")).isEqualTo("TaskRun");
    assertThat(((Map<?, ?>) object.get("metadata")).get("namespace")).isEqualTo(ns);
    assertThat(((Map<?, ?>) object.get("spec")).get("status"))
        .as("the object before the patch")
        .isNull();
  }

  @Test
  void anAnonymousRequestIsReviewedAsSystemAnonymous() throws Exception {
    registration =
        server.registerMutatingWebhook(
            webhook.url(), webhook.caPem(), Duration.ofSeconds(15), FailurePolicy.FAIL);
    client.resources(TaskRun.class).inNamespace(ns).resource(taskRun("tr1", false)).create();
    assertThat(webhook.received.get(0).getRequest().getUserInfo().getUsername())
        .isEqualTo("system:anonymous");
  }

  @Test
  void aDenialIsAnsweredWithTheWebhooksStatusAndNothingIsStored() throws Exception {
    webhook.decide = r -> denied(403, "no breakpoints for you");
    registration =
        server.registerMutatingWebhook(
            "breakpoints.pitstop.dev",
            webhook.url(),
            webhook.caPem(),
            Duration.ofSeconds(15),
            FailurePolicy.IGNORE);

    KubernetesClientException e = createFails("tr1");

    assertThat(e.getCode()).isEqualTo(403);
    assertThat(e.getStatus().getMessage())
        .isEqualTo(
            "admission webhook \"breakpoints.pitstop.dev\" denied the request: no breakpoints for you");
    assertThat(client.resources(TaskRun.class).inNamespace(ns).withName("tr1").get()).isNull();

    webhook.decide = r -> denied(null, "");
    KubernetesClientException plain = createFails("tr2");
    assertThat(plain.getCode()).isEqualTo(400);
    assertThat(plain.getStatus().getMessage()).endsWith("denied the request without explanation");
  }

  @Test
  void aWebhookThatIsDownIsIgnoredOrFailsByPolicy() throws Exception {
    URI down;
    try (ServerSocket s = new ServerSocket(0)) {
      down = URI.create("https://localhost:" + s.getLocalPort() + "/mutate");
    }
    registration =
        server.registerMutatingWebhook(
            down, webhook.caPem(), Duration.ofSeconds(2), FailurePolicy.IGNORE);
    TaskRun stored =
        client
            .resources(TaskRun.class)
            .inNamespace(ns)
            .resource(taskRun("ignored", false))
            .create();
    assertThat(stored.getSpec().status).isNull();
    registration.close();

    registration =
        server.registerMutatingWebhook(
            "strict.pitstop.dev", down, webhook.caPem(), Duration.ofSeconds(2), FailurePolicy.FAIL);
    KubernetesClientException e = createFails("failed");
    assertThat(e.getCode()).isEqualTo(500);
    assertThat(e.getStatus().getMessage())
        .startsWith("Internal error occurred: failed calling webhook \"strict.pitstop.dev\"");
    assertThat(client.resources(TaskRun.class).inNamespace(ns).withName("failed").get()).isNull();
  }

  @Test
  void aSlowWebhookTimesOutAndDoesNotBlockOtherRequests() throws Exception {
    webhook.decide =
        r -> patch("[{\"op\":\"add\",\"path\":\"/spec/status\",\"value\":\"TaskRunPending\"}]");
    registration =
        server.registerMutatingWebhook(
            webhook.url(), webhook.caPem(), Duration.ofSeconds(4), FailurePolicy.IGNORE);
    // Warm TLS and class loading up, so that what follows is the webhook's delay alone.
    // On a loaded machine a cold call can itself exceed the 4 s timeout: warm up until one call is
    // mutated in time (each attempt a new TaskRun).
    java.util.concurrent.atomic.AtomicInteger attempt =
        new java.util.concurrent.atomic.AtomicInteger();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                "TaskRunPending"
                    .equals(
                        client
                            .resources(TaskRun.class)
                            .inNamespace(ns)
                            .resource(taskRun("warm-" + attempt.incrementAndGet(), false))
                            .create()
                            .getSpec()
                            .status));
    webhook.received.clear();
    webhook.delayMs = 8_000;
    var pending =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                client
                    .resources(TaskRun.class)
                    .inNamespace(ns)
                    .resource(taskRun("slow", false))
                    .create());
    // While the webhook call is outstanding, the API answers other requests.
    org.awaitility.Awaitility.await().until(() -> !webhook.received.isEmpty());
    for (int i = 0; i < 5; i++) {
      client.configMaps().inNamespace(ns).list();
    }
    assertThat(pending).as("other requests were answered while admission waited").isNotDone();
    TaskRun stored = pending.get();
    assertThat(stored.getSpec().status).as("timed out: stored unmutated").isNull();
  }

  @Test
  void tektonRejectsSpecDebugUnlessApiFieldsAreAlpha() {
    KubernetesClientException e = createFails("dbg", true);
    assertThat(e.getCode()).isEqualTo(400);
    assertThat(e.getStatus().getMessage())
        .isEqualTo(
            "admission webhook \"validation.webhook.pipeline.tekton.dev\" denied the request:"
                + " validation failed: debug requires \"enable-api-fields\" feature gate to be"
                + " \"alpha\" but it is \"beta\": spec.debug");
    assertThat(client.resources(TaskRun.class).inNamespace(ns).withName("dbg").get()).isNull();

    client
        .configMaps()
        .inNamespace(TektonValidation.FLAGS_NAMESPACE)
        .withName(TektonValidation.FLAGS_NAME)
        .delete();
    org.awaitility.Awaitility.await()
        .until(
            () ->
                client.configMaps().inNamespace("tekton-pipelines").withName("feature-flags").get()
                    == null);
    assertThat(createFails("dbg-default", true).getStatus().getMessage())
        .contains("but it is \"beta\"");

    setApiFields("alpha");
    TaskRun ok =
        client.resources(TaskRun.class).inNamespace(ns).resource(taskRun("dbg", true)).create();
    assertThat(ok.getSpec().breakpoints().onFailureEnabled()).isTrue();

    TaskRun beforeOnly = taskRun("before-only", false);
    beforeOnly.getSpec().debug = new dev.pitstop.tekton.model.TaskRunDebug();
    beforeOnly.getSpec().debug.breakpoints = new dev.pitstop.tekton.model.Breakpoints();
    beforeOnly.getSpec().debug.breakpoints.beforeSteps = List.of("build");
    KubernetesClientException bad =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.resources(TaskRun.class).inNamespace(ns).resource(beforeOnly).create());
    assertThat(bad.getCode()).isEqualTo(400);
    assertThat(bad.getStatus().getMessage())
        .contains(
            "onFailure breakpoint is empty, it is only allowed to be set as enabled: spec.debug.breakpoints.onFailure");
  }

  @Test
  void tokenReviewsAndSubjectAccessReviewsAreAnsweredFromTheTable() throws Exception {
    server
        .addUser("tok-alice", "alice", "devs")
        .allow("alice", "create", "pods", "exec", ns)
        .allow("group:ops", "*", "*", "*", null);
    server.addUser("tok-olga", "olga", "ops");

    TokenReview known = tokenReview("tok-alice");
    assertThat(known.getStatus().getAuthenticated()).isTrue();
    assertThat(known.getStatus().getUser().getUsername()).isEqualTo("alice");
    assertThat(known.getStatus().getUser().getGroups())
        .containsExactly("devs", "system:authenticated");
    TokenReview unknown = tokenReview("nope");
    assertThat(unknown.getStatus().getAuthenticated()).isFalse();
    assertThat(unknown.getStatus().getError()).isEqualTo("invalid bearer token");

    assertThat(sar("alice", List.of("devs"), "create", "pods", "exec", ns).getStatus().getAllowed())
        .isTrue();
    var otherNs = sar("alice", List.of("devs"), "create", "pods", "exec", "elsewhere").getStatus();
    assertThat(otherNs.getAllowed()).isFalse();
    assertThat(otherNs.getReason())
        .contains("no rule allows user \"alice\"")
        .contains("pods/exec")
        .contains("elsewhere");
    assertThat(sar("alice", List.of("devs"), "get", "pods", "", ns).getStatus().getAllowed())
        .isFalse();
    var ops = sar("olga", List.of("ops"), "delete", "taskruns", "", "any").getStatus();
    assertThat(ops.getAllowed()).isTrue();
    assertThat(ops.getReason()).contains("group:ops");

    // The same through raw HTTP: 201 Created, as the API server answers a review.
    HttpResponse<String> raw =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            server.masterUrl() + "apis/authentication.k8s.io/v1/tokenreviews"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"tok-olga\"}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(raw.statusCode()).isEqualTo(201);
    assertThat(raw.body()).contains("\"authenticated\":true").contains("\"username\":\"olga\"");
  }

  // ---- helpers ----

  private TokenReview tokenReview(String token) {
    return client
        .resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
        .create();
  }

  private SubjectAccessReview sar(
      String user,
      List<String> groups,
      String verb,
      String resource,
      String sub,
      String namespace) {
    return client
        .resource(
            new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(user)
                .withGroups(groups)
                .withNewResourceAttributes()
                .withVerb(verb)
                .withResource(resource)
                .withSubresource(sub)
                .withNamespace(namespace)
                .endResourceAttributes()
                .endSpec()
                .build())
        .create();
  }

  private KubernetesClientException createFails(String name) {
    return createFails(name, false);
  }

  private KubernetesClientException createFails(String name, boolean debug) {
    return catchThrowableOfType(
        KubernetesClientException.class,
        () ->
            client
                .resources(TaskRun.class)
                .inNamespace(ns)
                .resource(taskRun(name, debug))
                .create());
  }

  private void setApiFields(String value) {
    client
        .configMaps()
        .inNamespace("tekton-pipelines")
        .resource(FeatureFlags.withEnableApiFields(value))
        .createOr(c -> c.update());
  }

  private KubernetesClient clientWithToken(String token) {
    ConfigBuilder b =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(server.masterUrl())
            .withHttp2Disable(true)
            .withRequestRetryBackoffLimit(0);
    if (token != null) {
      b.withOauthToken(token);
    }
    return new KubernetesClientBuilder()
        .withConfig(b.build())
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }

  private static TaskRun taskRun(String name, boolean debug) {
    String json =
        "{\"apiVersion\":\"tekton.dev/v1\",\"kind\":\"TaskRun\",\"metadata\":{\"name\":\""
            + name
            + "\"},\"spec\":{\"taskSpec\":{\"steps\":[{\"name\":\"build\",\"image\":\"alpine\",\"script\":\"echo hi\"}]}"
            + (debug ? ",\"debug\":{\"breakpoints\":{\"onFailure\":\"enabled\"}}" : "")
            + "}}";
    return Serialization.unmarshal(json, TaskRun.class);
  }

  private static AdmissionResponse allowed() {
    AdmissionResponse r = new AdmissionResponse();
    r.setAllowed(true);
    return r;
  }

  private static AdmissionResponse patch(String jsonPatch) {
    AdmissionResponse r = allowed();
    r.setPatchType("JSONPatch");
    r.setPatch(Base64.getEncoder().encodeToString(jsonPatch.getBytes(StandardCharsets.UTF_8)));
    return r;
  }

  private static AdmissionResponse denied(Integer code, String message) {
    AdmissionResponse r = new AdmissionResponse();
    r.setAllowed(false);
    r.setStatus(new StatusBuilder().withCode(code).withMessage(message).build());
    return r;
  }
}
