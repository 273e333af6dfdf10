package dev.pitstop.engine.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.NamespaceScope;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.TaskSpec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webhook over real HTTPS (a self-signed certificate), as an API server would call it. */
class AdmissionWebhookTest {
  static Vertx vertx;
  static HttpServer server;

  /** The same webhook serving only namespace {@code ci-team-a} ({@code ENGINE_NAMESPACES}). */
  static HttpServer scoped;

  static WebClient client;
  static final Map<String, PipelineRun> RUNS = new java.util.concurrent.ConcurrentHashMap<>();

  /** What a live read of the API returns (the informer may lag behind it). */
  static final Map<String, PipelineRun> LIVE = new java.util.concurrent.ConcurrentHashMap<>();

  static volatile boolean alpha = true;
  static final List<AdmissionWebhook.Admitted> ADMITTED = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    RunCache cache =
        new RunCache() {
          public PipelineRun pipelineRun(String ns, String name) {
            return RUNS.get(ns + "/" + name);
          }

          public PipelineRun fetchPipelineRun(String ns, String name) {
            return LIVE.get(ns + "/" + name);
          }

          public PipelineSpec pipeline(String ns, String name) {
            return null;
          }

          public TaskSpec task(String ns, String name) {
            return null;
          }

          public Map<String, String> taskRunAnnotations(String ns, String pr, String task) {
            return null;
          }

          public boolean alphaFields() {
            return alpha;
          }
        };
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(cert.certificatePath())
                            .setKeyPath(cert.privateKeyPath())))
            .requestHandler(new AdmissionWebhook(cache, ADMITTED::add).router(vertx))
            .listen(0, "127.0.0.1")
            .await();
    scoped =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(cert.certificatePath())
                            .setKeyPath(cert.privateKeyPath())))
            .requestHandler(
                new AdmissionWebhook(
                        cache,
                        ADMITTED::add,
                        NamespaceScope.parse("ci-team-a", "ENGINE_NAMESPACES"))
                    .router(vertx))
            .listen(0, "127.0.0.1")
            .await();
    client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setSsl(true)
                .setVerifyHost(false)
                .setTrustOptions(new PemTrustOptions().addCertPath(cert.certificatePath())));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static JsonObject review(String uid, JsonObject taskRun) {
    return new JsonObject()
        .put("apiVersion", "admission.k8s.io/v1")
        .put("kind", "AdmissionReview")
        .put(
            "request",
            new JsonObject()
                .put("uid", uid)
                .put(
                    "kind",
                    new JsonObject()
                        .put("group", "tekton.dev")
                        .put("version", "v1")
                        .put("kind", "TaskRun"))
                .put("operation", "CREATE")
                .put("namespace", "ci")
                .put("object", taskRun));
  }

  static JsonObject childTaskRun(String task) {
    return new JsonObject()
        .put("apiVersion", "tekton.dev/v1")
        .put("kind", "TaskRun")
        .put(
            "metadata",
            new JsonObject()
                .put("name", "build-" + task)
                .put("namespace", "ci")
                .put(
                    "labels",
                    new JsonObject()
                        .put("tekton.dev/pipelineRun", "build")
                        .put("tekton.dev/pipelineTask", task)))
        .put("spec", new JsonObject().put("taskRef", new JsonObject().put("name", task)));
  }

  static JsonObject post(JsonObject body) {
    return post(server, body);
  }

  static JsonObject post(HttpServer to, JsonObject body) {
    HttpResponse<Buffer> r =
        client
            .post(to.actualPort(), "127.0.0.1", AdmissionWebhook.PATH)
            .sendJsonObject(body)
            .await();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  static JsonArray patchOf(JsonObject answer) {
    String b64 = answer.getJsonObject("response").getString("patch");
    return b64 == null
        ? null
        : new JsonArray(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
  }

  @Test
  void holdsBeforeATaskWithAJsonPatchOverHttps() {
    RUNS.put(
        "ci/build",
        AdmissionDeciderTest.pipelineRun(
            "{\"beforeTasks\":[\"deploy\"],\"onFailure\":\"enabled\"}"));
    JsonObject a = post(review("u-1", childTaskRun("deploy")));
    assertThat(a.getString("kind")).isEqualTo("AdmissionReview");
    JsonObject resp = a.getJsonObject("response");
    assertThat(resp.getString("uid")).isEqualTo("u-1");
    assertThat(resp.getBoolean("allowed")).isTrue();
    assertThat(resp.getString("patchType")).isEqualTo("JSONPatch");
    assertThat(patchOf(a))
        .contains(
            new JsonObject()
                .put("op", "add")
                .put("path", "/spec/status")
                .put("value", "TaskRunPending"),
            new JsonObject()
                .put("op", "add")
                .put("path", "/spec/debug")
                .put(
                    "value",
                    new JsonObject()
                        .put("breakpoints", new JsonObject().put("onFailure", "enabled"))));
    assertThat(ADMITTED)
        .anySatisfy(x -> assertThat(x.decision().heldBy()).isEqualTo("beforeTasks:deploy"));
  }

  @Test
  void aDryRunGetsThePatchButIsNotReported() {
    RUNS.put(
        "ci/build",
        AdmissionDeciderTest.pipelineRun(
            "{\"beforeTasks\":[\"deploy\"],\"onFailure\":\"enabled\"}"));
    JsonObject tr = childTaskRun("deploy");
    tr.getJsonObject("metadata").put("name", "build-deploy-dry-run");
    JsonObject dry = review("u-dry", tr);
    dry.getJsonObject("request").put("dryRun", true);
    JsonObject a = post(dry);
    assertThat(patchOf(a))
        .contains(
            new JsonObject()
                .put("op", "add")
                .put("path", "/spec/status")
                .put("value", "TaskRunPending"));
    // The same review without dryRun is reported (so the assertion below can fail).
    tr.getJsonObject("metadata").put("name", "build-deploy-wet-run");
    post(review("u-wet", tr));
    assertThat(ADMITTED)
        .anySatisfy(
            x -> assertThat(x.taskRun().getMetadata().getName()).isEqualTo("build-deploy-wet-run"))
        .noneSatisfy(
            x -> assertThat(x.taskRun().getMetadata().getName()).isEqualTo("build-deploy-dry-run"));
  }

  @Test
  void aTaskRunOutsideTheListedNamespacesIsAdmittedUnchangedWithAWarning() {
    RUNS.put("ci/build", AdmissionDeciderTest.pipelineRun("{\"beforeTasks\":[\"deploy\"]}"));
    JsonObject tr = childTaskRun("deploy");
    tr.getJsonObject("metadata").put("name", "build-deploy-outside");
    assertThat(patchOf(post(review("u-in", tr)))).isNotNull();
    int before = ADMITTED.size();
    JsonObject resp = post(scoped, review("u-out", tr)).getJsonObject("response");
    assertThat(resp.getBoolean("allowed")).isTrue();
    assertThat(resp.getString("patch")).isNull();
    assertThat(resp.getString("patchType")).isNull();
    assertThat(resp.getJsonArray("warnings").getString(0))
        .isEqualTo(
            "pitstop: namespace ci is not in the engine's ENGINE_NAMESPACES: TaskRun admitted"
                + " unchanged, without breakpoints");
    assertThat(ADMITTED).hasSize(before);
  }

  @Test
  void onlyATrueDryRunCounts() {
    assertThat(AdmissionWebhook.dryRun(new JsonObject().put("dryRun", true))).isTrue();
    assertThat(AdmissionWebhook.dryRun(new JsonObject().put("dryRun", false))).isFalse();
    assertThat(AdmissionWebhook.dryRun(new JsonObject().put("dryRun", "true"))).isFalse();
    assertThat(AdmissionWebhook.dryRun(new JsonObject())).isFalse();
  }

  @Test
  void independentTaskIsAdmittedUnchanged() {
    RUNS.put("ci/build", AdmissionDeciderTest.pipelineRun("{\"afterTasks\":[\"compile\"]}"));
    JsonObject a = post(review("u-2", childTaskRun("lint")));
    assertThat(a.getJsonObject("response").getBoolean("allowed")).isTrue();
    assertThat(patchOf(a)).isNull();
    assertThat(patchOf(post(review("u-3", childTaskRun("deploy"))))).isNotNull();
  }

  @Test
  void withoutAlphaWarnsInTheResponse() {
    alpha = false;
    try {
      RUNS.put("ci/build", AdmissionDeciderTest.pipelineRun("{\"onFailure\":\"enabled\"}"));
      JsonObject resp = post(review("u-4", childTaskRun("lint"))).getJsonObject("response");
      assertThat(resp.getString("patch")).isNull();
      assertThat(resp.getJsonArray("warnings").getString(0))
          .startsWith("pitstop: Tekton's feature-flags enable-api-fields is not alpha");
    } finally {
      alpha = true;
    }
  }

  @Test
  void neverDeniesEvenWhenItCannotRead() {
    JsonObject weird = review("u-5", new JsonObject().put("metadata", "not an object"));
    JsonObject resp = post(weird).getJsonObject("response");
    assertThat(resp.getBoolean("allowed")).isTrue();
    assertThat(resp.getString("patch")).isNull();
    JsonObject other = review("u-6", childTaskRun("x"));
    other.getJsonObject("request").put("operation", "UPDATE");
    assertThat(post(other).getJsonObject("response").getBoolean("allowed")).isTrue();
    HttpResponse<Buffer> r =
        client
            .post(server.actualPort(), "127.0.0.1", AdmissionWebhook.PATH)
            .sendBuffer(Buffer.buffer("nope"))
            .await();
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void missingPipelineRunIsReported() {
    JsonObject tr = childTaskRun("deploy");
    tr.getJsonObject("metadata").getJsonObject("labels").put("tekton.dev/pipelineRun", "gone");
    JsonObject resp = post(review("u-7", tr)).getJsonObject("response");
    assertThat(resp.getJsonArray("warnings").getString(0))
        .contains("ci/gone is not in the engine's cache");
  }

  @Test
  void aChildCarryingAnAnnotationNewerThanTheCacheIsDecidedFromALiveRead() {
    // The informer still holds the PipelineRun as created (hold deploy); the annotation was then
    // changed to hold smoke instead, and Tekton copied the new value onto the child it creates.
    String before = "{\"beforeTasks\":[\"deploy\"]}";
    String after = "{\"beforeTasks\":[\"smoke\"]}";
    RUNS.put("ci/build", AdmissionDeciderTest.pipelineRun(before));
    LIVE.put("ci/build", AdmissionDeciderTest.pipelineRun(after));
    try {
      JsonObject deploy = childTaskRun("deploy");
      deploy.getJsonObject("metadata").put("annotations", new JsonObject().put(KEY, after));
      assertThat(patchOf(post(review("u-8", deploy)))).isNull();
      JsonObject smoke = childTaskRun("smoke");
      smoke.getJsonObject("metadata").put("annotations", new JsonObject().put(KEY, after));
      assertThat(patchOf(post(review("u-9", smoke))))
          .contains(
              new JsonObject()
                  .put("op", "add")
                  .put("path", "/spec/status")
                  .put("value", "TaskRunPending"));
    } finally {
      LIVE.clear();
    }
  }

  @Test
  void aBreakpointRemovedFromTheRunningPipelineRunIsNotAppliedFromAStaleCache() {
    // The informer still holds the hold of deploy; the annotation was then removed, so Tekton's
    // new child carries none.
    RUNS.put("ci/build", AdmissionDeciderTest.pipelineRun("{\"beforeTasks\":[\"deploy\"]}"));
    LIVE.put("ci/build", AdmissionDeciderTest.pipelineRun(null));
    try {
      assertThat(patchOf(post(review("u-11", childTaskRun("deploy"))))).isNull();
    } finally {
      LIVE.clear();
    }
  }

  @Test
  void aLiveReadThatFailsFallsBackToTheCache() {
    String declared = "{\"beforeTasks\":[\"deploy\"]}";
    RUNS.put("ci/build", AdmissionDeciderTest.pipelineRun(declared));
    JsonObject deploy = childTaskRun("deploy");
    deploy
        .getJsonObject("metadata")
        .put("annotations", new JsonObject().put(KEY, "{\"beforeTasks\":[\"other\"]}"));
    assertThat(patchOf(post(review("u-10", deploy)))).isNotNull();
  }

  private static final String KEY = dev.pitstop.engine.annotation.BreakpointAnnotation.KEY;
}
