package dev.pitstop.engine;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitstop.engine.actuation.HoldPatcher;
import dev.pitstop.engine.actuation.PodEphemeralRelease;
import dev.pitstop.engine.actuation.PodExec;
import dev.pitstop.engine.admission.AdmissionReporter;
import dev.pitstop.engine.admission.AdmissionWebhook;
import dev.pitstop.engine.admission.InformerRunCache;
import dev.pitstop.engine.api.BreakpointApi;
import dev.pitstop.engine.api.PendingCommands;
import dev.pitstop.engine.auth.Authenticator;
import dev.pitstop.engine.auth.Authorizer;
import dev.pitstop.engine.auth.CachingAuthenticator;
import dev.pitstop.engine.auth.CachingAuthorizer;
import dev.pitstop.engine.auth.StaticTokenAuthenticator;
import dev.pitstop.engine.auth.SubjectAccessReviewAuthorizer;
import dev.pitstop.engine.auth.TokenReviewAuthenticator;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.hold.HoldBook;
import dev.pitstop.engine.state.GlobalView;
import dev.pitstop.engine.state.StateOwnership;
import dev.pitstop.engine.state.StateTopic;
import dev.pitstop.engine.state.TopicTail;
import dev.pitstop.engine.timeout.TimeoutPlanner;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.ops.Ops;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The breakpoint engine, composed: consumes the observations and commands topics (group {@code
 * breakpoint-engine}), decides with {@link BreakpointBook}, publishes decisions, releases steps by
 * exec through fabric8, and serves {@link BreakpointApi}.
 *
 * <p>With {@code ENGINE_WEBHOOK_CERT_FILE}/{@code _KEY_FILE} it also serves the admission webhook
 * ({@link AdmissionWebhook}, HTTPS) over informer caches, and releases held TaskRuns by JSON Patch
 * ({@link HoldPatcher}). Authentication is static tokens or TokenReview; releases are authorized by
 * SubjectAccessReview when {@code ENGINE_AUTHORIZE_COMMANDS}; both reviews' answers are kept a
 * short while ({@link CachingAuthenticator}, {@link CachingAuthorizer}, {@code
 * ENGINE_AUTH_CACHE_*}).
 *
 * <p>State (breakpoints, holds, the commands that released them) is written per root run to a
 * compacted topic ({@code ENGINE_STATE_TOPIC}, created if missing) partitioned like the input
 * topics; instances of one consumer group share the partitions, and each reads back the state of
 * the partitions it is assigned before handling their records ({@link StateOwnership}; see
 * DESIGN.md). Start-up checks the topics' partition counts and waits for the first assignment. A
 * timer ({@code ENGINE_TIMEOUT_TICK}) applies the timeout policy ({@link TimeoutPlanner}).
 *
 * <p>For the API of every instance to answer for every run, it also follows the whole state topic
 * ({@link GlobalView}, read to its end before the API listens) and the decisions topic from its end
 * (outcomes of the commands it publishes, {@link PendingCommands}), each with a {@link TopicTail}.
 */
public final class EngineService implements PitstopService {
  private static final Logger LOG = LoggerFactory.getLogger(EngineService.class);

  /** How long a rebalance may wait for state to be installed or handed over. */
  static final Duration OWNERSHIP_LIMIT = Duration.ofSeconds(90);

  /** How long start-up waits for the global view to read the state topic as it was. */
  static final Duration GLOBAL_VIEW_LIMIT = Duration.ofSeconds(60);

  /** How many decided command outcomes the API remembers from the decisions topic. */
  static final int OUTCOMES_REMEMBERED = 10_000;

  /** How long start-up waits for the group to assign partitions (possibly none). */
  static final Duration FIRST_ASSIGNMENT_LIMIT = Duration.ofSeconds(60);

