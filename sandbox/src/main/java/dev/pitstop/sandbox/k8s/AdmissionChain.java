package dev.pitstop.sandbox.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission of TaskRun {@code CREATE} as a Kubernetes API server does it: every registered mutating
 * webhook in registration order (AdmissionReview v1 over HTTPS, JSONPatch applied), then Tekton's
 * validation ({@link TektonValidation}, reading ConfigMap {@code tekton-pipelines/feature-flags}
 * from the store), then the store. Runs on the front server's event loop without blocking it: the
 * body is read asynchronously, webhooks are called with the JDK {@link HttpClient}'s {@code
 * sendAsync} and their answers come back on the request's context; only store look-ups and the
 * final store write (fabric8's CRUD dispatcher) run on the event loop.
 *
 * <p>Answers (from {@code k8s.io/apiserver/pkg/admission/plugin/webhook}): a webhook's denial is
 * its {@code status} with code raised to at least 400 (so 400 when the webhook sets none) and the
 * message {@code admission webhook "<name>" denied the request: <message>}; a webhook that cannot
 * be called is skipped ({@link FailurePolicy#IGNORE}) or answered {@code 500 InternalError} {@code
 * Internal error occurred: failed calling webhook "<name>": <why>} ({@link FailurePolicy#FAIL}); a
 * patch that is not {@code JSONPatch} or does not apply is a 500 whatever the policy.
 */
final class AdmissionChain {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionChain.class);
  private static final Pattern TASKRUNS =
      Pattern.compile("^/apis/tekton\\.dev/v1/namespaces/([^/?]+)/taskruns/?(?:\\?.*)?$");
  private static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Dispatcher dispatcher;
  private final Dispatcher store;
  private final Supplier<AccessTable> access;
  private final List<MutatingWebhook> webhooks = new CopyOnWriteArrayList<>();
  private final AtomicInteger names = new AtomicInteger();

  /**
   * @param dispatcher where an admitted request goes (the sandbox's dispatcher chain)
   * @param store fabric8's CRUD dispatcher, for reading {@code feature-flags}
   */
  AdmissionChain(
      Vertx vertx, Dispatcher dispatcher, Dispatcher store, Supplier<AccessTable> access) {
    this.vertx = vertx;
    this.dispatcher = dispatcher;
    this.store = store;
    this.access = access;
  }

  MutatingWebhook register(
      String name, URI url, byte[] caBundlePem, Duration timeout, FailurePolicy policy) {
    if (url == null || !"https".equalsIgnoreCase(url.getScheme())) {
      throw new IllegalArgumentException("webhook url must be https, got " + url);
    }
    if (timeout == null
        || timeout.isNegative()
        || timeout.isZero()
        || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("webhook timeout must be in (0, 30 s], got " + timeout);
    }
    String n = name != null ? name : "webhook-" + names.incrementAndGet() + ".sandbox.pitstop.dev";
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trusting(caBundlePem))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
    MutatingWebhook[] self = new MutatingWebhook[1];
    self[0] = new MutatingWebhook(n, url, timeout, policy, http, () -> webhooks.remove(self[0]));
    webhooks.add(self[0]);
    LOG.info("Registered mutating webhook {} for TaskRun CREATE", self[0]);
    return self[0];
  }

  /** True for {@code POST .../namespaces/{ns}/taskruns}: the requests this chain admits. */
  boolean intercepts(HttpServerRequest req) {
    return req.method() == io.vertx.core.http.HttpMethod.POST
        && TASKRUNS.matcher(req.uri()).matches();
  }

  void handle(HttpServerRequest req) {
    Matcher m = TASKRUNS.matcher(req.uri());
    if (!m.matches()) {
      throw new IllegalStateException("not a TaskRun create: " + req.uri());
    }
    String namespace = m.group(1);
    Context ctx = vertx.getOrCreateContext();
    String version = req.version().alpnName().toUpperCase(Locale.ROOT);
    Headers.Builder headers = Headers.builder().addAll(req.headers());
    String authorization = req.getHeader("Authorization");
    req.body()
        .onFailure(e -> write(req, status(400, "BadRequest", "unreadable body: " + e.getMessage())))
        .onSuccess(
            body -> {
              ObjectNode object;
              try {
                JsonNode json = Serialization.jsonMapper().readTree(body.getBytes());
                if (!(json instanceof ObjectNode o)) {
                  throw new IllegalArgumentException("not a JSON object");
                }
                object = o;
              } catch (Exception e) {
                write(req, status(400, "BadRequest", "unreadable TaskRun: " + e.getMessage()));
                return;
              }
              ObjectNode meta = object.with("metadata");
              String given = meta.path("namespace").asText("");
              if (!given.isEmpty() && !given.equals(namespace)) {
                write(
                    req,
                    status(
                        400,
                        "BadRequest",
                        "the namespace of the provided object does not match the namespace sent"
                            + " on the request"));
                return;
              }
              meta.put("namespace", namespace);
              UserInfo user = userOf(authorization);
              mutate(ctx, List.copyOf(webhooks), 0, object, namespace, user)
                  .onComplete(
                      ar -> {
                        if (ar.failed()) {
                          write(req, internal(ar.cause().getMessage()));
                          return;
                        }
                        Verdict v = ar.result();
                        if (v.denied() != null) {
                          write(req, v.denied());
                          return;
                        }
                        List<String> errors =
                            TektonValidation.validateTaskRun(v.object(), enableApiFields());
                        if (!errors.isEmpty()) {
                          write(req, status(400, "BadRequest", TektonValidation.denial(errors)));
                          return;
                        }
                        byte[] bytes = Serialization.asJson(v.object()).getBytes();
                        headers.removeAll("Content-Length");
                        MockResponse stored =
                            dispatcher.dispatch(
                                new RecordedRequest(
                                    version,
                                    HttpMethod.POST,
                                    req.uri(),
                                    headers.build(),
                                    new Buffer(bytes)));
                        write(req, stored);
                      });
            });
  }

  /** The outcome of the mutating phase: the object to go on with, or the answer that ends it. */
  private record Verdict(ObjectNode object, MockResponse denied) {}

  private Future<Verdict> mutate(
      Context ctx,
      List<MutatingWebhook> hooks,
      int i,
      ObjectNode object,
      String namespace,
      UserInfo user) {
    if (i >= hooks.size()) {
      return Future.succeededFuture(new Verdict(object, null));
    }
    MutatingWebhook hook = hooks.get(i);
    String uid = UUID.randomUUID().toString();
    HttpRequest request =
        HttpRequest.newBuilder(hook.url())
            .timeout(hook.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Serialization.asJson(review(uid, object, namespace, user))))
            .build();
    Future<HttpResponse<byte[]>> call =
        Future.fromCompletionStage(
            hook.http().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()), ctx);
    return call.transform(
        ar -> {
          if (ar.failed()) {
            return Future.succeededFuture(
                callFailed(
                    hook,
                    object,
                    "failed to call webhook: Post \""
                        + hook.url()
                        + "\": "
                        + describe(ar.cause())));
          }
          HttpResponse<byte[]> resp = ar.result();
          if (resp.statusCode() != 200) {
            return Future.succeededFuture(
                callFailed(
                    hook, object, "received invalid webhook response: HTTP " + resp.statusCode()));
          }
          AdmissionResponse answer;
          try {
            AdmissionReview r =
                Serialization.unmarshal(
                    new ByteArrayInputStream(resp.body()), AdmissionReview.class);
            answer = r == null ? null : r.getResponse();
          } catch (RuntimeException e) {
            return Future.succeededFuture(
                callFailed(hook, object, "received invalid webhook response: " + e.getMessage()));
          }
          if (answer == null) {
            return Future.succeededFuture(
                callFailed(hook, object, "received invalid webhook response: no response"));
          }
          if (!uid.equals(answer.getUid())) {
            return Future.succeededFuture(
                callFailed(
                    hook,
                    object,
                    "expected response.uid=\"" + uid + "\", got \"" + answer.getUid() + "\""));
          }
          if (!Boolean.TRUE.equals(answer.getAllowed())) {
            LOG.info(
                "Webhook {} denied TaskRun {}/{}",
                hook.name(),
                namespace,
                object.path("metadata").path("name").asText());
            return Future.succeededFuture(new Verdict(null, denial(hook, answer.getStatus())));
          }
          ObjectNode next = object;
          if (answer.getPatch() != null && !answer.getPatch().isEmpty()) {
            if (!"JSONPatch".equals(answer.getPatchType())) {
              return Future.succeededFuture(
                  new Verdict(
                      null,
                      internal(
                          "webhook \""
                              + hook.name()
                              + "\" returned patchType \""
                              + answer.getPatchType()
                              + "\"; only JSONPatch is supported")));
            }
            try {
              JsonNode patch =
                  Serialization.jsonMapper()
                      .readTree(Base64.getDecoder().decode(answer.getPatch()));
              JsonNode patched = JsonPatch.apply(patch, object);
              if (!(patched instanceof ObjectNode o)) {
                throw new IllegalArgumentException("the patched object is not a JSON object");
              }
              next = o;
            } catch (Exception e) {
              return Future.succeededFuture(
                  new Verdict(
                      null,
                      internal(
                          "JSON patch from webhook \""
                              + hook.name()
                              + "\" could not be applied: "
                              + e.getMessage())));
            }
          }
          return mutate(ctx, hooks, i + 1, next, namespace, user);
        });
  }

  private Verdict callFailed(MutatingWebhook hook, ObjectNode object, String why) {
    if (hook.failurePolicy() == FailurePolicy.IGNORE) {
      LOG.warn(
          "Failed calling webhook {}, failing open (failurePolicy Ignore): {}", hook.name(), why);
      return new Verdict(object, null);
    }
    LOG.warn(
        "Failed calling webhook {}, failing closed (failurePolicy Fail): {}", hook.name(), why);
    return new Verdict(null, internal("failed calling webhook \"" + hook.name() + "\": " + why));
  }

  /** The innermost useful message of a failed call. */
  private static String describe(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getMessage() == null) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  private static AdmissionReview review(
      String uid, ObjectNode object, String namespace, UserInfo user) {
    GroupVersionKind kind = new GroupVersionKind();
    kind.setGroup("tekton.dev");
    kind.setVersion("v1");
    kind.setKind("TaskRun");
    GroupVersionResource resource = new GroupVersionResource();
    resource.setGroup("tekton.dev");
    resource.setVersion("v1");
    resource.setResource("taskruns");
    AdmissionRequest r = new AdmissionRequest();
    r.setUid(uid);
    r.setKind(kind);
    r.setResource(resource);
    r.setRequestKind(kind);
    r.setRequestResource(resource);
    r.setName(object.path("metadata").path("name").asText(""));
    r.setNamespace(namespace);
    r.setOperation("CREATE");
    r.setUserInfo(user);
    r.setObject(Serialization.jsonMapper().convertValue(object, Map.class));
    r.setOptions(Map.of("apiVersion", "meta.k8s.io/v1", "kind", "CreateOptions"));
    r.setDryRun(false);
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion("admission.k8s.io/v1");
    review.setKind("AdmissionReview");
    review.setRequest(r);
    return review;
  }

  private UserInfo userOf(String authorization) {
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Optional<AccessTable.User> u = access.get().authenticate(authorization.substring(7).trim());
      if (u.isPresent()) {
        List<String> groups = new ArrayList<>(u.get().groups());
        if (!groups.contains(AccessTable.AUTHENTICATED)) {
          groups.add(AccessTable.AUTHENTICATED);
        }
        return new UserInfo(null, groups, u.get().uid(), u.get().username());
      }
    }
    return new UserInfo(null, List.of("system:unauthenticated"), null, "system:anonymous");
  }

  private String enableApiFields() {
    MockResponse r =
        store.dispatch(
            new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.GET,
                "/api/v1/namespaces/"
                    + TektonValidation.FLAGS_NAMESPACE
                    + "/configmaps/"
                    + TektonValidation.FLAGS_NAME,
                Headers.builder().build(),
                new Buffer()));
    if (r.code() != 200 || r.getBody() == null) {
      return TektonValidation.DEFAULT_API_FIELDS;
    }
    try {
      JsonNode cm = Serialization.jsonMapper().readTree(r.getBody().getBytes());
      if (!"ConfigMap".equals(cm.path("kind").asText("ConfigMap"))) {
        return TektonValidation.DEFAULT_API_FIELDS;
      }
      String v = cm.path("data").path(TektonValidation.API_FIELDS).asText("");
      return v.isBlank() ? TektonValidation.DEFAULT_API_FIELDS : v.trim();
    } catch (Exception e) {
      return TektonValidation.DEFAULT_API_FIELDS;
    }
  }

  private static MockResponse denial(MutatingWebhook hook, Status result) {
    Status s = result == null ? new Status() : result;
    int code = s.getCode() == null || s.getCode() < 400 ? 400 : s.getCode();
    String message =
        "admission webhook \""
            + hook.name()
            + "\" denied the request"
            + (s.getMessage() == null || s.getMessage().isEmpty()
                ? " without explanation"
                : ": " + s.getMessage());
    return SandboxDispatcher.status(
        new StatusBuilder()
            .withApiVersion("v1")
            .withKind("Status")
            .withNewMetadata()
            .endMetadata()
            .withStatus("Failure")
            .withReason(
                s.getReason() == null || s.getReason().isEmpty() ? reasonFor(code) : s.getReason())
            .withMessage(message)
            .withCode(code)
            .withDetails(s.getDetails())
            .build());
  }

  private static String reasonFor(int code) {
    return switch (code) {
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      case 422 -> "Invalid";
      default -> code >= 500 ? "InternalError" : "BadRequest";
    };
  }

  private static MockResponse internal(String message) {
    return status(500, "InternalError", "Internal error occurred: " + message);
  }

  private static MockResponse status(int code, String reason, String message) {
    return SandboxDispatcher.status(
        new StatusBuilder()
            .withApiVersion("v1")
            .withKind("Status")
            .withNewMetadata()
            .endMetadata()
            .withStatus("Failure")
            .withReason(reason)
            .withMessage(message)
            .withCode(code)
            .build());
  }

  static void write(HttpServerRequest req, MockResponse r) {
    HttpServerResponse resp = req.response();
    resp.setStatusCode(r.code());
    r.getHeaders()
        .toMultimap()
        .forEach(
            (k, v) -> {
              if (!k.equalsIgnoreCase("Content-Length")) {
                resp.headers().add(k, v);
              }
            });
    byte[] body = r.getBody() == null ? new byte[0] : r.getBody().getBytes();
    resp.end(io.vertx.core.buffer.Buffer.buffer(body));
  }

  private static SSLContext trusting(byte[] caBundlePem) {
    if (caBundlePem == null || caBundlePem.length == 0) {
      throw new IllegalArgumentException("caBundlePem is empty");
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Collection<? extends Certificate> certs =
          cf.generateCertificates(new ByteArrayInputStream(caBundlePem));
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("caBundlePem holds no certificate");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException(
          "caBundlePem is not a PEM certificate bundle: " + e.getMessage(), e);
    }
  }
}
