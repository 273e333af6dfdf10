package dev.pitstop.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.notifier.delivery.AttemptResult.Delivered;
import dev.pitstop.notifier.delivery.AttemptResult.Refused;
import dev.pitstop.notifier.delivery.AttemptResult.Unreachable;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = RetryPolicy.DEFAULT;

  @Test
  void theCeilingDoublesFromTheBaseUpToTheMax() {
    assertThat(IntStream.rangeClosed(1, 9).mapToObj(n -> policy.ceiling(n).toMillis()))
        .containsExactly(500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
    assertThat(policy.ceiling(1_000)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void jitterStaysBetweenHalfAndAllOfTheCeilingAndIsReproducibleBySeed() {
    for (long seed = 0; seed < 200; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int n = 1; n <= 10; n++) {
        long c = policy.ceiling(n).toMillis();
        assertThat(policy.backoff(n, random).toMillis()).isBetween(c / 2, c);
      }
    }
    SplittableRandom r1 = new SplittableRandom(42);
    SplittableRandom r2 = new SplittableRandom(42);
    assertThat(IntStream.rangeClosed(1, 5).mapToObj(n -> policy.backoff(n, r1)))
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 5).mapToObj(n -> policy.backoff(n, r2)).toList());
    // Jitter: one seed's schedule is not every seed's.
    long distinct =
        IntStream.range(0, 50)
            .mapToObj(s -> policy.backoff(3, new SplittableRandom(s)))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(10);
  }

  @Test
  void retriesConnectionErrorsServerErrorsAndThrottlingWithBackoff() {
    SplittableRandom random = new SplittableRandom(7);
    for (AttemptResult r :
        new AttemptResult[] {
          new Unreachable("Connection refused"),
          new Refused(500, null, ""),
          new Refused(502, null, ""),
          new Refused(503, null, ""),
          new Refused(408, null, ""),
          new Refused(429, null, "")
        }) {
      RetryDecision d = policy.decide(2, r, random);
      assertThat(d).as(r.reason()).isInstanceOf(RetryDecision.Retry.class);
      RetryDecision.Retry retry = (RetryDecision.Retry) d;
      assertThat(retry.nextAttempt()).isEqualTo(3);
      assertThat(retry.delay().toMillis()).isBetween(500L, 1_000L);
    }
  }

  @Test
  void givesUpAtOnceOnClientErrorsAndRedirects() {
    for (int status : new int[] {301, 307, 400, 401, 403, 404, 410, 413, 422}) {
      RetryDecision d = policy.decide(1, new Refused(status, null, "no"), new SplittableRandom(1));
      assertThat(d)
          .as("HTTP %d", status)
          .isEqualTo(new RetryDecision.GiveUp("HTTP " + status + ": no (not retried)", 1));
    }
  }

  @Test
  void givesUpAfterTheLastAttemptAndIsDoneOnSuccess() {
    SplittableRandom random = new SplittableRandom(3);
    assertThat(policy.decide(4, new Refused(503, null, ""), random))
        .isInstanceOf(RetryDecision.Retry.class);
    RetryDecision last = policy.decide(5, new Refused(503, null, ""), random);
    assertThat(last).isInstanceOf(RetryDecision.GiveUp.class);
    assertThat(((RetryDecision.GiveUp) last).attempts()).isEqualTo(5);
    assertThat(((RetryDecision.GiveUp) last).reason()).contains("HTTP 503").contains("5 attempts");
    assertThat(policy.decide(1, new Delivered(204), random)).isEqualTo(new RetryDecision.Done());
    assertThat(
            new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1))
                .decide(1, new Unreachable("x"), random))
        .isInstanceOf(RetryDecision.GiveUp.class);
  }

  @Test
  void waitsAtLeastWhatRetryAfterAsksButGivesUpBeyondTheLongestWait() {
    SplittableRandom random = new SplittableRandom(11);
    RetryDecision d = policy.decide(1, new Refused(429, Duration.ofSeconds(3), ""), random);
    assertThat(d).isEqualTo(new RetryDecision.Retry(Duration.ofSeconds(3), 2));

    // A Retry-After shorter than the backoff does not shorten it.
    RetryDecision later = policy.decide(5 - 1, new Refused(503, Duration.ofSeconds(1), ""), random);
    assertThat(((RetryDecision.Retry) later).delay().toMillis()).isBetween(2_000L, 4_000L);

    RetryDecision tooLong = policy.decide(1, new Refused(429, Duration.ofMinutes(5), ""), random);
    assertThat(tooLong).isInstanceOf(RetryDecision.GiveUp.class);
    assertThat(((RetryDecision.GiveUp) tooLong).reason()).contains("Retry-After 300s");
  }

  @Test
  void anEndpointsAnswerIsBoundedAndPrintable() {
    Refused r = new Refused(400, null, "bad\r\nX-Injected: 1\u0000" + "y".repeat(1_000));
    assertThat(r.reason()).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u0000");
    assertThat(r.detail()).hasSizeLessThanOrEqualTo(AttemptResult.MAX_DETAIL + 1);
  }

  @Test
  void rejectsBoundsThatMakeNoSense() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
