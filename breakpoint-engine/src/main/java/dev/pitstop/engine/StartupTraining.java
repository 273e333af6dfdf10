package dev.pitstop.engine;

import dev.pitstop.engine.actuation.PodExec;
import dev.pitstop.engine.api.BreakpointApi;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.hold.HoldBook;
import dev.pitstop.engine.state.RootState;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.ops.LogSettings;
import dev.pitstop.runtime.ops.ManagementConfig;
import dev.pitstop.runtime.ops.ManagementServer;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training run of the engine image's class-data-sharing archive (issue #7: a restarted engine
 * spends most of its start-up CPU loading and verifying classes). The image build runs it once with
 * {@code -XX:ArchiveClassesAtExit} on the image's own classpath (see the engine's Dockerfile); the
 * engine then starts with {@code -XX:SharedArchiveFile} and maps the classes the training loaded
 * instead of reading and verifying them from the jars again.
 *
 * <p>It goes through the engine's start-up without a cluster or a broker: the logging set-up,
 * {@link EngineConfig}, Vert.x and the management server, a fabric8 client (one request to an
 * address nothing listens at, Tekton and Pod objects through its serialization), the Kafka
 * producer, consumer and admin clients (closed at once) and Kafka's error table, the event codec
 * over every sample event, the breakpoint engine pausing a step, its API listing it over HTTP/1.1
 * and accepting a continue over HTTP/2 (cleartext upgrade), the release's exec through a second
 * client built as {@link Main} builds it (from a kubeconfig) against a stand-in Kubernetes API on
 * 127.0.0.1 ({@link #fakeKubernetes}: the Pod read, the exec's WebSocket and its exit status), and
 * the state record's JSON. What a real restart still loads from the jars is mostly Kafka's protocol
 * classes of a broker conversation (group join, fetch), which need a broker (docs/ performance.md
 * "Engine recovery (third pass)"). Ends with exit code 0, or throws when a part does not behave as
 * expected (so the image build fails rather than ship a stale archive). Nothing here changes what
 * the engine does: an archive that does not match (another JDK, another classpath) is ignored by
 * the JVM.
 */
public final class StartupTraining {
  private static final Logger LOG = LoggerFactory.getLogger(StartupTraining.class);

  /** Where no one listens: every connection attempt is refused at once. */
  private static final String NOWHERE = "127.0.0.1:9";

  private StartupTraining() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    String token = UUID.randomUUID().toString();
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", NOWHERE);
    env.put("ENGINE_API_TOKENS", "training=" + token);
    env.put("ENGINE_HTTP_HOST", "127.0.0.1");
    env.put("ENGINE_HTTP_PORT", "0");
    env.put(ManagementConfig.HOST_KEY, "127.0.0.1");
    env.put(ManagementConfig.PORT_KEY, "0");
    LogSettings.fromMap(env);
    EngineConfig config = EngineConfig.fromMap(env);
    LOG.info("start-up training: loading what a start of the engine loads");
    // The entry points themselves (loaded, not run: they start the real engine).
    for (Class<?> c :
        List.of(Main.class, dev.pitstop.runtime.ServiceMain.class, EngineService.class)) {
      LOG.debug("training loads {}", c.getName());
    }
    Vertx vertx = Vertx.vertx();
    try {
      ManagementServer management =
          ManagementServer.start(vertx, ManagementConfig.fromMap(env, 0), "training")
              .await(30, TimeUnit.SECONDS);
      kafka(config);
      codec();
      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder()
                      .withMasterUrl("https://" + NOWHERE)
                      .withRequestRetryBackoffLimit(0)
                      .withConnectionTimeout(2_000)
                      .withRequestTimeout(2_000)
                      .withNamespace("default")
                      .build())
              .build()) {
        kubernetes(client);
      }
      // The release path against a stand-in API: the client built as Main builds it (from a
      // kubeconfig: its YAML parser and fabric8's model scan), the exec's Pod read and WebSocket.
      HttpServer api = fakeKubernetes(vertx);
      java.nio.file.Path kubeconfig =
          java.nio.file.Files.createTempFile("pitstop-training-", ".kubeconfig");
      try {
        java.nio.file.Files.writeString(kubeconfig, kubeconfig(api.actualPort()));
        System.setProperty("kubeconfig", kubeconfig.toString());
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
          check(
              client.getMasterUrl().getPort() == api.actualPort(),
              "the training kubeconfig in use, not " + client.getMasterUrl());
          engine(vertx, config, client, token);
        }
      } finally {
        System.clearProperty("kubeconfig");
        java.nio.file.Files.deleteIfExists(kubeconfig);
        api.close().await(10, TimeUnit.SECONDS);
      }
      management.stop();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    LOG.info("start-up training done in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  /** fabric8: one refused request, and the objects the engine reads through its serialization. */
  private static void kubernetes(KubernetesClient client) {
    try {
      client.pods().inNamespace("default").withName("training").get();
      throw new IllegalStateException("a Kubernetes API answered at " + NOWHERE);
    } catch (KubernetesClientException expected) {
      LOG.debug("no Kubernetes API, as expected: {}", expected.toString());
    }
    check(
        dev.pitstop.engine.actuation.SerializationWarmUp.run(client) == 6,
        "the release's objects through the client's serialization");
    var json = client.getKubernetesSerialization();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("training")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("step-test")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .build();
    check(json.unmarshal(json.asJson(pod), Pod.class).equals(pod), "a Pod read back");
    for (Class<?> type : List.of(TaskRun.class, PipelineRun.class)) {
      String doc =
          "{\"apiVersion\":\"tekton.dev/v1\",\"kind\":\""
              + type.getSimpleName()
              + "\",\"metadata\":{\"name\":\"training\",\"namespace\":\"default\","
              + "\"labels\":{\"tekton.dev/pipeline\":\"p\"}},\"spec\":{},"
              + "\"status\":{\"conditions\":[{\"type\":\"Succeeded\",\"status\":\"Unknown\"}]}}";
      Object o = json.unmarshal(doc, type);
      check(type.isInstance(o), "a " + type.getSimpleName() + " read");
      json.asJson(o);
    }
  }

  /** The engine's Kafka clients, built and closed without a broker. */
  private static void kafka(EngineConfig config) {
    var kafka = config.kafka();
    Map<String, Object> producer = new HashMap<>(kafka.producerConfig("training"));
    producer.put("max.block.ms", "300");
    KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producer);
    try {
      p.partitionsFor(kafka.topics().observations());
      throw new IllegalStateException("a Kafka broker answered at " + NOWHERE);
    } catch (org.apache.kafka.common.KafkaException expected) {
      LOG.debug("no broker, as expected: {}", expected.toString());
    } finally {
      p.close(Duration.ZERO);
    }
    Map<String, Object> consumer =
        new HashMap<>(kafka.consumerConfig(EngineConfig.SERVICE + "-training", "training"));
    consumer.put("default.api.timeout.ms", "200");
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer);
    try {
      c.subscribe(List.of(kafka.topics().observations(), kafka.topics().commands()));
      c.poll(Duration.ofMillis(100));
    } finally {
      c.close(Duration.ZERO);
    }
    Admin.create(Map.of("bootstrap.servers", NOWHERE, "client.id", "training"))
        .close(Duration.ZERO);
    // Every response's error code is read through Errors, whose table loads ~150 exception classes.
    check(
        org.apache.kafka.common.protocol.Errors.forCode((short) 0)
            == org.apache.kafka.common.protocol.Errors.NONE,
        "Kafka's error table");
  }

  /** Every sample event through the CloudEvents codec and Kafka records, both ways. */
  private static void codec() throws Exception {
    for (EventType type : EventType.values()) {
      PitstopEvent e = SampleEvents.of(type);
      var record = EventRecords.toRecord("training", e);
      PitstopEvent back = EventRecords.decode(record.headers(), record.value());
      check(back.id().equals(e.id()), "an event read back");
      EventCodec.fromStructuredJson(EventCodec.toStructuredJson(e));
    }
  }

  /** The breakpoint engine pausing a sample step, its API listing it, a release's failing exec. */
  private static void engine(
      Vertx vertx, EngineConfig config, KubernetesClient client, String token) throws Exception {
    Clock clock = Clock.systemUTC();
    EventFactory decisions = new EventFactory(config.cluster(), EngineConfig.SERVICE);
    EngineMetrics metrics =
        new EngineMetrics(dev.pitstop.runtime.ops.Ops.of(vertx).metrics(), clock);
    PodExec exec = new PodExec(vertx, client, Duration.ofSeconds(5));
    BreakpointEngine engine =
        new BreakpointEngine(
            new BreakpointBook(decisions, clock),
            new HoldBook(decisions, clock),
            new EventFactory(config.cluster(), EngineConfig.SERVICE + "-api"),
            clock,
            metrics.publisher(e -> Future.succeededFuture()),
            exec,
            r -> Future.succeededFuture(),
            dev.pitstop.engine.auth.Authorizer.ALLOW_ALL);
    metrics.watch(engine);
    engine.keepStateIn(
        (root, st) -> {
          try {
            byte[] bytes = EventCodec.mapper().writeValueAsBytes(st);
            EventCodec.mapper().readValue(bytes, RootState.class);
            return Future.succeededFuture();
          } catch (java.io.IOException e) {
            return Future.failedFuture(e);
          }
        });
    // The same path as the service's consumer: EngineMetrics.deferred around engine::handling.
    var handle = metrics.deferred(engine::handling);
    for (EventType type :
        List.of(
            EventType.PIPELINERUN_STARTED,
            EventType.TASKRUN_STARTED,
            EventType.STEP_STARTED,
            EventType.STEP_BREAKPOINT_REACHED)) {
      durably(handle, SampleEvents.of(type), 10);
    }
    check(engine.waiting().size() == 1, "one step paused");
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(new BreakpointApi(engine, config.tokens()).router(vertx))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    HttpClient http = vertx.createHttpClient();
    String body =
        http.request(
                new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost("127.0.0.1")
                    .setPort(server.actualPort())
                    .setURI("/v1/breakpoints")
                    .putHeader("Authorization", "Bearer " + token))
            .compose(r -> r.send().compose(res -> res.body()))
            .await(10, TimeUnit.SECONDS)
            .toString();
    check(body.contains(SampleEvents.TASK_RUN.name()), "the API lists the paused step: " + body);
    // A release through the API as an HTTP/2 client asks for it (JDK HttpClient: cleartext
    // upgrade): published (here: nowhere) and answered 202.
    HttpClient h2 =
        vertx.createHttpClient(
            new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(true));
    int status =
        h2.request(
                new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setHost("127.0.0.1")
                    .setPort(server.actualPort())
                    .setURI(
                        dev.pitstop.engine.api.ApiPaths.breakpoint(
                            SampleEvents.TASK_RUN.namespace(),
                            SampleEvents.TASK_RUN.name(),
                            SampleEvents.STEP.name(),
                            dev.pitstop.events.data.Action.CONTINUE))
                    .putHeader("Authorization", "Bearer " + token))
            .compose(r -> r.send().map(res -> res.statusCode()))
            .await(10, TimeUnit.SECONDS);
    check(status == 202, "the API accepts a continue: HTTP " + status);
    h2.close();
    // The release's exec through the stand-in API (fakeKubernetes): the step is released.
    durably(handle, SampleEvents.of(EventType.COMMAND_CONTINUE), 30);
    engine.actuations().await(30, TimeUnit.SECONDS);
    check(engine.waiting().isEmpty(), "the step released by the exec");
    durably(handle, SampleEvents.of(EventType.TASKRUN_FINISHED), 10);
    http.close();
    server.close().await(10, TimeUnit.SECONDS);
    exec.close();
  }

  /**
   * A stand-in for the Kubernetes API on 127.0.0.1 (plain HTTP: the cluster's TLS is not trained):
   * any Pod GET answers a Pod with container {@code step-test} (a shell-less release reads the
   * Pod), and a {@code pods/exec} WebSocket ({@code v4.channel.k8s.io}) answers exit status Success
   * on channel 3 and closes, as the kubelet does for a command that exited 0.
   */
  static HttpServer fakeKubernetes(Vertx vertx) throws Exception {
    return vertx
        .createHttpServer(
            new io.vertx.core.http.HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setWebSocketSubProtocols(List.of("v4.channel.k8s.io", "channel.k8s.io")))
        .webSocketHandler(
            ws -> {
              byte[] status =
                  "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\"}"
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8);
              io.vertx.core.buffer.Buffer frame =
                  io.vertx.core.buffer.Buffer.buffer().appendByte((byte) 3).appendBytes(status);
              ws.writeBinaryMessage(frame).onComplete(v -> ws.close());
            })
        .requestHandler(
            req -> {
              String[] path = req.path().split("/");
              String selector = req.getParam("fieldSelector", "");
              // /api/v1/namespaces/{ns}/pods/{name}, or .../pods?fieldSelector=metadata.name=...
              // (a Pod read by name, or listed by field selector as an informer does)
              if (req.method() == HttpMethod.GET
                  && path.length >= 6
                  && path[3].equals("namespaces")
                  && path[5].equals("pods")) {
                String name = path.length == 7 ? path[6] : selector.replace("metadata.name=", "");
                String pod =
                    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
                        + name
                        + "\",\"namespace\":\""
                        + path[4]
                        + "\",\"resourceVersion\":\"1\"},\"spec\":{\"containers\":"
                        + "[{\"name\":\"step-test\",\"image\":\"busybox\"}]},\"status\":"
                        + "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}";
                if ("true".equals(req.getParam("watch"))) {
                  req.response().setChunked(true).putHeader("Content-Type", "application/json");
                  req.response().write(""); // a watch that sees no change, until closed
                } else if (path.length == 7) {
                  req.response().putHeader("Content-Type", "application/json").end(pod);
                } else {
                  req.response()
                      .putHeader("Content-Type", "application/json")
                      .end(
                          "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":"
                              + "{\"resourceVersion\":\"1\"},\"items\":["
                              + pod
                              + "]}");
                }
              } else {
                req.response()
                    .setStatusCode(404)
                    .putHeader("Content-Type", "application/json")
                    .end(
                        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}");
              }
            })
        .listen()
        .await(10, TimeUnit.SECONDS);
  }

  /** A kubeconfig for the stand-in API at {@code port}, with a bearer token. */
  static String kubeconfig(int port) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: training",
        "  cluster:",
        "    server: http://127.0.0.1:" + port,
        "users:",
        "- name: training",
        "  user:",
        "    token: training",
        "contexts:",
        "- name: training",
        "  context:",
        "    cluster: training",
        "    user: training",
        "    namespace: default",
        "current-context: training",
        "");
  }

  /** Handles one event as the consumer does and waits until its writes are acknowledged. */
  private static void durably(
      java.util.function.Function<
              dev.pitstop.events.PitstopEvent, dev.pitstop.runtime.kafka.EventConsumer.Handling>
          handle,
      dev.pitstop.events.PitstopEvent e,
      int seconds)
      throws Exception {
    var h = handle.apply(e);
    h.processed().compose(v -> h.committable()).await(seconds, TimeUnit.SECONDS);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("start-up training: expected " + what);
    }
  }
}