  /**
   * The consumer's Kafka settings: the range assignor (classic protocol) or {@code range} remote
   * assignor (KIP-848 {@code group.protocol=consumer}), which give one member the same partition
   * number of every subscribed topic, so observations and commands of partition {@code p} reach the
   * same instance. {@link EngineConfig} refuses other assignors.
   */
  static dev.pitstop.runtime.kafka.KafkaSettings consumerSettings(EngineConfig config) {
    java.util.Map<String, String> client = new java.util.HashMap<>(config.kafka().client());
    if ("consumer".equalsIgnoreCase(client.get("group.protocol"))) {
      client.put("group.remote.assignor", "range");
    } else {
      client.put("partition.assignment.strategy", EngineConfig.RANGE_ASSIGNOR);
    }
    return new dev.pitstop.runtime.kafka.KafkaSettings(client, config.kafka().topics());
  }

  private final Vertx vertx;
  private final EventPublisher publisher;
  private final PodExec podExec;
  private final String consumerDeployment;
  private final HttpServer http;
  private final Parts parts;
  private HttpServer webhook;

  /** What start-up built that stop must release. */
  private record Parts(
      HoldPatcher patcher,
      PodEphemeralRelease ephemeral,
      WorkerExecutor kube,
      InformerRunCache cache,
      long[] timer,
      List<TopicTail> tails) {}

  private EngineService(
      Vertx vertx,
      EventPublisher publisher,
      PodExec podExec,
      String consumerDeployment,
      HttpServer http,
      Parts parts) {
    this.vertx = vertx;
    this.publisher = publisher;
    this.podExec = podExec;
    this.consumerDeployment = consumerDeployment;
    this.http = http;
    this.parts = parts;
  }

  /**
   * Starts the engine.
   *
   * @param client a client allowed to {@code create pods/exec} in the runs' namespaces; not closed
   *     by {@link #stop()}
   * @return completes once subscribed and listening; fails with the consumer's or the HTTP server's
   *     error (e.g. the port is taken), after releasing what was started
   */
  public static Future<EngineService> start(
      Vertx vertx, EngineConfig config, KubernetesClient client) {
    return start(vertx, config, Future.succeededFuture(client));
  }

  /**
   * Starts the engine with a Kubernetes client still being built: what needs only Kafka (the
   * topics' checks, reading the whole state topic into the API's view, the decisions tail) goes on
   * meanwhile, and the rest once the client is there (building fabric8's client costs about 2 s of
   * CPU, mostly class loading: issue #7's recovery time).
   *
   * @param kubernetes the client, as {@link #start(Vertx, EngineConfig, KubernetesClient)} needs
   *     it; when it fails, start-up fails with its error
   */
  public static Future<EngineService> start(
      Vertx vertx, EngineConfig config, Future<KubernetesClient> kubernetes) {
    return start(vertx, config, kubernetes, UnaryOperator.identity());
  }

