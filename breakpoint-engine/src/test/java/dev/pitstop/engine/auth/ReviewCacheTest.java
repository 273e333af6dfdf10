package dev.pitstop.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitstop.events.data.Identity;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link CachingAuthorizer} and {@link CachingAuthenticator} over counting fakes, on a manual
 * ticker (no sleeping): what is asked again, when, and what is never kept.
 */
class ReviewCacheTest {
  static final Duration ALLOWED = Duration.ofSeconds(10);
  static final Duration DENIED = Duration.ofSeconds(5);
  static final Duration TOKEN = Duration.ofSeconds(30);

  /** A ticker moved by hand. */
  static final class ManualTicker implements Ticker {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  /** An authorizer that answers from a mutable verdict and counts its requests. */
  static final class CountingAuthorizer implements Authorizer {
    final List<String> asked = new ArrayList<>();
    String denied; // null: allowed
    RuntimeException failure;
    Promise<String> pending;

    @Override
    public Future<String> mayRelease(Identity who, String namespace) {
      asked.add(who.username() + who.groups() + "@" + namespace);
      if (pending != null) {
        return pending.future();
      }
      return failure != null ? Future.failedFuture(failure) : Future.succeededFuture(denied);
    }
  }

  final ManualTicker ticker = new ManualTicker();
  final CountingAuthorizer reviews = new CountingAuthorizer();
  final PitstopMetrics metrics = new PitstopMetrics();
  final Identity alice = new Identity("alice", List.of("dev"));

  CachingAuthorizer authorizer(Duration allowed, Duration denied, long entries) {
    return new CachingAuthorizer(reviews, allowed, denied, entries, ticker, metrics);
  }

  static String answer(Future<String> f) {
    assertThat(f.isComplete()).as("answered").isTrue();
    return f.result();
  }

  @Test
  void aSecondReviewWithinTheTtlMakesNoRequest() {
    CachingAuthorizer a = authorizer(ALLOWED, DENIED, 100);
    assertThat(answer(a.mayRelease(alice, "ns"))).isNull();
    ticker.advance(ALLOWED.minusMillis(1));
    assertThat(answer(a.mayRelease(alice, "ns"))).isNull();
    assertThat(reviews.asked).hasSize(1);
    assertThat(metrics.scrape())
        .contains("pitstop_auth_reviews_total{result=\"hit\",review=\"subjectaccessreview\"} 1.0")
        .contains("pitstop_auth_reviews_total{result=\"miss\",review=\"subjectaccessreview\"} 1.0");
  }

  @Test
  void anExpiredAnswerIsAskedAgainAndARevocationThenTakesEffect() {
    CachingAuthorizer a = authorizer(ALLOWED, DENIED, 100);
    assertThat(answer(a.mayRelease(alice, "ns"))).isNull();
    reviews.denied = "alice may not create pods/exec in namespace ns";
    ticker.advance(ALLOWED.minusMillis(1));
    assertThat(answer(a.mayRelease(alice, "ns"))).as("still the kept answer").isNull();
    ticker.advance(Duration.ofMillis(1));
    assertThat(answer(a.mayRelease(alice, "ns"))).isEqualTo(reviews.denied);
    assertThat(reviews.asked).hasSize(2);
  }

  @Test
  void aDenialIsKeptForTheDeniedTtlOnly() {
    CachingAuthorizer a = authorizer(ALLOWED, DENIED, 100);
    reviews.denied = "no";
    assertThat(answer(a.mayRelease(alice, "ns"))).isEqualTo("no");
    ticker.advance(DENIED.minusMillis(1));
    assertThat(answer(a.mayRelease(alice, "ns"))).isEqualTo("no");
    assertThat(reviews.asked).hasSize(1);
    reviews.denied = null;
    ticker.advance(Duration.ofMillis(1));
    assertThat(answer(a.mayRelease(alice, "ns"))).as("granted meanwhile").isNull();
    assertThat(reviews.asked).hasSize(2);
  }

  @Test
  void errorsAreNeverKept() {
    CachingAuthorizer a = authorizer(ALLOWED, DENIED, 100);
    reviews.failure = new IllegalStateException("API server unreachable");
    Future<String> first = a.mayRelease(alice, "ns");
    assertThat(first.failed()).isTrue();
    assertThat(first.cause()).hasMessage("API server unreachable");
    reviews.failure = null;
    assertThat(answer(a.mayRelease(alice, "ns"))).isNull();
    assertThat(reviews.asked).as("asked again at once, no time passed").hasSize(2);
    assertThat(a.size()).isEqualTo(1);
  }

  @Test
  void concurrentIdenticalReviewsShareOneRequest() {
    CachingAuthorizer a = authorizer(ALLOWED, DENIED, 100);
    reviews.pending = Promise.promise();
    Future<String> first = a.mayRelease(alice, "ns");
    Future<String> second = a.mayRelease(new Identity("alice", List.of("dev")), "ns");
    assertThat(first.isComplete()).isFalse();
    assertThat(reviews.asked).hasSize(1);
    reviews.pending.complete("no");
    assertThat(answer(first)).isEqualTo("no");
    assertThat(answer(second)).isEqualTo("no");
  }

