package dev.pitstop.runtime;

import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.ops.LogSettings;
import dev.pitstop.runtime.ops.ManagementConfig;
import dev.pitstop.runtime.ops.ManagementServer;
import dev.pitstop.runtime.ops.Ops;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service's container {@code Main} does: build the service from the environment, start
 * it, and stop it in order on SIGTERM (the service, then the resources it opened, then Vert.x).
 * Exit codes: 2 for a configuration error (the message names the key), 1 when it cannot start.
 *
 * <p>While the service starts, it serves {@code /healthz}, {@code /readyz} and {@code /metrics} on
 * the management port ({@link ManagementConfig}, {@link ManagementServer}; the two start side by
 * side, and a service that cannot listen there does not start); {@code /readyz} has a check {@code
 * started} that passes once the service started and fails again once it is stopping, besides the
 * checks the service's parts register.
 */
public final class ServiceMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  /** Starts a service; clients it opens go to {@code resources} and are closed after it stops. */
  @FunctionalInterface
  public interface Starter {
    /**
     * @throws ConfigException for a bad configuration value
     */
    Future<? extends PitstopService> start(Vertx vertx, List<AutoCloseable> resources);
  }

  private ServiceMain() {}

  /**
   * Runs the service until the JVM is asked to stop; exits the JVM when it cannot start.
   *
   * @param env the environment ({@code System.getenv()}), for {@link ManagementConfig} and {@link
   *     LogSettings}
   * @param defaultManagementPort the service's default management port ({@link ManagementConfig})
   */
  public static void run(
      String name, Map<String, String> env, int defaultManagementPort, Starter starter) {
    Vertx vertx = Vertx.vertx();
    List<AutoCloseable> resources = new ArrayList<>();
    PitstopService service;
    java.util.concurrent.atomic.AtomicBoolean started =
        new java.util.concurrent.atomic.AtomicBoolean();
    Ops.of(vertx)
        .readiness()
        .register(
            "started",
            () ->
                started.get()
                    ? io.vertx.core.Future.succeededFuture()
                    : io.vertx.core.Future.failedFuture(name + " is not running"));
    ManagementServer management;
    try {
      LogSettings.fromMap(env);
      ManagementConfig mc = ManagementConfig.fromMap(env, defaultManagementPort);
      // Side by side: neither needs the other, and a restart serves sooner (issue #7).
      Future<ManagementServer> managed = ManagementServer.start(vertx, mc, name);
      Future<? extends PitstopService> starting = starter.start(vertx, resources);
      management = managed.await(30, TimeUnit.SECONDS);
      service = starting.await(60, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      System.err.println(name + ": bad configuration: " + e.getMessage());
      release(name, resources, vertx);
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("{} did not start: {}", name, e.toString());
      release(name, resources, vertx);
      System.exit(1);
      return;
    }
    started.set(true);
    LOG.info("{} started", name);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  started.set(false);
                  try {
                    service.stop().await(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    LOG.warn("{}: stop: {}", name, e.toString());
                  }
                  management.stop();
                  release(name, resources, vertx);
                },
                name + "-shutdown"));
  }

  private static void release(String name, List<AutoCloseable> resources, Vertx vertx) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("{}: close: {}", name, e.toString());
      }
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("{}: closing Vert.x: {}", name, e.toString());
    }
  }
}
