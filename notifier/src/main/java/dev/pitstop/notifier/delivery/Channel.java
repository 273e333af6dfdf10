package dev.pitstop.notifier.delivery;

import dev.pitstop.events.PitstopEvent;
import io.vertx.core.Future;

/**
 * Carries one event to one endpoint, once: a webhook POST today, a Slack message later. Retries are
 * not the channel's business ({@link EndpointQueue} does them).
 */
public interface Channel {
  /**
   * Makes one attempt.
   *
   * @return a future completed with the attempt's result on the caller's context; it does not fail
   *     (a connection error is {@link AttemptResult.Unreachable})
   */
  Future<AttemptResult> send(PitstopEvent event);
}
