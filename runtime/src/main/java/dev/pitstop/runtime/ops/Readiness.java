package dev.pitstop.runtime.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Named readiness checks of the services running on one Vert.x instance ({@link Ops#of}). The parts
 * that know what "ready" means register here: {@link dev.pitstop.runtime.kafka.EventConsumer} (its
 * group assigned it partitions), {@link dev.pitstop.runtime.kafka.EventPublisher} (a broker
 * answers), a service's {@code Main} (Kubernetes answers), {@link dev.pitstop.runtime.ServiceMain}
 * (start-up finished). {@code /readyz} is 200 only when there is at least one check and all pass.
 */
public final class Readiness {
  /** One check: a future that succeeds when ready, fails with the reason otherwise. */
  @FunctionalInterface
  public interface Check {
    Future<Void> check();
  }

  /**
   * The outcome of all checks.
   *
   * @param ready whether every check passed (and there was one)
   * @param checks each check's name and {@code ok} or its failure reason, sorted by name
   */
  public record Report(boolean ready, Map<String, String> checks) {}

  private final Map<String, Check> checks = new ConcurrentSkipListMap<>();

  /**
   * A check that runs a blocking call (e.g. fabric8's {@code getKubernetesVersion()}) on a worker
   * thread; while one call is under way, further checks wait for it rather than start another, so a
   * hanging endpoint does not pile up worker threads.
   *
   * @param call throws when not ready
   */
  public static Check blocking(Vertx vertx, java.util.concurrent.Callable<?> call) {
    java.util.concurrent.atomic.AtomicReference<Future<Void>> inFlight =
        new java.util.concurrent.atomic.AtomicReference<>();
    return () ->
        inFlight.updateAndGet(
            f ->
                f != null && !f.isComplete()
                    ? f
                    : vertx.executeBlocking(call, false).<Void>mapEmpty());
  }

  /**
   * Adds (or replaces) a check.
   *
   * @return removes this check again (e.g. when the consumer stops)
   */
  public Runnable register(String name, Check check) {
    checks.put(name, check);
    return () -> checks.remove(name, check);
  }

  /** The names of the registered checks. */
  public List<String> names() {
    return List.copyOf(checks.keySet());
  }

  /**
   * Runs every check at once; one that does not answer within {@code timeoutMs} fails.
   *
   * @return never fails
   */
  public Future<Report> run(Vertx vertx, long timeoutMs) {
    List<Map.Entry<String, Check>> all = new ArrayList<>(checks.entrySet());
    if (all.isEmpty()) {
      return Future.succeededFuture(new Report(false, Map.of("checks", "none registered yet")));
    }
    List<Future<String>> outcomes = new ArrayList<>();
    for (Map.Entry<String, Check> e : all) {
      Promise<String> p = Promise.promise();
      long timer =
          vertx.setTimer(timeoutMs, t -> p.tryComplete("no answer within " + timeoutMs + " ms"));
      Future<Void> f;
      try {
        f = e.getValue().check();
      } catch (RuntimeException ex) {
        f = Future.failedFuture(ex);
      }
      f.onComplete(
          ar -> {
            vertx.cancelTimer(timer);
            p.tryComplete(ar.succeeded() ? "ok" : String.valueOf(ar.cause().getMessage()));
          });
      outcomes.add(p.future());
    }
    return Future.join(outcomes)
        .transform(
            ignored -> {
              Map<String, String> out = new LinkedHashMap<>();
              boolean ready = true;
              for (int i = 0; i < all.size(); i++) {
                String r = outcomes.get(i).result();
                out.put(all.get(i).getKey(), r);
                ready &= "ok".equals(r);
              }
              return Future.succeededFuture(new Report(ready, out));
            });
  }
}
