package dev.pitstop.watcher;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.runtime.kafka.EventPublisher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands observations to Kafka from any thread (informer and log threads): every send runs on one
 * Vert.x context, in the order handed in, through the idempotent {@link EventPublisher}. A send the
 * broker does not acknowledge is retried with backoff (1 s doubling to 30 s) until it is or the
 * watcher stops. A retried event may then land after later events of its run: its {@code time} (the
 * cluster's) still tells when the fact happened.
 */
final class ObservationPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(ObservationPublisher.class);
  private static final long FIRST_BACKOFF_MS = 1_000;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Vertx vertx;
  private final Context context;
  private final EventPublisher publisher;
  private volatile boolean stopped;

  ObservationPublisher(Vertx vertx, Context context, EventPublisher publisher) {
    this.vertx = vertx;
    this.context = context;
    this.publisher = publisher;
  }

  /**
   * Queues events for sending, in order; returns at once.
   *
   * @param gate checked before every send and retry: once false, these events are dropped (a
   *     watcher that lost its leadership must not publish what it queued while leading)
   */
  void publish(List<PitstopEvent> events, BooleanSupplier gate) {
    if (events.isEmpty() || stopped || !gate.getAsBoolean()) {
      return;
    }
    context.runOnContext(v -> events.forEach(e -> send(e, gate, FIRST_BACKOFF_MS)));
  }

  private void send(PitstopEvent e, BooleanSupplier gate, long backoff) {
    if (stopped || !gate.getAsBoolean()) {
      return;
    }
    LOG.debug("Observed {} {} {} at {}", e.id(), e.type().type(), e.subject(), e.time());
    Future<Void> sent = publisher.publish(e);
    sent.onFailure(
        err -> {
          if (stopped) {
            return;
          }
          LOG.warn(
              "Publishing {} {} failed, retrying in {} ms: {}",
              e.id(),
              e.subject(),
              backoff,
              err.toString());
          vertx.setTimer(backoff, id -> send(e, gate, Math.min(backoff * 2, MAX_BACKOFF_MS)));
        });
  }

  /** Stops sending and retrying; then closes the producer (flushing what was sent). */
  Future<Void> stop() {
    stopped = true;
    return publisher.closeAsync();
  }
}
