package dev.pitstop.cli;

import dev.pitstop.engine.EngineConfig;
import dev.pitstop.engine.EngineService;
import dev.pitstop.events.Topics;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.notifier.NotifierService;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.runtime.kafka.TopicSetup;
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
import io.fabric8.kubernetes.client.KubernetesClient;
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

/**
 * Pitstop on its embedded defaults in one JVM: a real Kafka broker (or the one {@code
 * KAFKA_BOOTSTRAP_SERVERS} names), the sandbox's simulated Tekton cluster, a local webhook receiver
 * and OTLP receiver, and the four services wired to them through the same configuration keys their
 * own {@code Main}s read.
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
      String kafkaBootstrap, String topicPrefix, int enginePort, SimulatorOptions simulator) {}

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private EmbeddedKafka kafka;
  private String bootstrap;
  private SandboxApiServer api;
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
    api = SandboxApiServer.start();
    closeables.add(api);
    simulator = TektonSimulator.start(api, o.simulator());
    closeables.add(simulator);
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
    // The engine's admission webhook (PipelineRun-level breakpoints), over HTTPS as an API server
    // calls it.
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    closeables.add(cert::delete);
    env.put("ENGINE_WEBHOOK_HOST", "localhost");
    env.put("ENGINE_WEBHOOK_PORT", "0");
    env.put("ENGINE_WEBHOOK_CERT_FILE", cert.certificatePath());
    env.put("ENGINE_WEBHOOK_KEY_FILE", cert.privateKeyPath());

    KubernetesClient watcherClient = client();
    WatcherService watcher =
        WatcherService.start(vertx, WatcherConfig.fromMap(env), watcherClient).await();
    closeables.add(() -> watcher.stop().await());
    engine = EngineService.start(vertx, EngineConfig.fromMap(env), client()).await();
    closeables.add(() -> engine.stop().await());
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
    NotifierService notifier = NotifierService.start(vertx, NotifierConfig.fromMap(env)).await();
    closeables.add(() -> notifier.stop().await());
    TracerService tracer = TracerService.start(vertx, TracerConfig.fromMap(env)).await();
    closeables.add(() -> tracer.stop().await());
  }

  private KubernetesClient client() {
    KubernetesClient c = api.newClient();
    closeables.add(c);
    return c;
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public Topics topics() {
    return topics;
  }

  public SandboxApiServer api() {
    return api;
  }

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
