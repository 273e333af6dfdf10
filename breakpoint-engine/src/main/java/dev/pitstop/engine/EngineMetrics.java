package dev.pitstop.engine;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.TopicKind;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * The engine's own metrics ({@link PitstopMetrics}): {@code pitstop_breakpoints_paused} (steps
 * waiting at a breakpoint, read from {@link BreakpointEngine#waiting()} on each scrape) and {@code
 * pitstop_decision_latency_seconds}, recorded for each decision (an event of the decisions topic)
 * published while the consumer handles an event: the time from that event's CloudEvent {@code time}
 * to the decision's publication. Decisions of the HTTP API or the timeout timer published while no
 * event is being handled are not recorded; one published by them while an event is being handled is
 * counted against that event (the consumer handles one event at a time).
 */
final class EngineMetrics {
  private final PitstopMetrics metrics;
  private final Clock clock;
  private volatile PitstopEvent handling;

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
      dev.pitstop.runtime.kafka.EventConsumer.Handling h;
      try {
        h = handler.apply(e);
      } catch (RuntimeException ex) {
        handling = null;
        throw ex;
      }
      h.processed().onComplete(ar -> handling = null);
      return h;
    };
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
