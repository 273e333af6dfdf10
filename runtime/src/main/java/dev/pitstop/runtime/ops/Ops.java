package dev.pitstop.runtime.ops;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * The readiness checks and metrics of the services running on one Vert.x instance, found by the
 * instance (kept in its local shared data), so {@link dev.pitstop.runtime.kafka.EventConsumer},
 * {@link dev.pitstop.runtime.kafka.EventPublisher} and services reach them without another
 * constructor parameter, and the CLI's all-in-one JVM has one set for all four services.
 */
public final class Ops implements Shareable {
  private final Readiness readiness = new Readiness();
  private final PitstopMetrics metrics = new PitstopMetrics();

  private Ops() {}

  /** The instance of {@code vertx}, created on first use. */
  public static Ops of(Vertx vertx) {
    LocalMap<String, Ops> map = vertx.sharedData().getLocalMap("dev.pitstop.runtime.ops");
    return map.computeIfAbsent("ops", k -> new Ops());
  }

  /**
   * Makes {@code guest} use {@code host}'s instance, so services on separate Vert.x instances in
   * one JVM (the CLI's all-in-one stack, one Vert.x per service as when deployed) report their
   * readiness and metrics in one place, served by one management server.
   *
   * @return the shared instance
   * @throws IllegalStateException if {@code guest} already has an instance of its own (its checks
   *     and meters would be lost)
   */
  public static Ops share(Vertx host, Vertx guest) {
    Ops shared = of(host);
    LocalMap<String, Ops> map = guest.sharedData().getLocalMap("dev.pitstop.runtime.ops");
    Ops existing = map.putIfAbsent("ops", shared);
    if (existing != null && existing != shared) {
      throw new IllegalStateException(
          "this Vert.x instance already has readiness checks and metrics of its own");
    }
    return shared;
  }

  public Readiness readiness() {
    return readiness;
  }

  public PitstopMetrics metrics() {
    return metrics;
  }
}
