package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes API server on loopback (plain HTTP) for the sandbox: fabric8's {@link
 * KubernetesMockServer} in CRUD mode (objects, watches, informers, the status subresource) with
 * Tekton's four {@code tekton.dev/v1} kinds registered, plus what the mock lacks: streaming Pod
 * logs ({@link #podLogs()}), {@code pods/exec} ({@link #setExecHandler(ExecHandler)}), admission of
 * TaskRun {@code CREATE} (mutating webhooks over HTTPS, {@link #registerMutatingWebhook}, then
 * Tekton's {@code feature-flags} validation of {@code spec.debug}), and TokenReview /
 * SubjectAccessReview answered from an {@link AccessTable} ({@link #setAuthorizer}).
 *
 * <p>Layout: a Vert.x HTTP server (the address clients use) serves {@code GET .../pods/{p}/log}
 * itself and hands every other request, websocket upgrades included, to the mock's dispatcher chain
 * ({@link SandboxDispatcher} then fabric8's {@code KubernetesMixedDispatcher}). See {@code
 * sandbox/DESIGN.md} and {@code shared/docs/sandbox-notes.md} for what the mock does not do.
 *
 * <p>Thread-safe. {@link #close()} stops everything and is idempotent.
 */
public final class SandboxApiServer implements AutoCloseable {

  /**
   * The Tekton kinds registered, all {@code tekton.dev/v1}, namespaced, with a status subresource.
   */
  public static final List<CustomResourceDefinitionContext> TEKTON_RESOURCES =
      List.of(
          tekton("Task", "tasks"),
          tekton("Pipeline", "pipelines"),
          tekton("TaskRun", "taskruns"),
          tekton("PipelineRun", "pipelineruns"));

  private static final Logger LOG = LoggerFactory.getLogger(SandboxApiServer.class);
  private static final long START_TIMEOUT_SECONDS = 30;

  /** JUL loggers are held weakly: keep the configured one alive. */
  private static final java.util.logging.Logger MOCK_JUL_LOGGER =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer mock;
  private final Vertx vertx;
  private final WorkerExecutor execWorkers;
  private final HttpServer front;
  private final PodLogs podLogs;
  private final String masterUrl;
  private final AtomicReference<ExecHandler> execHandler;
  private final AtomicReference<AccessTable> access;
  private final AtomicReference<EphemeralContainerHandler> ephemeralHandler;
  private final AdmissionChain admission;
  private final Reviews reviews;
  private boolean closed;

  private static final ExecHandler DEFAULT_EXEC_HANDLER =
      (ns, pod, container, command) ->
          ExecResult.failure(
              126,
              "pitstop sandbox: no exec handler is set; cannot run "
                  + command
                  + " in "
                  + ns
                  + "/"
                  + pod
                  + " container "
                  + container
                  + "\n");

  private static final EphemeralContainerHandler DEFAULT_EPHEMERAL_HANDLER =
      (ns, pod, c) ->
          LOG.info(
              "Ephemeral container {} added to {}/{}; no handler is set, so it does nothing",
              c.getName(),
              ns,
              pod);

  private SandboxApiServer(
      KubernetesMockServer mock,
      Vertx vertx,
      WorkerExecutor execWorkers,
      HttpServer front,
      PodLogs podLogs,
      AtomicReference<ExecHandler> execHandler,
      AtomicReference<AccessTable> access,
      AtomicReference<EphemeralContainerHandler> ephemeralHandler,
      AdmissionChain admission,
      Reviews reviews) {
    this.mock = mock;
    this.reviews = reviews;
    this.ephemeralHandler = ephemeralHandler;
    this.access = access;
    this.admission = admission;
    this.vertx = vertx;
    this.execWorkers = execWorkers;
    this.front = front;
    this.podLogs = podLogs;
    this.execHandler = execHandler;
    this.masterUrl = "http://127.0.0.1:" + front.actualPort() + "/";
  }

  /**
   * Starts a server on a free loopback port.
   *
   * @return a running server; the caller must {@link #close()} it
   * @throws IllegalStateException if it cannot start within 30 s
   */
  public static SandboxApiServer start() {
    long t0 = System.nanoTime();
    MOCK_JUL_LOGGER.setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
    PodLogs podLogs = new PodLogs();
    Vertx vertx = Vertx.vertx();
    WorkerExecutor execWorkers = vertx.createSharedWorkerExecutor("pitstop-sandbox-exec", 8);
    AtomicReference<ExecHandler> execHandler = new AtomicReference<>(DEFAULT_EXEC_HANDLER);
    AtomicReference<AccessTable> access = new AtomicReference<>(new AccessTable());
    AtomicReference<EphemeralContainerHandler> ephemeralHandler =
        new AtomicReference<>(DEFAULT_EPHEMERAL_HANDLER);
    SandboxDispatcher dispatcher =
        new SandboxDispatcher(
            crud, podLogs, execHandler::get, execWorkers, access::get, ephemeralHandler::get);
    AdmissionChain admission = new AdmissionChain(vertx, dispatcher, crud, access::get);
    KubernetesMockServer mock =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            dispatcher,
            false);
    try {
      // Starting the mock registers "/" and "/version"; its own port is not advertised.
      mock.init(InetAddress.getLoopbackAddress(), 0);
      TEKTON_RESOURCES.forEach(mock::expectCustomResource);
      HttpServerRequestHandler toMock =
          new HttpServerRequestHandler(vertx) {
            @Override
            protected MockResponse onHttpRequest(RecordedRequest request) {
              return dispatcher.dispatch(request);
            }
          };
      LogEndpoint logs = new LogEndpoint(podLogs, dispatcher.pods(), Clock.systemUTC());
      HttpServer front =
          vertx
              .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
              .requestHandler(
                  req -> {
                    if (admission.intercepts(req)) {
                      admission.handle(req);
                    } else {
                      logs.matches(req)
                          .ifPresentOrElse(r -> logs.handle(req, r), () -> toMock.handle(req));
                    }
                  });
      await(front.listen());
      SandboxApiServer server =
          new SandboxApiServer(
              mock,
              vertx,
              execWorkers,
              front,
              podLogs,
              execHandler,
              access,
              ephemeralHandler,
              admission,
              dispatcher.reviews());
      LOG.info(
          "Sandbox Kubernetes API started on {} in {} ms",
          server.masterUrl,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return server;
    } catch (RuntimeException e) {
      mock.destroy();
      vertx.close();
      throw e;
    }
  }

  /**
   * Returns the API server's URL.
   *
   * @return {@code "http://127.0.0.1:<port>/"}
   */
  public String masterUrl() {
    return masterUrl;
  }

  /**
   * Creates a new client for this server: fabric8 on the JDK HTTP client, {@code Config.empty()}
   * based (no {@code ~/.kube/config}, no environment), HTTP/1.1, default namespace {@code default},
   * at most one retry (100 ms) on a 5xx or I/O error. The caller closes it.
   */
  public KubernetesClient newClient() {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(masterUrl)
            .withTrustCerts(true)
            .withHttp2Disable(true)
            .withNamespace("default")
            .withRequestRetryBackoffLimit(1)
            .withRequestRetryBackoffInterval(100)
            .build();
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }

  /**
   * Writes a kubeconfig for this server (cluster, user and context {@code pitstop-sandbox},
   * namespace {@code default}, no credentials) that another process can use, e.g. with {@code
   * KUBECONFIG=<file>}. Parent directories are created.
   *
   * @param file where to write; overwritten if it exists
   * @return {@code file}
   * @throws UncheckedIOException if it cannot be written
   */
  public Path writeKubeconfig(Path file) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: pitstop-sandbox",
            "  cluster:",
            "    server: " + masterUrl.substring(0, masterUrl.length() - 1),
            "contexts:",
            "- name: pitstop-sandbox",
            "  context:",
            "    cluster: pitstop-sandbox",
            "    user: pitstop-sandbox",
            "    namespace: default",
            "current-context: pitstop-sandbox",
            "users:",
            "- name: pitstop-sandbox",
            "  user: {}",
            "");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write kubeconfig " + file, e);
    }
  }

  /** The Pods' container logs, written by the simulator and served at {@code pods/{p}/log}. */
  public PodLogs podLogs() {
    return podLogs;
  }

  /**
   * Sets what runs commands for {@code pods/exec}. Until set, every exec answers exit code 126 with
   * a message on stderr saying no handler is set.
   *
   * @param handler the handler; {@code null} restores the default
   */
  public void setExecHandler(ExecHandler handler) {
    execHandler.set(handler == null ? DEFAULT_EXEC_HANDLER : handler);
  }

  /**
   * Registers a mutating admission webhook called on every TaskRun {@code CREATE} (child TaskRuns
   * created by the simulator included), after those registered before it, as an API server calls a
   * {@code MutatingWebhookConfiguration}'s webhook: an {@code admission.k8s.io/v1} AdmissionReview
   * POSTed over HTTPS, its base64 {@code JSONPatch} applied; then Tekton's validation runs and the
   * object is stored. See {@link AdmissionChain} for the answers.
   *
   * @param name the webhook's name (as in denial messages), e.g. {@code breakpoints.pitstop.dev}
   * @param url an {@code https} URL; its host must match the serving certificate
   * @param caBundlePem the PEM certificate(s) to trust for that server (the {@code caBundle})
   * @param timeout the whole call's limit, in (0, 30 s] (a real cluster takes whole seconds 1..30)
   * @param failurePolicy what a failed call does
   * @return the registration; {@link MutatingWebhook#close()} removes it
   * @throws IllegalArgumentException for a non-https URL, a bad timeout or an unreadable bundle
   */
  public MutatingWebhook registerMutatingWebhook(
      String name, URI url, byte[] caBundlePem, Duration timeout, FailurePolicy failurePolicy) {
    return admission.register(
        Objects.requireNonNull(name, "name"), url, caBundlePem, timeout, failurePolicy);
  }

  /**
   * As {@link #registerMutatingWebhook(String, URI, byte[], Duration, FailurePolicy)}, named {@code
   * webhook-<n>.sandbox.pitstop.dev}.
   */
  public MutatingWebhook registerMutatingWebhook(
      URI url, byte[] caBundlePem, Duration timeout, FailurePolicy failurePolicy) {
    return admission.register(null, url, caBundlePem, timeout, failurePolicy);
  }

  /**
   * Replaces the table that answers {@code POST /apis/authentication.k8s.io/v1/tokenreviews} and
   * {@code POST /apis/authorization.k8s.io/v1/subjectaccessreviews}, and names the user of a
   * request's bearer token in AdmissionReviews. The server starts with an empty table (every token
   * unknown, everything denied).
   *
   * @param table the new table; null restores an empty one
   */
  public void setAuthorizer(AccessTable table) {
    access.set(table == null ? new AccessTable() : table);
  }

  /** The table in force (mutable: {@link AccessTable#addUser}, {@link AccessTable#allow}). */
  public AccessTable authorizer() {
    return access.get();
  }

  /**
   * Adds a user to the table in force: {@code token} authenticates as {@code username} with {@code
   * groups} (plus {@code system:authenticated}).
   *
   * @return the table, for {@link AccessTable#allow} chaining
   */
  public AccessTable addUser(String token, String username, String... groups) {
    return access.get().addUser(token, username, groups);
  }

  /**
   * How many {@code POST .../tokenreviews} requests this server received since it started (for
   * tests of clients that cache review answers).
   */
  public long tokenReviewRequests() {
    return reviews.tokenReviews();
  }

  /**
   * How many {@code POST .../subjectaccessreviews} requests this server received since it started.
   */
  public long subjectAccessReviewRequests() {
    return reviews.accessReviews();
  }

  /**
   * Sets what an ephemeral container added through {@code pods/{p}/ephemeralcontainers} does (the
   * sandbox runs no images). Until set, an added container is stored and does nothing.
   *
   * @param handler the handler; {@code null} restores the default
   */
  public void setEphemeralContainerHandler(EphemeralContainerHandler handler) {
    ephemeralHandler.set(handler == null ? DEFAULT_EPHEMERAL_HANDLER : handler);
  }

  /** Stops the front server, the mock and their Vert.x instances. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      await(front.close());
    } catch (RuntimeException e) {
      LOG.warn("Closing the sandbox API front server failed", e);
    }
    execWorkers.close();
    mock.destroy();
    try {
      await(vertx.close());
    } catch (RuntimeException e) {
      LOG.warn("Closing the sandbox API's Vert.x failed", e);
    }
    LOG.info("Sandbox Kubernetes API on {} stopped", masterUrl);
  }

  private static CustomResourceDefinitionContext tekton(String kind, String plural) {
    return new CustomResourceDefinitionContext.Builder()
        .withGroup("tekton.dev")
        .withVersion("v1")
        .withScope("Namespaced")
        .withKind(kind)
        .withPlural(plural)
        .withName(plural + ".tekton.dev")
        .withStatusSubresource(true)
        .build();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + START_TIMEOUT_SECONDS + " s", e);
    }
  }
}
