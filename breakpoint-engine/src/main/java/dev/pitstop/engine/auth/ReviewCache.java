package dev.pitstop.engine.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * A bounded cache of review answers (TokenReview, SubjectAccessReview) with a time to live chosen
 * per answer, on Caffeine's {@link AsyncCache}: concurrent asks of the same key share one request
 * (the second finds the first's future). An answer that could not be had (the review failed) is
 * handed to the asks that shared its request and then forgotten at once: errors are never cached.
 * It is kept as a completed outcome with a time to live of zero rather than a failed future, so
 * Caffeine does not log each failure as a load error.
 *
 * <p>Bounded by entry count: Caffeine's W-TinyLFU admits a new key only when it is likely to be
 * used more than the one it would evict, so a stream of one-off keys (e.g. random tokens from a
 * caller who may not release anything) does not flush the answers in use. Maintenance runs on the
 * calling thread (a few map operations; no background thread, deterministic in tests).
 *
 * @param <K> what was reviewed, exactly (equal keys must mean equal reviews)
 * @param <V> the answer (never null)
 */
final class ReviewCache<K, V> {
  /** An answer, or the reason there is none. */
  private record Outcome<V>(V value, Throwable error) {}

  private final AsyncCache<K, Outcome<V>> cache;
  private final String review;
  private final PitstopMetrics metrics;

  /**
   * @param review the metric label, {@code tokenreview} or {@code subjectaccessreview}
   * @param maxEntries the bound (≥ 1)
   * @param ttlNanos how long an answer is kept, in nanoseconds (0: not kept)
   * @param ticker the clock of the times to live ({@link Ticker#systemTicker()} in production)
   * @param metrics where hits and misses are counted ({@code pitstop_auth_reviews_total}), or null
   */
  ReviewCache(
      String review,
      long maxEntries,
      ToLongFunction<V> ttlNanos,
      Ticker ticker,
      PitstopMetrics metrics) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    this.review = review;
    this.metrics = metrics;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .ticker(ticker)
            .executor(Runnable::run)
            .expireAfter(
                new Expiry<K, Outcome<V>>() {
                  @Override
                  public long expireAfterCreate(K key, Outcome<V> o, long now) {
                    return o.error() != null ? 0 : Math.max(0, ttlNanos.applyAsLong(o.value()));
                  }

                  @Override
                  public long expireAfterUpdate(K key, Outcome<V> o, long now, long current) {
                    return expireAfterCreate(key, o, now);
                  }

                  @Override
                  public long expireAfterRead(K key, Outcome<V> o, long now, long current) {
                    return current;
                  }
                })
            .buildAsync();
  }

  /**
   * The answer for {@code key}: kept, under way, or asked now with {@code review}. Callbacks run on
   * the caller's Vert.x context when it has one.
   *
   * @param review makes the request; called only on a miss
   * @return the answer; fails with the review's error (not kept)
   */
  Future<V> get(K key, Supplier<Future<V>> review) {
    boolean[] miss = {false};
    CompletableFuture<Outcome<V>> answer =
        cache.get(
            key,
            (k, executor) -> {
              miss[0] = true;
              CompletableFuture<Outcome<V>> f = new CompletableFuture<>();
              Future<V> asked;
              try {
                asked = review.get();
              } catch (RuntimeException e) {
                asked = Future.failedFuture(e);
              }
              asked.onComplete(
                  ar ->
                      f.complete(
                          ar.succeeded()
                              ? new Outcome<>(ar.result(), null)
                              : new Outcome<>(null, ar.cause())));
              return f;
            });
    if (metrics != null) {
      metrics.authReview(this.review, !miss[0]);
    }
    Context ctx = Vertx.currentContext();
    Promise<V> p = Promise.promise();
    answer.whenComplete(
        (o, t) -> {
          Runnable done =
              () -> {
                if (t != null) {
                  p.fail(t);
                } else if (o.error() != null) {
                  p.fail(o.error());
                } else {
                  p.complete(o.value());
                }
              };
          if (ctx == null || ctx == Vertx.currentContext()) {
            done.run();
          } else {
            ctx.runOnContext(v -> done.run());
          }
        });
    return p.future();
  }

  /** The number of answers kept (after pending maintenance, e.g. evictions, is done). */
  long size() {
    cache.synchronous().cleanUp();
    return cache.synchronous().estimatedSize();
  }
}
