package dev.pitstop.engine.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitstop.events.data.Identity;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Keeps the answers of another {@link Authenticator} (TokenReview) for a while, as kube-apiserver
 * does for its webhook token authenticator ({@code --authentication-token-webhook-cache-ttl},
 * default 2 min): a person pressing Continue on several steps, or a bot releasing many runs, costs
 * one TokenReview per token per {@code ttl} instead of one per request.
 *
 * <p>Keyed by the token's SHA-256 digest, never the token itself: the raw token is held only while
 * its review is under way. An authenticated token is kept {@code ttl} ({@code
 * ENGINE_AUTH_CACHE_TOKEN_TTL}, default 30 s: shorter than Kubernetes' 2 min, so a deleted
 * ServiceAccount token or a revoked user stops working within half a minute); a token the review
 * did not authenticate is kept {@code deniedTtl} ({@code ENGINE_AUTH_CACHE_DENIED_TTL}, default 5
 * s, so a token that was just created works within seconds); a review that failed (the API server
 * unreachable) is never kept. Bounded by {@code maxEntries} ({@link ReviewCache}); concurrent
 * reviews of one token share one request. Thread-safe.
 */
public final class CachingAuthenticator implements Authenticator {
  private final ReviewCache<String, Optional<Identity>> cache;
  private final Authenticator reviews;

  /**
   * @param reviews the authenticator asked on a miss
   * @param ttl how long an identity is kept; zero: not kept
   * @param deniedTtl how long "not authenticated" is kept; zero: not kept
   * @param maxEntries how many tokens are kept at most (≥ 1)
   * @param ticker the cache's clock ({@link Ticker#systemTicker()})
   * @param metrics counts hits and misses, or null
   */
  public CachingAuthenticator(
      Authenticator reviews,
      Duration ttl,
      Duration deniedTtl,
      long maxEntries,
      Ticker ticker,
      PitstopMetrics metrics) {
    this.reviews = reviews;
    long kept = ttl.toNanos();
    long denied = deniedTtl.toNanos();
    this.cache =
        new ReviewCache<>(
            "tokenreview",
            maxEntries,
            identity -> identity.isPresent() ? kept : denied,
            ticker,
            metrics);
  }

  @Override
  public Future<Optional<Identity>> authenticate(String token) {
    if (token == null) {
      return reviews.authenticate(null);
    }
    return cache.get(digest(token), () -> reviews.authenticate(token));
  }

  /** The number of tokens kept (for tests). */
  long size() {
    return cache.size();
  }

  /** The hex SHA-256 digest of the token's UTF-8 bytes. */
  static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
