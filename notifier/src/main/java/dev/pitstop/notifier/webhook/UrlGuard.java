package dev.pitstop.notifier.webhook;

import dev.pitstop.notifier.routing.UrlPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves an annotation webhook's host (on a worker: name resolution blocks) and checks every
 * address with {@link UrlPolicy#checkAddresses}; verdicts are cached for a minute, at most {@value
 * #CACHE} hosts. Call on one context.
 *
 * <p>Known gap: the HTTP client resolves the host again when it connects, so a DNS answer that
 * changes within the cache's minute (DNS rebinding) could still reach a blocked address. The
 * allowlist of hosts is the first line of defence for that reason.
 */
public final class UrlGuard {
  static final int CACHE = 1000;
  private static final long TTL_MS = 60_000;

  private record Verdict(Optional<String> problem, long expires) {}

  private final Vertx vertx;
  private final UrlPolicy policy;
  private final Map<String, Verdict> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verdict> eldest) {
          return size() > CACHE;
        }
      };

  public UrlGuard(Vertx vertx, UrlPolicy policy) {
    this.vertx = vertx;
    this.policy = policy;
  }

  /**
   * Why the host may not be reached (empty when it may).
   *
   * @return a future that does not fail (an unresolvable host is a problem)
   */
  public Future<Optional<String>> check(String host) {
    long now = System.currentTimeMillis();
    Verdict v = cache.get(host);
    if (v != null && v.expires() > now) {
      return Future.succeededFuture(v.problem());
    }
    return vertx
        .executeBlocking(() -> Arrays.asList(InetAddress.getAllByName(host)), false)
        .map(addresses -> policy.checkAddresses(host, addresses))
        .otherwise(
            t ->
                Optional.of(
                    t instanceof UnknownHostException
                        ? "host " + host + " does not resolve"
                        : "host " + host + " cannot be resolved: " + t.getClass().getSimpleName()))
        .onSuccess(p -> cache.put(host, new Verdict(p, System.currentTimeMillis() + TTL_MS)));
  }
}
