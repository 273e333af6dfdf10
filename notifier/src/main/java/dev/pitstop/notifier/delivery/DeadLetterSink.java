package dev.pitstop.notifier.delivery;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.notifier.routing.Endpoint;
import io.vertx.core.Future;

/** Where a delivery that was given up goes, so no event is lost silently. */
public interface DeadLetterSink {
  /**
   * Records that {@code event} was not delivered to {@code endpoint}.
   *
   * @param attempts how many attempts were made (0 when none was)
   * @param reason why it was given up
   * @return a future completed once recorded; failed when it could not be (the caller logs it)
   */
  Future<Void> deadLetter(PitstopEvent event, Endpoint endpoint, int attempts, String reason);
}