  @Test
  void concurrentReviewsShareAFailureButDoNotKeepIt() {
    CachingAuthorizer a = authorizer(ALLOWED, DENIED, 100);
    reviews.pending = Promise.promise();
    Future<String> first = a.mayRelease(alice, "ns");
    Future<String> second = a.mayRelease(alice, "ns");
    reviews.pending.fail(new IllegalStateException("timeout"));
    assertThat(first.failed()).isTrue();
    assertThat(second.failed()).isTrue();
    reviews.pending = null;
    assertThat(answer(a.mayRelease(alice, "ns"))).isNull();
    assertThat(reviews.asked).hasSize(2);
  }

  @Test
  void theKeyIsExactlyWhatWasReviewed() {
    CachingAuthorizer a = authorizer(ALLOWED, DENIED, 100);
    a.mayRelease(alice, "ns");
    a.mayRelease(alice, "other");
    a.mayRelease(new Identity("alice", List.of("dev", "ops")), "ns");
    a.mayRelease(new Identity("bob", List.of("dev")), "ns");
    assertThat(reviews.asked).hasSize(4);
    // attributes are not reviewed: same answer
    a.mayRelease(new Identity("alice", List.of("dev"), Map.of(Identity.SLACK_USER_ID, "U1")), "ns");
    assertThat(reviews.asked).hasSize(4);
  }

  @Test
  void aZeroTtlKeepsNothing() {
    CachingAuthorizer a = authorizer(Duration.ZERO, DENIED, 100);
    a.mayRelease(alice, "ns");
    a.mayRelease(alice, "ns");
    assertThat(reviews.asked).hasSize(2);
    reviews.denied = "no";
    a.mayRelease(alice, "ns");
    a.mayRelease(alice, "ns");
    assertThat(reviews.asked).as("denials are still kept").hasSize(3);
  }

  @Test
  void theCacheIsBounded() {
    CachingAuthorizer a = authorizer(ALLOWED, DENIED, 50);
    for (int i = 0; i < 5_000; i++) {
      a.mayRelease(new Identity("user-" + i, List.of()), "ns");
    }
    assertThat(reviews.asked).hasSize(5_000);
    assertThat(a.size()).isLessThanOrEqualTo(50);
  }

  // ---- tokens ----

  /** An authenticator that knows one token and counts its requests. */
  static final class CountingAuthenticator implements Authenticator {
    final List<String> asked = new ArrayList<>();
    RuntimeException failure;

    @Override
    public Future<Optional<Identity>> authenticate(String token) {
      asked.add(token);
      if (failure != null) {
        return Future.failedFuture(failure);
      }
      return Future.succeededFuture(
          "good".equals(token) ? Optional.of(new Identity("alice", List.of())) : Optional.empty());
    }
  }

  @Test
  void aTokenIsReviewedOncePerTtlAndAnUnknownOneForTheDeniedTtl() {
    CountingAuthenticator tokens = new CountingAuthenticator();
    CachingAuthenticator a = new CachingAuthenticator(tokens, TOKEN, DENIED, 100, ticker, metrics);
    assertThat(a.authenticate("good").result()).contains(new Identity("alice", List.of()));
    assertThat(a.authenticate("bad").result()).isEmpty();
    ticker.advance(DENIED.minusMillis(1));
    a.authenticate("good");
    a.authenticate("bad");
    assertThat(tokens.asked).containsExactly("good", "bad");
    ticker.advance(Duration.ofMillis(1));
    a.authenticate("good");
    a.authenticate("bad");
    assertThat(tokens.asked).containsExactly("good", "bad", "bad");
    ticker.advance(TOKEN.minus(DENIED));
    a.authenticate("good");
    assertThat(tokens.asked).containsExactly("good", "bad", "bad", "good");
  }

  @Test
  void aTokenReviewThatFailedIsNotKept() {
    CountingAuthenticator tokens = new CountingAuthenticator();
    CachingAuthenticator a = new CachingAuthenticator(tokens, TOKEN, DENIED, 100, ticker, metrics);
    tokens.failure = new IllegalStateException("unreachable");
    assertThat(a.authenticate("good").failed()).isTrue();
    tokens.failure = null;
    assertThat(a.authenticate("good").result()).isPresent();
    assertThat(tokens.asked).hasSize(2);
  }

  @Test
  void tokensAreKeptByDigestAndBounded() {
    CountingAuthenticator tokens = new CountingAuthenticator();
    CachingAuthenticator a = new CachingAuthenticator(tokens, TOKEN, DENIED, 20, ticker, metrics);
    for (int i = 0; i < 2_000; i++) {
      a.authenticate("random-" + i);
    }
    assertThat(a.size()).isLessThanOrEqualTo(20);
    assertThat(CachingAuthenticator.digest("good"))
        .hasSize(64)
        .matches("[0-9a-f]{64}")
        .doesNotContain("good")
        .isNotEqualTo(CachingAuthenticator.digest("good "));
  }
}
