package dev.pitstop.notifier.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When to try a delivery again: exponential backoff with jitter, honouring {@code Retry-After}.
 * Pure.
 *
 * <p>After failed attempt {@code n} (1-based) of a retryable result, the next attempt waits a
 * random delay between half and all of {@code min(max, base × 2^(n-1))} ("equal jitter", so many
 * notifiers retrying one endpoint do not hit it in step). When the endpoint sent {@code
 * Retry-After} (RFC 9110 §10.2.3, usually with 429 or 503), the wait is at least that long; if it
 * asks for longer than {@code max}, the delivery gives up instead of holding the endpoint's queue
 * (the event is dead-lettered, not lost). A result that is not retryable gives up at once, as does
 * the {@code maxAttempts}-th failure.
 *
 * @param maxAttempts attempts in all, at least 1 ({@code NOTIFIER_MAX_ATTEMPTS})
 * @param base the backoff after the first failure before jitter, positive ({@code
 *     NOTIFIER_RETRY_BASE})
 * @param max the longest wait between two attempts, at least {@code base} ({@code
 *     NOTIFIER_RETRY_MAX})
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration max) {
  /** 5 attempts, 500 ms doubling, at most 30 s apart. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30));

  /**
   * @throws IllegalArgumentException when a bound is out of range
   */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    if (base == null || base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base must be positive, not " + base);
    }
    if (max == null || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("max " + max + " must be at least base " + base);
    }
  }

  /**
   * The ceiling of the wait after {@code failedAttempts} failures, before jitter: {@code min(max,
   * base × 2^(failedAttempts-1))}.
   *
   * @param failedAttempts at least 1
   */
  public Duration ceiling(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be at least 1");
    }
    int shift = Math.min(failedAttempts - 1, 62);
    long baseMs = base.toMillis();
    long ms = baseMs > (max.toMillis() >> shift) ? max.toMillis() : baseMs << shift;
    return Duration.ofMillis(Math.min(ms, max.toMillis()));
  }

  /**
   * The jittered wait after {@code failedAttempts} failures: uniform in {@code [ceiling/2,
   * ceiling]}, in whole milliseconds.
   */
  public Duration backoff(int failedAttempts, RandomGenerator random) {
    long c = ceiling(failedAttempts).toMillis();
    long half = c / 2;
    return Duration.ofMillis(half + random.nextLong(c - half + 1));
  }

  /**
   * What to do after attempt number {@code attempt} (1-based) came to {@code result}.
   *
   * @param random the source of jitter (seed it in tests)
   */
  public RetryDecision decide(int attempt, AttemptResult result, RandomGenerator random) {
    if (result instanceof AttemptResult.Delivered) {
      return new RetryDecision.Done();
    }
    if (!result.retryable()) {
      return new RetryDecision.GiveUp(result.reason() + " (not retried)", attempt);
    }
    if (attempt >= maxAttempts) {
      return new RetryDecision.GiveUp(
          result.reason() + " (gave up after " + attempt + " attempts)", attempt);
    }
    Duration delay = backoff(attempt, random);
    if (result instanceof AttemptResult.Refused r && r.retryAfter() != null) {
      if (r.retryAfter().compareTo(max) > 0) {
        return new RetryDecision.GiveUp(
            result.reason()
                + " (Retry-After "
                + r.retryAfter().toSeconds()
                + "s is longer than the longest wait "
                + max.toMillis()
                + "ms)",
            attempt);
      }
      if (r.retryAfter().compareTo(delay) > 0) {
        delay = r.retryAfter();
      }
    }
    return new RetryDecision.Retry(delay, attempt + 1);
  }
}
