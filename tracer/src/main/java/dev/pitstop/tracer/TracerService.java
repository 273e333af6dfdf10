package dev.pitstop.tracer;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.tracer.span.FinishedTrace;
import dev.pitstop.tracer.span.TraceAssembler;
import dev.pitstop.tracer.span.TraceBuilder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.semconv.ServiceAttributes;
import io.opentelemetry.semconv.incubating.K8sIncubatingAttributes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracer's composition: consumes observations and decisions (group {@value
 * TracerConfig#GROUP}), assembles each root run's spans ({@link TraceAssembler}) and exports them
 * over OTLP/HTTP. A periodic check exports runs whose grace period ran out.
 *
 * <p>Not durable yet: the consumer commits events as it takes them in, so a run still being
 * collected when the tracer stops loses what was collected (its trace is not exported).
 */
public final class TracerService implements PitstopService {
  private static final Logger LOG = LoggerFactory.getLogger(TracerService.class);
  private static final Duration MAX_TICK = Duration.ofSeconds(1);
  private static final Duration MIN_TICK = Duration.ofMillis(100);

  private final Vertx vertx;
  private final EventPublisher deadLetters;
  private final TraceExport export;
  private final TraceAssembler assembler;
  private final Clock clock;
  private final Object lock = new Object();
  private String consumerDeployment;
  private long timer = -1;

  private TracerService(
      Vertx vertx,
      EventPublisher deadLetters,
      TraceExport export,
      TraceAssembler assembler,
      Clock clock) {
    this.vertx = vertx;
    this.deadLetters = deadLetters;
    this.export = export;
    this.assembler = assembler;
    this.clock = clock;
  }

  /**
   * Starts the tracer exporting to {@code config.otlpEndpoint()} with {@code OtlpHttpSpanExporter}
   * (protobuf, 10 s timeout, OpenTelemetry's default retry policy for 429/502/503/504).
   *
   * @return completes once the consumer is subscribed; fails with the cause when it cannot
   */
  public static Future<TracerService> start(Vertx vertx, TracerConfig config) {
    SpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(config.otlpEndpoint().toString())
            .setTimeout(Duration.ofSeconds(10))
            .setRetryPolicy(RetryPolicy.getDefault())
            .build();
    return start(vertx, config, exporter);
  }

  /**
   * Starts the tracer exporting through {@code exporter} (which it shuts down on {@link #stop()}).
   */
  public static Future<TracerService> start(
      Vertx vertx, TracerConfig config, SpanExporter exporter) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        ServiceAttributes.SERVICE_NAME,
                        "pitstop-tracer",
                        K8sIncubatingAttributes.K8S_CLUSTER_NAME,
                        config.cluster())));
    TraceAssembler assembler =
        new TraceAssembler(
            new TraceBuilder(resource, config.dashboardUrl()),
            config.finishGrace(),
            config.maxOpenRuns());
    EventPublisher deadLetters =
        new EventPublisher(vertx, config.kafka(), TracerConfig.GROUP + "-deadletter");
    TraceExport export = new TraceExport(vertx, exporter);
    TracerService service =
        new TracerService(vertx, deadLetters, export, assembler, Clock.systemUTC());
    EventConsumer consumer =
        new EventConsumer(
            config.kafka(),
            EventConsumer.topics(
                config.kafka().topics().observations(), config.kafka().topics().decisions()),
            TracerConfig.GROUP,
            deadLetters,
            service::onEvent);
    long tick =
        Math.max(
            MIN_TICK.toMillis(),
            Math.min(MAX_TICK.toMillis(), config.finishGrace().toMillis() / 2));
    return vertx
        .deployVerticle(consumer)
        .map(
            id -> {
              service.consumerDeployment = id;
              service.timer = vertx.setPeriodic(tick, t -> service.onTick());
              LOG.info(
                  "tracer started: topics {} and {}, exporting to {}, grace {}",
                  config.kafka().topics().observations(),
                  config.kafka().topics().decisions(),
                  config.otlpEndpoint(),
                  config.finishGrace());
              return service;
            })
        .recover(
            t ->
                export
                    .shutdown()
                    .eventually(deadLetters::closeAsync)
                    .transform(x -> Future.failedFuture(t)));
  }

  private Future<Void> onEvent(PitstopEvent e) {
    List<FinishedTrace> done;
    synchronized (lock) {
      done = assembler.accept(e, clock.instant());
    }
    LOG.debug("{} {} {}", e.id(), e.type().type(), e.subject());
    done.forEach(export::export);
    return Future.succeededFuture();
  }

  private void onTick() {
    List<FinishedTrace> due;
    synchronized (lock) {
      due = assembler.expire(clock.instant());
    }
    due.forEach(export::export);
  }

  /** Stops consuming, waits for exports in flight, and shuts the exporter down. */
  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    Future<Void> undeploy =
        consumerDeployment == null ? Future.succeededFuture() : vertx.undeploy(consumerDeployment);
    int open;
    synchronized (lock) {
      open = assembler.openRuns();
    }
    if (open > 0) {
      LOG.info("tracer stopping with {} runs still being collected; their traces are lost", open);
    }
    return undeploy
        .eventually(export::shutdown)
        .eventually(deadLetters::closeAsync)
        .onComplete(ar -> LOG.info("tracer stopped"));
  }
}
