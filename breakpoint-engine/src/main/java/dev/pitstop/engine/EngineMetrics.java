package dev.pitstop.engine;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.TopicKind;
import dev.pitstop.events.data.Command;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * The engine's own metrics ({@link PitstopMetrics}): {@code pitstop_breakpoints_paused} (steps
 * waiting at a breakpoint, read from {@link BreakpointEngine#waiting()} on each scrape) and {@code
 * pitstop_decision_latency_seconds}, recorded for each decision (an event of the decisions topic)
 * published while the consumer handles an event: the time from that event's CloudEvent {@code time}
 * to the decision's publication. Decisions of the HTTP API or the timeout timer published while no
 * event is being handled are not recorded; one published by them while an event is being handled is
 * counted against that event (the consumer handles one event at a time).
 *
 * <p>Also the stages {@code consumed} and {@code decided} of {@code
 * pitstop_release_latency_seconds} for each consumed command (from its CloudEvent time to its
 * handing to the engine, and to its decision, authorization included), and each command's time by
 * its request id for {@link #commandTime} (the exec stages, {@link
 * dev.pitstop.engine.actuation.PodExec}): at most {@value #COMMANDS_REMEMBERED} commands, each for
 * at most 10 minutes.
 */
final class EngineMetrics {
  static final int COMMANDS_REMEMBERED = 10_000;

  private final PitstopMetrics metrics;
  private final Clock clock;
  private volatile PitstopEvent handling;
  private final com.github.benmanes.caffeine.cache.Cache<String, Instant> commandTimes =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .maximumSize(COMMANDS_REMEMBERED)
          .expireAfterWrite(Duration.ofMinutes(10))
          .executor(Runnable::run)
          .build();

  EngineMetrics(PitstopMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Registers the paused-breakpoints gauge of {@code engine}. */
  void watch(BreakpointEngine engine) {
    metrics.pausedBreakpoints(() -> engine.waiting().size());
  }

  /** Wraps the consumer's deferred-commit handler: remembers the event being decided. */
  Function<PitstopEvent, dev.pitstop.runtime.kafka.EventConsumer.Handling> deferred(
      Function<PitstopEvent, dev.pitstop.runtime.kafka.EventConsumer.Handling> handler) {
    return e -> {
      handling = e;
      boolean command = e.data() instanceof Command && e.time() != null;
      if (command) {
        commandTimes.put(((Command) e.data()).requestId(), e.time());
        metrics.releaseLatency("consumed", Duration.between(e.time(), clock.instant()));
      }
      dev.pitstop.runtime.kafka.EventConsumer.Handling h;
      try {
        h = handler.apply(e);
      } catch (RuntimeException ex) {
        handling = null;
        throw ex;
      }
      h.processed().onComplete(ar -> handling = null);
      if (command) {
        h.processed()
            .onSuccess(
                v ->
                    metrics.releaseLatency("decided", Duration.between(e.time(), clock.instant())));
      }
      return h;
    };
  }

  /** The CloudEvent time of the consumed command {@code requestId}, or null when not known. */
  Instant commandTime(String requestId) {
    return requestId == null ? null : commandTimes.getIfPresent(requestId);
  }

  /** The registry's metrics. */
  PitstopMetrics metrics() {
    return metrics;
  }

  /** Wraps the decisions' publisher: records the latency of each decision. */
  Function<PitstopEvent, Future<Void>> publisher(Function<PitstopEvent, Future<Void>> publish) {
    return e -> {
      PitstopEvent cause = handling;
      return publish
          .apply(e)
          .onSuccess(
              v -> {
                if (cause != null
                    && cause.time() != null
                    && e.type().topicKind() == TopicKind.DECISIONS) {
                  metrics.decisionLatency(Duration.between(cause.time(), clock.instant()));
                }
              });
    };
  }
}
