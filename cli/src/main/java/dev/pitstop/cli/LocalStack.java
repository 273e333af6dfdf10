package dev.pitstop.cli;

import dev.pitstop.engine.EngineConfig;
import dev.pitstop.engine.EngineService;
import dev.pitstop.events.Topics;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.notifier.NotifierService;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.runtime.kafka.TopicSetup;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.runtime.ops.Readiness;
import dev.pitstop.sandbox.k8s.FailurePolicy;
import dev.pitstop.sandbox.k8s.MutatingWebhook;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.EmbeddedKafka;
import dev.pitstop.sandbox.otlp.OtlpReceiver;
import dev.pitstop.sandbox.receivers.WebhookReceiver;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tracer.TracerConfig;
import dev.pitstop.tracer.TracerService;
import dev.pitstop.watcher.WatcherConfig;
import dev.pitstop.watcher.WatcherService;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pitstop on its embedded defaults in one JVM: a real Kafka broker (or the one {@code
 * KAFKA_BOOTSTRAP_SERVERS} names), the sandbox's simulated Tekton cluster, a local webhook receiver
 * and OTLP receiver, and the four services wired to them through the same configuration keys their
 * own {@code Main}s read.
 *
 * <p>With {@link Options#kubeconfig()} the watcher and engine use that cluster instead of the
 * sandbox (no simulator; {@link #api()} and {@link #simulator()} are null), watching only the given
 * namespaces and/or runs matching the label selector. The engine's admission webhook is not started
 * then: a real API server cannot call a webhook on this machine, so PipelineRun-level breakpoints
 * need the in-cluster engine (docs/breakpoints.md); step breakpoints and releases work.
 */
public final class LocalStack implements AutoCloseable {
  /** The identity the demo's auto-continue acts as. */
  public static final String DEMO_USER = "pitstop-demo";

  /**
   * @param kafkaBootstrap an external broker, or null for the embedded one
   * @param topicPrefix the topic prefix
   * @param enginePort the engine API's port (0: any free port)
   * @param simulator how the sandbox moves runs
   */
  public record Options(
      String kafkaBootstrap,
      String topicPrefix,
      int enginePort,
      SimulatorOptions simulator,
      Path kubeconfig,
      List<String> namespaces,
      String selector) {
    /**
     * @param kubeconfig a real cluster's kubeconfig (its current context), or null for the sandbox
     * @param namespaces namespaces the watcher watches (WATCHER_NAMESPACES); empty: all
     * @param selector label selector of the runs watched (WATCHER_SELECTOR); empty: all
     */
    public Options {
      namespaces = List.copyOf(namespaces);
      selector = selector == null ? "" : selector;
    }

    /** On the sandbox, moved by the simulator so. */
    public Options(
        String kafkaBootstrap, String topicPrefix, int enginePort, SimulatorOptions simulator) {
      this(kafkaBootstrap, topicPrefix, enginePort, simulator, null, List.of(), "");
    }
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** The receivers' and the management server's; the services each have their own. */
  private final Vertx vertx = Vertx.vertx();

  private final List<Vertx> serviceVertxes = new ArrayList<>();
  private EmbeddedKafka kafka;
  private String bootstrap;
  private SandboxApiServer api;
  private Config clusterConfig;
  private TektonSimulator simulator;
  private WebhookReceiver webhook;
  private OtlpReceiver otlp;
  private EngineService engine;
  private Topics topics;
  private final String apiToken = randomToken();

  private LocalStack() {}

  /**
   * Starts everything; on failure stops what had started and rethrows.
   *
   * @throws RuntimeException when a part cannot start (the message names it)
   */
  public static LocalStack start(Options o) {
    LocalStack s = new LocalStack();
    try {
      s.startAll(o);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void startAll(Options o) {
    topics = new Topics(o.topicPrefix());
    if (o.kafkaBootstrap() == null) {
      kafka = EmbeddedKafka.start(3);
      closeables.add(kafka);
      bootstrap = kafka.bootstrapServers();
    } else {
      bootstrap = o.kafkaBootstrap();
    }
    TopicSetup.ensure(KafkaSettings.of(bootstrap, topics), 3, Duration.ofSeconds(30));
    if (o.kubeconfig() == null) {
      api = SandboxApiServer.start();
      closeables.add(api);
      simulator = TektonSimulator.start(api, o.simulator());
      closeables.add(simulator);
    } else {
      clusterConfig = clusterConfig(o.kubeconfig());
    }
    webhook = WebhookReceiver.start(vertx, 0).await();
    otlp = OtlpReceiver.start(vertx, 0).await();

    Map<String, String> env = new HashMap<>();
    env.put("PITSTOP_CLUSTER", "sandbox");
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("PITSTOP_TOPIC_PREFIX", o.topicPrefix());
    env.put("ENGINE_HTTP_HOST", "127.0.0.1");
    env.put("ENGINE_HTTP_PORT", Integer.toString(o.enginePort()));
    env.put("ENGINE_API_TOKENS", DEMO_USER + "=" + apiToken);
    env.put("NOTIFIER_WEBHOOK_URLS", webhook.url());
    env.put("TRACER_OTLP_ENDPOINT", otlp.endpoint());
    env.put("TRACER_FINISH_GRACE", "2s");
    env.put("ENGINE_STATE_PARTITIONS", "3");
    if (!o.namespaces().isEmpty()) {
      env.put("WATCHER_NAMESPACES", String.join(",", o.namespaces()));
    }
    if (!o.selector().isEmpty()) {
      env.put("WATCHER_SELECTOR", o.selector());
    }
    // The engine's admission webhook (PipelineRun-level breakpoints), over HTTPS as an API server
    // calls it: only the sandbox's API server can call one on this machine.
    SelfSignedCertificate cert = null;
    if (api != null) {
      cert = SelfSignedCertificate.create("localhost");
      closeables.add(cert::delete);
      env.put("ENGINE_WEBHOOK_HOST", "localhost");
      env.put("ENGINE_WEBHOOK_PORT", "0");
      env.put("ENGINE_WEBHOOK_CERT_FILE", cert.certificatePath());
      env.put("ENGINE_WEBHOOK_KEY_FILE", cert.privateKeyPath());
    }

    KubernetesClient watcherClient = client();
    Vertx watcherVertx = serviceVertx();
    Ops.of(vertx)
        .readiness()
        .register(
            "kubernetes", Readiness.blocking(watcherVertx, watcherClient::getKubernetesVersion));
    WatcherService watcher =
        WatcherService.start(watcherVertx, WatcherConfig.fromMap(env), watcherClient).await();
    started("watcher", watcher);
    engine = EngineService.start(serviceVertx(), EngineConfig.fromMap(env), client()).await();
    started("breakpoint-engine", engine);
    if (api != null) {
      registerWebhook(cert);
    }
    NotifierService notifier =
        NotifierService.start(serviceVertx(), NotifierConfig.fromMap(env)).await();
    started("notifier", notifier);
    TracerService tracer = TracerService.start(serviceVertx(), TracerConfig.fromMap(env)).await();
    started("tracer", tracer);
  }

  /**
   * A Vert.x instance of one service's own, as each service has its own process when deployed: on
   * one shared instance a busy service's handlers queued behind another's on the same event loop
   * (docs/performance.md, "the notifier's leg"). Its readiness checks and metrics are the stack's
   * ({@link Ops#share}), so {@code /readyz} and {@code /metrics} of {@code pitstop up} cover all
   * four. Closed after the services have stopped.
   */
  private Vertx serviceVertx() {
    Vertx v = Vertx.vertx();
    serviceVertxes.add(v);
    Ops.share(vertx, v);
    return v;
  }

  /**
   * Registers the readiness check {@code started:<name>} (passes while the service runs, fails once
   * it is stopping) and the service's stop. The services' own parts register theirs in the same
   * {@link Ops} (shared by every service's Vert.x): their consumers' {@code consumer:<group>},
   * their producers' {@code kafka:<client>}; so {@code /readyz} of {@code pitstop up} is ready only
   * when all four are.
   */
  private void started(String name, PitstopService service) {
    AtomicBoolean running = new AtomicBoolean(true);
    Ops.of(vertx)
        .readiness()
        .register(
            "started:" + name,
            () ->
                running.get()
                    ? Future.succeededFuture()
                    : Future.failedFuture(name + " is stopping"));
    closeables.add(
        () -> {
          running.set(false);
          service.stop().await();
        });
  }

  private void registerWebhook(SelfSignedCertificate cert) {
    try {
      MutatingWebhook webhook =
          api.registerMutatingWebhook(
              "breakpoints.pitstop.dev",
              URI.create("https://localhost:" + engine.webhookPort() + "/admission/taskruns"),
              Files.readAllBytes(Path.of(cert.certificatePath())),
              Duration.ofSeconds(5),
              FailurePolicy.IGNORE);
      closeables.add(webhook);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the webhook's certificate", e);
    }
  }

  private KubernetesClient client() {
    KubernetesClient c =
        api != null
            ? api.newClient()
            : new KubernetesClientBuilder().withConfig(clusterConfig).build();
    closeables.add(c);
    return c;
  }

  /**
   * The kubeconfig's current context, and nothing from the environment or {@code ~/.kube}: the file
   * given is the whole truth.
   */
  private static Config clusterConfig(Path kubeconfig) {
    String yaml;
    try {
      yaml = Files.readString(kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kubeconfig " + kubeconfig, e);
    }
    Config config = Config.fromKubeconfig(null, yaml, kubeconfig.toAbsolutePath().toString());
    if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw new IllegalArgumentException(
          "the kubeconfig " + kubeconfig + " names no server in its current context");
    }
    if (config.getMasterUrl().startsWith("http:")) {
      config.setHttp2Disable(true); // no h2c upgrade attempts against a plain-HTTP API server
    }
    return config;
  }

  /** The Kubernetes API the services use: the sandbox's, or the kubeconfig's server. */
  public String kubernetesUrl() {
    return api != null ? api.masterUrl() : clusterConfig.getMasterUrl();
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public Topics topics() {
    return topics;
  }

  /** The sandbox's API server; null on a real cluster. */
  public SandboxApiServer api() {
    return api;
  }

  /** The sandbox's simulator; null on a real cluster. */
  public TektonSimulator simulator() {
    return simulator;
  }

  public WebhookReceiver webhook() {
    return webhook;
  }

  public OtlpReceiver otlp() {
    return otlp;
  }

  /** The engine's HTTP API, e.g. {@code http://127.0.0.1:8081}. */
  public String engineUrl() {
    return "http://127.0.0.1:" + engine.httpPort();
  }

  /** The bearer token of {@link #DEMO_USER} for the engine API (random per start). */
  public String apiToken() {
    return apiToken;
  }

  /**
   * The Vert.x of the receivers and of {@code pitstop up}'s management server; its {@link Ops} hold
   * all four services' readiness checks and metrics.
   */
  public Vertx vertx() {
    return vertx;
  }

  /** Stops the services first, then the receivers, the sandbox and the broker. */
  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      AutoCloseable c = closeables.get(i);
      if (c instanceof EmbeddedKafka || c instanceof SandboxApiServer) {
        continue;
      }
      closeQuietly(c);
    }
    if (webhook != null) {
      closeQuietly(webhook::close);
    }
    if (otlp != null) {
      closeQuietly(otlp::close);
    }
    for (Vertx v : serviceVertxes) {
      closeQuietly(() -> v.close().await());
    }
    closeQuietly(() -> vertx.close().await());
    closeQuietly(api);
    closeQuietly(kafka);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      System.err.println("pitstop: while stopping: " + e);
    }
  }

  private static String randomToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
