package dev.pitstop.engine.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitstop.events.data.Identity;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * Keeps the answers of another {@link Authorizer} (SubjectAccessReview of {@code create pods/exec})
 * for a while, as kube-apiserver does for its webhook authorizer ({@code
 * --authorization-webhook-cache-authorized-ttl} 5 min, {@code -unauthorized-ttl} 30 s). A release
 * is reviewed twice (by the API before it publishes the command, and by the engine when it consumes
 * it: issue #3), and a person releasing several steps is reviewed again for each: with the cache,
 * the engine asks once per identity and namespace per time to live.
 *
 * <p>Keyed by exactly what was reviewed: user name, groups (in the order given) and namespace (the
 * verb and resource are always {@code create pods/exec}); an identity's {@link
 * Identity#attributes()} are not reviewed and not part of the key. An allowed answer is kept {@code
 * allowedTtl} ({@code ENGINE_AUTH_CACHE_ALLOWED_TTL}, default 10 s: a release button is pressed in
 * bursts, and a RoleBinding removed to stop someone takes effect within seconds, not Kubernetes' 5
 * min); a denial {@code deniedTtl} ({@code ENGINE_AUTH_CACHE_DENIED_TTL}, default 5 s: someone just
 * granted the right retries within seconds, and a caller who may not release anything is still
 * answered without a request each time); a review that failed is never kept. Bounded by {@code
 * maxEntries} ({@link ReviewCache}); concurrent identical reviews share one request. Thread-safe.
 */
public final class CachingAuthorizer implements Authorizer {
  /** What a review asks: may {@code username} with {@code groups} create pods/exec there. */
  private record Key(String username, List<String> groups, String namespace) {}

  /** An answer: null when allowed, else the reason (Caffeine keeps no null values). */
  private record Verdict(String denied) {}

  private final ReviewCache<Key, Verdict> cache;
  private final Authorizer reviews;

  /**
   * @param reviews the authorizer asked on a miss
   * @param allowedTtl how long an allowed answer is kept; zero: not kept
   * @param deniedTtl how long a denial is kept; zero: not kept
   * @param maxEntries how many answers are kept at most (≥ 1)
   * @param ticker the cache's clock ({@link Ticker#systemTicker()})
   * @param metrics counts hits and misses, or null
   */
  public CachingAuthorizer(
      Authorizer reviews,
      Duration allowedTtl,
      Duration deniedTtl,
      long maxEntries,
      Ticker ticker,
      PitstopMetrics metrics) {
    this.reviews = reviews;
    long allowed = allowedTtl.toNanos();
    long denied = deniedTtl.toNanos();
    this.cache =
        new ReviewCache<>(
            "subjectaccessreview",
            maxEntries,
            v -> v.denied() == null ? allowed : denied,
            ticker,
            metrics);
  }

  @Override
  public Future<String> mayRelease(Identity who, String namespace) {
    return cache
        .get(
            new Key(who.username(), who.groups(), namespace),
            () -> reviews.mayRelease(who, namespace).map(Verdict::new))
        .map(Verdict::denied);
  }

  /** The number of answers kept (for tests). */
  long size() {
    return cache.size();
  }
}
