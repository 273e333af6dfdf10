package dev.pitstop.notifier.delivery;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.notifier.routing.Endpoint;

/**
 * Told what became of each delivery, on the queue's context: the notifier publishes delivery
 * results and records delivered ids from here. Must not block or throw.
 */
public interface DeliveryListener {
  /** Does nothing. */
  DeliveryListener NONE = new DeliveryListener() {};

  /** The endpoint took the event on attempt {@code attempts}. */
  default void delivered(PitstopEvent e, Endpoint endpoint, int attempts, AttemptResult result) {}

  /** Attempt {@code attempt} failed; another attempt follows. */
  default void failed(PitstopEvent e, Endpoint endpoint, int attempt, AttemptResult result) {}

  /**
   * The delivery was given up and dead-lettered.
   *
   * @param last the last attempt's result, or null when no attempt was made
   */
  default void deadLettered(
      PitstopEvent e, Endpoint endpoint, int attempts, String reason, AttemptResult last) {}
}
