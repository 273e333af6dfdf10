package dev.pitstop.notifier.delivery;

import java.time.Duration;

/** What to do after a delivery attempt, as decided by {@link RetryPolicy}. Pure data. */
public sealed interface RetryDecision {
  /** The endpoint has the event: deliver the next one. */
  record Done() implements RetryDecision {}

  /**
   * Try again after a delay.
   *
   * @param delay how long to wait before the next attempt
   * @param nextAttempt the number of the next attempt (2 for the first retry)
   */
  record Retry(Duration delay, int nextAttempt) implements RetryDecision {}

  /**
   * Stop trying: the event goes to the dead-letter topic.
   *
   * @param reason why, naming the last result and the number of attempts
   * @param attempts how many attempts were made
   */
  record GiveUp(String reason, int attempts) implements RetryDecision {}
}
