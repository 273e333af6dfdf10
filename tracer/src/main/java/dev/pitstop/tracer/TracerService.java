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
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.semconv.ServiceAttributes;
import io.opentelemetry.semconv.incubating.K8sIncubatingAttributes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracer's composition: consumes observations and decisions (group {@value
 * TracerConfig#GROUP}), assembles each root run's spans ({@link TraceAssembler}) and exports them
 * over OTLP/HTTP. A periodic check exports runs whose grace period ran out.
 *
 * <p>Durable: the consumer commits with {@link EventConsumer#deferred}; every event of a root run
 * is held (its offset not committed) until the run's last export succeeded, so a restart replays
 * the events of every run not fully exported and re-exports the same ids (the spans of finished
 * parts exported before the restart are exported again, identical). Progress exports (finished
 * parts of runs still going) are best effort: one that fails or finds the queue full is dropped and
 * its spans go out with the run's last export, which is retried with backoff until it succeeds or
 * the tracer stops.
 *
 * <p>Bounded under a flood: last exports enter the export queue in the order the runs ended ({@link
 * TraceExport#exportInOrder}), never starving the oldest (which holds its partition's commit
 * watermark), and the consumer takes no next event while one waits for room ({@link
 * TraceExport#room()}), so consumption follows the exporter's pace.
 */
public final class TracerService implements PitstopService {
  private static final Logger LOG = LoggerFactory.getLogger(TracerService.class);
  private static final Duration MAX_TICK = Duration.ofSeconds(1);
  private static final Duration MIN_TICK = Duration.ofMillis(100);
  private static final Duration MAX_RETRY = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final EventPublisher deadLetters;
  private final TraceExport export;
  private final TraceAssembler assembler;
  private final Clock clock;
  private final Object lock = new Object();
  private final Map<String, List<Promise<Void>>> holds = new HashMap<>();
  private final Map<String, List<InFlight>> inFlight = new HashMap<>();
  private volatile boolean stopping;
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
   * (protobuf) or, with {@code TRACER_OTLP_PROTOCOL=grpc}, {@code OtlpGrpcSpanExporter} (OkHttp's
   * HTTP/2 sender, h2c for {@code http://}); 10 s timeout, OpenTelemetry's default retry policy
   * (HTTP 429/502/503/504; gRPC UNAVAILABLE, RESOURCE_EXHAUSTED, ...).
   *
   * @return completes once the consumer is subscribed; fails with the cause when it cannot
   */
  public static Future<TracerService> start(Vertx vertx, TracerConfig config) {
    return start(vertx, config, exporter(config));
  }

  /** The OTLP exporter the configuration asks for. */
  static SpanExporter exporter(TracerConfig config) {
    return switch (config.otlpProtocol()) {
      case HTTP_PROTOBUF ->
          OtlpHttpSpanExporter.builder()
              .setEndpoint(config.otlpEndpoint().toString())
              .setTimeout(Duration.ofSeconds(10))
              .setRetryPolicy(RetryPolicy.getDefault())
              .build();
      case GRPC ->
          OtlpGrpcSpanExporter.builder()
              .setEndpoint(config.otlpEndpoint().toString())
              .setTimeout(Duration.ofSeconds(10))
              .setRetryPolicy(RetryPolicy.getDefault())
              .build();
    };
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
            config.maxOpenRuns(),
            config.maxIdle());
    EventPublisher deadLetters =
        new EventPublisher(vertx, config.kafka(), config.consumerGroup() + "-deadletter");
    TraceExport export =
        new TraceExport(vertx, exporter, config.exportQueueSpans(), config.exportBatchSpans());
    TracerService service =
        new TracerService(vertx, deadLetters, export, assembler, Clock.systemUTC());
    EventConsumer consumer =
        EventConsumer.deferred(
            config.kafka(),
            EventConsumer.topics(
                config.kafka().topics().observations(), config.kafka().topics().decisions()),
            config.consumerGroup(),
            deadLetters,
            service::onEvent);
    // Observations and decisions the tracer ignores (breakpoint reached, pending TaskRuns,
    // deliveries, warnings, rejections) are skipped undecoded: decoding is most of its loop.
    consumer.onlyTypes(TraceAssembler.RELEVANT);
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
                  "tracer started: group {}, topics {} and {}, exporting over {} to {}, grace {}",
                  config.consumerGroup(),
                  config.kafka().topics().observations(),
                  config.kafka().topics().decisions(),
                  config.otlpProtocol().value(),
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

  private EventConsumer.Handling onEvent(PitstopEvent e) {
    if (!TraceAssembler.relevant(e)) {
      return EventConsumer.Handling.done();
    }
    Promise<Void> durable = Promise.promise();
    List<FinishedTrace> out;
    synchronized (lock) {
      // Held until the root's last export succeeded: a restart before replays the record.
      holds.computeIfAbsent(e.partitionKey(), k -> new ArrayList<>()).add(durable);
      out = assembler.accept(e, clock.instant());
      releaseEvicted();
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} {}: {} exports", e.id(), e.type().type(), e.subject(), out.size());
    }
    out.forEach(this::export);
    // Backpressure: the next event waits while a last export waits for room in the queue.
    return new EventConsumer.Handling(onThisContext(export.room()), durable.future());
  }

  /**
   * {@code f}, completing on the calling (consumer's) context: room is made by export callbacks on
   * other event loops (the expiry timer's), and the consumer's next event must not run there (its
   * in-flight count and offsets are confined to its context; handled on another thread they raced,
   * and the consumer stalled paused).
   */
  private static Future<Void> onThisContext(Future<Void> f) {
    if (f.isComplete()) {
      return f;
    }
    io.vertx.core.Context ctx = Vertx.currentContext();
    if (ctx == null) {
      return f;
    }
    Promise<Void> p = Promise.promise();
    f.onComplete(ar -> ctx.runOnContext(v -> p.handle(ar)));
    return p.future();
  }

  private void onTick() {
    List<FinishedTrace> due;
    synchronized (lock) {
      due = assembler.expire(clock.instant());
    }
    due.forEach(this::export);
  }

  /** Records of roots dropped unexported (too many open) are released: they are lost, logged. */
  private void releaseEvicted() {
    for (String root : assembler.drainEvicted()) {
      List<Promise<Void>> h = holds.remove(root);
      if (h != null) {
        LOG.warn("root {} dropped unexported ({} events released)", root, h.size());
        h.forEach(Promise::tryComplete);
      }
    }
  }

  private record InFlight(FinishedTrace trace, Future<Void> done) {}

  private void export(FinishedTrace t) {
    if (!t.last()) {
      Future<Void> f = export.export(t);
      InFlight pending = new InFlight(t, f);
      synchronized (lock) {
        inFlight.computeIfAbsent(t.rootUid(), k -> new ArrayList<>()).add(pending);
      }
      f.onComplete(
              ar -> {
                synchronized (lock) {
                  List<InFlight> l = inFlight.get(t.rootUid());
                  if (l != null) {
                    l.remove(pending);
                    if (l.isEmpty()) {
                      inFlight.remove(t.rootUid());
                    }
                  }
                }
              })
          .onSuccess(
              v -> {
                synchronized (lock) {
                  assembler.confirm(t.rootUid(), t.spans());
                }
              })
          .onFailure(
              x ->
                  LOG.debug(
                      "progress export of {} not done ({}): its spans go with the last export",
                      t.run(),
                      x.getMessage()));
      return;
    }
    List<Promise<Void>> h;
    List<InFlight> pending;
    synchronized (lock) {
      h = holds.remove(t.rootUid());
      pending = inFlight.remove(t.rootUid());
    }
    List<Promise<Void>> held = h == null ? List.of() : h;
    if (pending == null || pending.isEmpty()) {
      exportLast(t, Future.succeededFuture(t), held, 0);
      return;
    }
    // Progress exports of this root still in flight (ahead in the export queue): not repeated
    // unless they fail. The last export takes its place in line now and is completed then.
    java.util.Set<String> flying = new java.util.HashSet<>();
    pending.forEach(p -> p.trace().spans().forEach(s -> flying.add(s.getSpanId())));
    List<SpanData> spans =
        new ArrayList<>(t.spans().stream().filter(s -> !flying.contains(s.getSpanId())).toList());
    Future<FinishedTrace> whole =
        Future.join(pending.stream().map(InFlight::done).toList())
            .transform(
                ar -> {
                  java.util.Set<String> ids = new java.util.HashSet<>();
                  spans.forEach(s -> ids.add(s.getSpanId()));
                  for (InFlight p : pending) {
                    if (p.done().failed()) {
                      p.trace().spans().stream()
                          .filter(s -> ids.add(s.getSpanId()))
                          .forEach(spans::add);
                    }
                  }
                  return Future.succeededFuture(
                      new FinishedTrace(
                          t.rootUid(), t.traceId(), t.run(), spans, t.complete(), true));
                });
    exportLast(t, whole, held, 0);
  }

  /**
   * Exports a root's last spans in line ({@link TraceExport#exportInOrder}), retrying exporter
   * failures with backoff; then its events are durable.
   *
   * @param t the last export as the assembler made it (for logs)
   * @param whole what is exported: {@code t} less the spans its successful progress exports carried
   */
  private void exportLast(
      FinishedTrace t, Future<FinishedTrace> whole, List<Promise<Void>> held, int attempt) {
    export
        .exportInOrder(whole)
        .onSuccess(v -> held.forEach(Promise::tryComplete))
        .onFailure(
            x -> {
              if (stopping) {
                LOG.warn(
                    "tracer stopping: trace {} of {} not exported; its events stay uncommitted"
                        + " and are replayed on restart",
                    t.traceId(),
                    t.run());
                return;
              }
              long delay = retryDelayMs(attempt);
              LOG.warn(
                  "trace {} of {} not exported (attempt {}): {}; retrying in {} ms",
                  t.traceId(),
                  t.run(),
                  attempt + 1,
                  x.getMessage(),
                  delay);
              vertx.setTimer(delay, id -> exportLast(t, whole, held, attempt + 1));
            });
  }

  /**
   * How long before a root's last export that the exporter failed is tried again, in ms: 1 s
   * doubling up to 1 min. (A full queue is not a failure: the export waits in order for room.)
   *
   * @param attempt failed exporter attempts so far (0 for the first)
   */
  static long retryDelayMs(int attempt) {
    return Math.min(MAX_RETRY.toMillis(), 1000L << Math.min(attempt, 6));
  }

  /** Stops consuming, waits for exports in flight, and shuts the exporter down. */
  @Override
  public Future<Void> stop() {
    stopping = true;
    export.stopHolding(); // the consumer's last event must not wait for room while it stops
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
      LOG.info(
          "tracer stopping with {} runs still being collected: their events stay uncommitted and"
              + " are replayed on restart",
          open);
    }
    return undeploy
        .eventually(export::shutdown)
        .eventually(deadLetters::closeAsync)
        .onComplete(ar -> LOG.info("tracer stopped"));
  }
}