  /**
   * As {@link #start(Vertx, EngineConfig, Future)}, with the consumer's handler wrapped by {@code
   * handlerHook} (for tests: e.g. to hold the observations while a command goes through).
   */
  static Future<EngineService> start(
      Vertx vertx,
      EngineConfig config,
      Future<KubernetesClient> kubernetes,
      UnaryOperator<Function<PitstopEvent, EventConsumer.Handling>> handlerHook) {
    EventPublisher publisher =
        new EventPublisher(vertx, config.kafka(), EngineConfig.SERVICE + "-" + config.cluster());
    StateTopic stateTopic =
        new StateTopic(vertx, config.kafka(), config.stateTopic(), config.statePartitions());
    StateOwnership[] ownership = {null};
    // The API's view of every instance's runs, and the outcomes of the commands it publishes.
    // Keeps no copy of the root runs this instance owns: the API answers those from the books.
    GlobalView global = new GlobalView(root -> ownership[0] != null && ownership[0].owns(root));
    TopicTail stateTail =
        new TopicTail(
            config.kafka(),
            config.stateTopic(),
            TopicTail.From.BEGINNING,
            r -> global.apply(r.key(), r.value()));
    PendingCommands outcomes = new PendingCommands(OUTCOMES_REMEMBERED);
    TopicTail decisionsTail =
        new TopicTail(
            config.kafka(),
            config.kafka().topics().decisions(),
            TopicTail.From.END,
            r -> {
              try {
                outcomes.offer(EventRecords.decode(r.headers(), r.value()));
              } catch (MalformedEventException e) {
                LOG.debug(
                    "decisions {}@{}: not an event: {}", r.partition(), r.offset(), e.getMessage());
              }
            });
    // The topics' checks and both tails go on at once (each is a few round trips to the broker,
    // about a second of a restart when taken in turn: issue #7). The state tail waits for the
    // topic if the check is still creating it; tails never create topics themselves.
    Future<Integer> prepared = stateTopic.prepare();
    Future<Void> stateTailPositioned = stateTail.start(vertx);
    Future<Integer> kafkaSide =
        Future.all(prepared, decisionsTail.start(vertx), stateTailPositioned)
            .map(all -> prepared.result());
    // The global view reads on while the group is joined and this instance's own state loaded
    // (GlobalView is safe against its owner changing meanwhile); the API waits for both.
    Future<Void> globalRead =
        stateTailPositioned.compose(
            v ->
                stateTail
                    .caughtUp(vertx)
                    .timeout(GLOBAL_VIEW_LIMIT.toMillis(), TimeUnit.MILLISECONDS));
    KafkaSide k =
        new KafkaSide(
            publisher,
            stateTopic,
            ownership,
            global,
            globalRead,
            stateTail,
            outcomes,
            decisionsTail);
    // join: on a failure, both sides have settled before what was started is closed.
    return Future.join(kafkaSide, kubernetes)
        .recover(
            t ->
                closeTails(vertx, List.of(stateTail, decisionsTail))
                    .eventually(publisher::closeAsync)
                    .transform(x -> Future.failedFuture(t)))
        .compose(
            all ->
                startWith(vertx, config, kubernetes.result(), k, kafkaSide.result(), handlerHook));
  }

  /**
   * {@code id} once {@code step} succeeded; else the consumer verticle {@code id} is undeployed and
   * start-up fails with {@code what} and the step's error.
   */
  private static Future<String> undeployOnFailure(
      Vertx vertx, String id, Future<Void> step, String what) {
    return step.map(id)
        .recover(
            t ->
                vertx
                    .undeploy(id)
                    .transform(
                        x ->
                            Future.failedFuture(
                                new IllegalStateException(what + ": " + t.getMessage(), t))));
  }

  /** What start-up built before the Kubernetes client was there. */
  private record KafkaSide(
      EventPublisher publisher,
      StateTopic stateTopic,
      StateOwnership[] ownership,
      GlobalView global,
      Future<Void> globalRead,
      TopicTail stateTail,
      PendingCommands outcomes,
      TopicTail decisionsTail) {}

