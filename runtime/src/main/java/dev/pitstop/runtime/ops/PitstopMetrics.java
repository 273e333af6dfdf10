package dev.pitstop.runtime.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Pitstop's metrics, kept in a Micrometer {@link PrometheusMeterRegistry} and served by {@link
 * ManagementServer} at {@code /metrics} in Prometheus text format. One instance per Vert.x ({@link
 * Ops#of}); in a service's container that is one per process. Names as Prometheus shows them (all
 * documented in docs/configuration.md, "Metrics"):
 *
 * <ul>
 *   <li>{@code pitstop_events_consumed_total{consumer,type}}: events handed to a consumer's handler
 *       (decoded, not a repeat);
 *   <li>{@code pitstop_events_published_total{type}}: events the broker acknowledged;
 *   <li>{@code pitstop_events_repeated_total{consumer}}: events dropped as already handled;
 *   <li>{@code pitstop_events_deadlettered_total{consumer,reason}}: records sent to the dead-letter
 *       topic, {@code reason} {@code malformed} or {@code handler_failed};
 *   <li>{@code pitstop_events_not_durable_total{consumer}}: events whose deferred effects could not
 *       be made durable (their offsets stay uncommitted until a restart replays them);
 *   <li>{@code pitstop_consumer_lag_records{consumer,topic,partition}}: records behind the end of
 *       each assigned partition (the Kafka consumer's {@code records-lag}, refreshed every 5 s);
 *   <li>{@code pitstop_decision_latency_seconds} (histogram, engine): from the CloudEvent time of
 *       the event a decision answers to the decision's publication;
 *   <li>{@code pitstop_delivery_latency_seconds{outcome}} (histogram, notifier): from the
 *       CloudEvent time of the event to its delivery ({@code delivered}) or giving up ({@code
 *       deadlettered});
 *   <li>{@code pitstop_breakpoints_paused} (gauge, engine): steps waiting at a breakpoint;
 *   <li>{@code pitstop_slack_rate_limited_total{method}} (notifier): Slack answers 429;
 *   <li>{@code pitstop_kubernetes_request_seconds{call,outcome}} (histogram, engine): the engine's
 *       Kubernetes calls on the release path, from the worker starting the call to its answer;
 *       {@code call} {@code tokenreview}, {@code subjectaccessreview} or {@code exec} (until the
 *       API server accepted the {@code pods/exec} websocket, not the command's run), {@code
 *       outcome} {@code ok} (an answer, allowed or not) or {@code error} (no answer);
 *   <li>{@code pitstop_auth_reviews_total{review,result}} (engine): reviews asked of the engine's
 *       review cache, {@code review} {@code tokenreview} or {@code subjectaccessreview}, {@code
 *       result} {@code hit} (answered from the cache or from a request already under way) or {@code
 *       miss} (a request was made);
 *   <li>{@code pitstop_release_latency_seconds{stage}} (histogram, engine): from a release
 *       command's CloudEvent time (set by the API when it accepted the request) to a stage of its
 *       handling: {@code consumed} (handed to the engine's handler: the Kafka hop), {@code decided}
 *       (authorized and decided), {@code exec_started} (a worker began the exec), {@code
 *       exec_opened} (the API server accepted the exec).
 * </ul>
 */
public final class PitstopMetrics {
  /** Histogram buckets of the latencies: 5 ms to 5 min. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofMinutes(5)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** The registry, for meters of a service's own. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Everything in Prometheus text exposition format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * The counters of the per-event calls, by consumer (and type): building and registering a meter
   * per event (a registry lookup hashing its tags) was ~5% of a consumer's event loop (JFR, {@code
   * pitstop bench} part 2).
   */
  private final java.util.Map<String, java.util.Map<String, Counter>> consumedCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.Map<String, java.util.Map<String, Counter>> skippedCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final java.util.Map<String, Counter> repeatedCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** One event handed to {@code consumer}'s handler. */
  public void consumed(String consumer, String type) {
    perConsumerAndType(
            consumedCounters,
            "pitstop.events.consumed",
            "Events handed to a consumer's handler (decoded, not a repeat)",
            consumer,
            type)
        .increment();
  }

  /** The counter {@code name} of one consumer and event type, built once and then kept. */
  private Counter perConsumerAndType(
      java.util.Map<String, java.util.Map<String, Counter>> kept,
      String name,
      String description,
      String consumer,
      String type) {
    return kept.computeIfAbsent(consumer, c -> new java.util.concurrent.ConcurrentHashMap<>())
        .computeIfAbsent(
            type,
            t ->
                Counter.builder(name)
                    .description(description)
                    .tags("consumer", consumer, "type", type)
                    .register(registry));
  }

  /**
   * One record {@code consumer} left undecoded: its {@code ce_type} names a type the consumer does
   * not act on ({@code EventConsumer#onlyTypes}).
   */
  public void skipped(String consumer, String type) {
    perConsumerAndType(
            skippedCounters,
            "pitstop.events.skipped",
            "Records a consumer left undecoded: of a type it does not act on (ce_type)",
            consumer,
            type)
        .increment();
  }

  /** One event acknowledged by the broker. */
  public void published(String type) {
    Counter.builder("pitstop.events.published")
        .description("Events published (acknowledged by the broker)")
        .tags("type", type)
        .register(registry)
        .increment();
  }

  private final java.util.Map<String, Counter> notDurableCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * One event whose deferred effects (decisions, state, an export) {@code consumer} could not make
   * durable: its offset stays uncommitted until a restart replays it.
   */
  public void notDurable(String consumer) {
    notDurableCounters
        .computeIfAbsent(
            consumer,
            c ->
                Counter.builder("pitstop.events.not.durable")
                    .description(
                        "Events whose effects could not be made durable (offset left uncommitted)")
                    .tags("consumer", consumer)
                    .register(registry))
        .increment();
  }

  /** One event dropped by {@code consumer} as already handled. */
  public void repeated(String consumer) {
    repeatedCounters
        .computeIfAbsent(
            consumer,
            c ->
                Counter.builder("pitstop.events.repeated")
                    .description("Events dropped as already handled (same id)")
                    .tags("consumer", consumer)
                    .register(registry))
        .increment();
  }

  /**
   * One record dead-lettered by {@code consumer}.
   *
   * @param reason {@code malformed} or {@code handler_failed}
   */
  public void deadLettered(String consumer, String reason) {
    Counter.builder("pitstop.events.deadlettered")
        .description("Records sent to the dead-letter topic")
        .tags("consumer", consumer, "reason", reason)
        .register(registry)
        .increment();
  }

  /** The consumer-lag gauge of one consumer (one row per assigned partition). */
  MultiGauge lag(String consumer) {
    return MultiGauge.builder("pitstop.consumer.lag.records")
        .description("Records behind the end of each assigned partition")
        .tag("consumer", consumer)
        .register(registry);
  }

  /**
   * Replaces {@code consumer}'s lag rows.
   *
   * @param rows per partition: topic, partition and lag in records
   */
  public void lag(String consumer, List<Lag> rows) {
    lags.computeIfAbsent(consumer, this::lag)
        .register(
            rows.stream()
                .map(
                    r ->
                        MultiGauge.Row.of(
                            Tags.of(
                                "topic", r.topic(), "partition", Integer.toString(r.partition())),
                            r.records()))
                .toList(),
            true);
  }

  private final java.util.Map<String, MultiGauge> lags =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * One partition's lag.
   *
   * @param records records between the consumer's position and the partition's end
   */
  public record Lag(String topic, int partition, double records) {}

  /** The engine's decision latency (see the class comment). */
  public void decisionLatency(Duration d) {
    latency("pitstop.decision.latency", "From an event's time to the decision answering it")
        .register(registry)
        .record(d.isNegative() ? Duration.ZERO : d);
  }

  /**
   * The notifier's delivery latency (see the class comment).
   *
   * @param outcome {@code delivered} or {@code deadlettered}
   */
  public void deliveryLatency(String outcome, Duration d) {
    latency("pitstop.delivery.latency", "From an event's time to its delivery or giving up")
        .tag("outcome", outcome)
        .register(registry)
        .record(d.isNegative() ? Duration.ZERO : d);
  }

  private final java.util.Map<String, Timer> kubernetesTimers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, Timer> releaseTimers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, Counter> reviewCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * One Kubernetes call of the engine's release path (see the class comment).
   *
   * @param call {@code tokenreview}, {@code subjectaccessreview} or {@code exec} (a fixed name)
   * @param ok whether the call got an answer
   */
  public void kubernetesRequest(String call, boolean ok, Duration d) {
    String outcome = ok ? "ok" : "error";
    kubernetesTimers
        .computeIfAbsent(
            call + "/" + outcome,
            k ->
                latency(
                        "pitstop.kubernetes.request",
                        "The engine's Kubernetes calls on the release path")
                    .tags("call", call, "outcome", outcome)
                    .register(registry))
        .record(d.isNegative() ? Duration.ZERO : d);
  }

  /**
   * One stage of a release command (see the class comment).
   *
   * @param stage {@code consumed}, {@code decided}, {@code exec_started} or {@code exec_opened}
   * @param sinceCommand from the command's CloudEvent time to the stage
   */
  public void releaseLatency(String stage, Duration sinceCommand) {
    releaseTimers
        .computeIfAbsent(
            stage,
            k ->
                latency("pitstop.release.latency", "From a release command's time to a stage")
                    .tag("stage", stage)
                    .register(registry))
        .record(sinceCommand.isNegative() ? Duration.ZERO : sinceCommand);
  }

  /**
   * One review asked of the engine's review cache (see the class comment).
   *
   * @param review {@code tokenreview} or {@code subjectaccessreview}
   * @param hit true when no request was made for it
   */
  public void authReview(String review, boolean hit) {
    String result = hit ? "hit" : "miss";
    reviewCounters
        .computeIfAbsent(
            review + "/" + result,
            k ->
                Counter.builder("pitstop.auth.reviews")
                    .description("Reviews asked of the engine's review cache")
                    .tags("review", review, "result", result)
                    .register(registry))
        .increment();
  }

  private static Timer.Builder latency(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .minimumExpectedValue(LATENCY_BUCKETS[0])
        .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]);
  }

  /**
   * The paused-breakpoints gauge, read on each scrape (on the scraping thread: {@code paused} must
   * be thread-safe); replaces an earlier one.
   */
  public void pausedBreakpoints(Supplier<Number> paused) {
    // A service restarted on the same Vert.x replaces the gauge rather than keep the old one.
    registry.find("pitstop.breakpoints.paused").gauges().forEach(registry::remove);
    Gauge.builder("pitstop.breakpoints.paused", paused)
        .description("Steps waiting at a breakpoint")
        .register(registry);
  }

  /**
   * One Slack API answer 429 (rate limited); for the notifier's Slack client.
   *
   * @param method the Slack method, e.g. {@code chat.postMessage} (a fixed name, not user input)
   */
  public void slackRateLimited(String method) {
    Counter.builder("pitstop.slack.rate.limited")
        .description("Slack API answers 429 (rate limited)")
        .tags("method", method)
        .register(registry)
        .increment();
  }
}
