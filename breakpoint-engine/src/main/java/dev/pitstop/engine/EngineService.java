package dev.pitstop.engine;

import dev.pitstop.engine.actuation.PodExec;
import dev.pitstop.engine.api.BreakpointApi;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.events.EventFactory;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The breakpoint engine, composed: consumes the observations and commands topics (group {@code
 * breakpoint-engine}), decides with {@link BreakpointBook}, publishes decisions, releases steps by
 * exec through fabric8, and serves {@link BreakpointApi}.
 *
 * <p>What it does not do yet: keep state across restarts (issue #3, a compacted topic), authorize
 * commands per namespace (issue #3, SubjectAccessReview), PipelineRun-level breakpoints.
 */
public final class EngineService implements PitstopService {
  private static final Logger LOG = LoggerFactory.getLogger(EngineService.class);

  private final Vertx vertx;
  private final EventPublisher publisher;
  private final PodExec podExec;
  private final String consumerDeployment;
  private final HttpServer http;

  private EngineService(
      Vertx vertx,
      EventPublisher publisher,
      PodExec podExec,
      String consumerDeployment,
      HttpServer http) {
    this.vertx = vertx;
    this.publisher = publisher;
    this.podExec = podExec;
    this.consumerDeployment = consumerDeployment;
    this.http = http;
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
    Clock clock = Clock.systemUTC();
    EventPublisher publisher =
        new EventPublisher(vertx, config.kafka(), EngineConfig.SERVICE + "-" + config.cluster());
    PodExec podExec = new PodExec(vertx, client, config.execTimeout());
    BreakpointEngine engine =
        new BreakpointEngine(
            new BreakpointBook(new EventFactory(config.cluster(), EngineConfig.SERVICE), clock),
            new EventFactory(config.cluster(), EngineConfig.SERVICE + "-api"),
            clock,
            publisher::publish,
            podExec);
    EventConsumer consumer =
        new EventConsumer(
            config.kafka(),
            EventConsumer.topics(
                config.kafka().topics().observations(), config.kafka().topics().commands()),
            EngineConfig.SERVICE,
            publisher,
            engine::handle);
    BreakpointApi api = new BreakpointApi(engine, config.tokens());
    return vertx
        .deployVerticle(consumer)
        .<EngineService>compose(
            id ->
                vertx
                    .createHttpServer(
                        new HttpServerOptions()
                            .setHost(config.httpHost())
                            .setPort(config.httpPort()))
                    .requestHandler(api.router(vertx))
                    .listen()
                    .map(http -> new EngineService(vertx, publisher, podExec, id, http))
                    .recover(
                        t ->
                            vertx
                                .undeploy(id)
                                .transform(ignored -> Future.<EngineService>failedFuture(t))))
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
              podExec.close();
              publisher.closeAsync();
            });
  }

  /** The port the HTTP API listens on (the actual one when configured 0). */
  public int httpPort() {
    return http.actualPort();
  }

  /** Stops the API, then the consumer (committing what was handled), then the publisher. */
  @Override
  public Future<Void> stop() {
    return http.close()
        .eventually(() -> vertx.undeploy(consumerDeployment))
        .eventually(publisher::closeAsync)
        .eventually(
            () -> {
              podExec.close();
              return Future.succeededFuture();
            })
        .mapEmpty();
  }
}