  private static Future<EngineService> startWith(
      Vertx vertx,
      EngineConfig config,
      KubernetesClient client,
      KafkaSide k,
      int partitions,
      UnaryOperator<Function<PitstopEvent, EventConsumer.Handling>> handlerHook) {
    Clock clock = Clock.systemUTC();
    EventPublisher publisher = k.publisher();
    StateTopic stateTopic = k.stateTopic();
    StateOwnership[] ownership = k.ownership();
    GlobalView global = k.global();
    TopicTail stateTail = k.stateTail();
    PendingCommands outcomes = k.outcomes();
    TopicTail decisionsTail = k.decisionsTail();
    HoldPatcher patcher = new HoldPatcher(vertx, client);
    PodEphemeralRelease ephemeral =
        new PodEphemeralRelease(
            vertx, client, config.releaseImage(), config.releaseContainerTimeout());
    WorkerExecutor kube = vertx.createSharedWorkerExecutor("pitstop-engine-kube", 4);
    EventFactory decisions = new EventFactory(config.cluster(), EngineConfig.SERVICE);
    EngineMetrics metrics = new EngineMetrics(Ops.of(vertx).metrics(), clock);
    PodExec podExec =
        new PodExec(
            vertx, client, config.execTimeout(), metrics.metrics(), metrics::commandTime, clock);
    EngineConfig.AuthCache ttl = config.authCache();
    // One cache per kind of review, shared by the API (before publishing a command) and the
    // consumer (for each command consumed): kube-apiserver's webhook caches, with short TTLs.
    Authorizer authorizer =
        config.authorizeCommands()
            ? new CachingAuthorizer(
                new SubjectAccessReviewAuthorizer(client, kube, metrics.metrics()),
                ttl.allowedTtl(),
                ttl.deniedTtl(),
                ttl.entries(),
                Ticker.systemTicker(),
                metrics.metrics())
            : Authorizer.ALLOW_ALL;
    Authenticator authenticator =
        config.auth() == EngineConfig.Auth.KUBERNETES
            ? new CachingAuthenticator(
                new TokenReviewAuthenticator(client, kube, metrics.metrics()),
                ttl.tokenTtl(),
                ttl.deniedTtl(),
                ttl.entries(),
                Ticker.systemTicker(),
                metrics.metrics())
            : new StaticTokenAuthenticator(config.tokens());
    BreakpointEngine engine =
        new BreakpointEngine(
            new BreakpointBook(decisions, clock),
            new HoldBook(decisions, clock),
            new EventFactory(config.cluster(), EngineConfig.SERVICE + "-api"),
            clock,
            metrics.publisher(publisher::publish),
            podExec,
            ephemeral,
            patcher,
            authorizer);
    engine.serveOnly(config.namespaces());
    InformerRunCache cache =
        config.webhook() == null
            ? null
            : new InformerRunCache(client, config.tektonNamespace(), config.namespaces());
    metrics.watch(engine);
    long[] timer = {-1};
    engine.keepStateIn((root, st) -> stateTopic.write(publisher, root, st));
    Parts parts =
        new Parts(patcher, ephemeral, kube, cache, timer, List.of(stateTail, decisionsTail));
    BreakpointApi api =
        new BreakpointApi(
            engine,
            authenticator,
            authorizer,
            new BreakpointApi.Cluster(
                global,
                root -> ownership[0] != null && ownership[0].owns(root),
                outcomes,
                config.apiCommandWait()));
    ownership[0] = new StateOwnership(stateTopic, engine, partitions, global);
    // Deferred commits: the consumer goes on once an event is decided and its records
    // are handed to the producer, and commits it once they are acknowledged (awaiting
    // each write in turn held the engine to one Kafka round trip per paused run's
    // change: issue #7). One order per topic: a command never waits behind the
    // observations consumed before it (release latency, issue #7); the engine needs no
    // order between the two (BreakpointEngine#handling).
    EventConsumer consumer =
        EventConsumer.deferred(
                consumerSettings(config),
                EventConsumer.topics(
                    config.kafka().topics().observations(), config.kafka().topics().commands()),
                EngineConfig.SERVICE,
                publisher,
                metrics.deferred(handlerHook.apply(engine::handling)))
            .orderedPerTopic()
            .onlyTypes(BreakpointEngine.ACTS_ON)
            .withOwnership(ownership[0], OWNERSHIP_LIMIT);
    return vertx
        .deployVerticle(consumer)
        .compose(
            id ->
                undeployOnFailure(
                    vertx,
                    id,
                    ownership[0]
                        .firstAssignment()
                        .timeout(FIRST_ASSIGNMENT_LIMIT.toMillis(), TimeUnit.MILLISECONDS),
                    "no partitions assigned to group "
                        + EngineConfig.SERVICE
                        + " within "
                        + FIRST_ASSIGNMENT_LIMIT))
        .compose(
            id ->
                undeployOnFailure(
                    vertx,
                    id,
                    k.globalRead(),
                    "the state topic "
                        + stateTopic.topic()
                        + " was not read to its end within "
                        + GLOBAL_VIEW_LIMIT))
        .onSuccess(
            id -> {
              TimeoutPlanner planner = new TimeoutPlanner(config.timeoutWarnBefore());
              timer[0] =
                  vertx.setPeriodic(
                      config.timeoutTick().toMillis(),
                      t ->
                          engine
                              .tick(planner, decisions, clock.instant())
                              .onFailure(x -> LOG.warn("timeout policy: {}", x.toString())));
            })
        .<EngineService>compose(
            id ->
                vertx
                    .createHttpServer(
                        new HttpServerOptions()
                            .setHost(config.httpHost())
                            .setPort(config.httpPort()))
                    .requestHandler(api.router(vertx))
                    .listen()
                    .map(http -> new EngineService(vertx, publisher, podExec, id, http, parts))
                    .recover(
                        t ->
                            vertx
                                .undeploy(id)
                                .transform(ignored -> Future.<EngineService>failedFuture(t))))
        .compose(
            s ->
                s.startWebhook(config, cache, decisions, clock, client, kube)
                    .map(s)
                    .recover(
                        t -> s.stop().transform(ignored -> Future.<EngineService>failedFuture(t))))
        .onSuccess(
            s ->
                LOG.info(
                    "breakpoint engine started: API on {}:{}, users {}, topics {} and {}",
                    config.httpHost(),
                    s.httpPort(),
                    config.tokens().users(),
                    config.kafka().topics().observations(),
                    config.kafka().topics().commands()))
        .onFailure(
            t -> {
              if (timer[0] >= 0) {
                vertx.cancelTimer(timer[0]);
              }
              closeTails(vertx, parts.tails());
              podExec.close();
              patcher.close();
              ephemeral.close();
              kube.close();
              if (cache != null) {
                cache.close();
              }
              publisher.closeAsync();
            });
  }

  private Future<Void> startWebhook(
      EngineConfig config,
      InformerRunCache cache,
      EventFactory decisions,
      Clock clock,
      KubernetesClient client,
      WorkerExecutor kube) {
    EngineConfig.Webhook w = config.webhook();
    if (w == null) {
      return Future.succeededFuture();
    }
    AdmissionReporter reporter =
        new AdmissionReporter(
            decisions, clock, publisher::publish, config.kubernetesEvents() ? client : null, kube);
    return Future.fromCompletionStage(cache.start())
        .compose(
            v ->
                vertx
                    .createHttpServer(
                        new HttpServerOptions()
                            .setHost(w.host())
                            .setPort(w.port())
                            .setSsl(true)
                            .setKeyCertOptions(
                                new PemKeyCertOptions()
                                    .setCertPath(w.certFile())
                                    .setKeyPath(w.keyFile())))
                    .requestHandler(
                        new AdmissionWebhook(cache, reporter, config.namespaces()).router(vertx))
                    .listen())
        .onSuccess(
            server -> {
              webhook = server;
              LOG.info(
                  "admission webhook on https://{}:{}{}",
                  w.host(),
                  server.actualPort(),
                  AdmissionWebhook.PATH);
            })
        .mapEmpty();
  }

  /** Stops following the state and decisions topics (on a worker: it joins their threads). */
  private static Future<Void> closeTails(Vertx vertx, List<TopicTail> tails) {
    return vertx
        .executeBlocking(
            () -> {
              tails.forEach(TopicTail::close);
              return null;
            },
            false)
        .mapEmpty();
  }

  /** The port the admission webhook listens on, or -1 when it is not served. */
  public int webhookPort() {
    return webhook == null ? -1 : webhook.actualPort();
  }

  /** The port the HTTP API listens on (the actual one when configured 0). */
  public int httpPort() {
    return http.actualPort();
  }

  /** Stops the API, then the consumer (committing what was handled), then the publisher. */
  @Override
  public Future<Void> stop() {
    if (parts.timer()[0] >= 0) {
      vertx.cancelTimer(parts.timer()[0]);
    }
    return (webhook == null ? Future.<Void>succeededFuture() : webhook.close())
        .eventually(http::close)
        .eventually(() -> vertx.undeploy(consumerDeployment))
        .eventually(() -> closeTails(vertx, parts.tails()))
        .eventually(publisher::closeAsync)
        .eventually(
            () -> {
              podExec.close();
              parts.patcher().close();
              parts.ephemeral().close();
              parts.kube().close();
              if (parts.cache() != null) {
                parts.cache().close();
              }
              return Future.succeededFuture();
            })
        .mapEmpty();
  }
}
