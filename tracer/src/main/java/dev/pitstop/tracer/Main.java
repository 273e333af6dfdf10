package dev.pitstop.tracer;

import dev.pitstop.runtime.config.ConfigException;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracer's container entry point: configuration from the environment ({@link TracerConfig}).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    TracerConfig config;
    try {
      config = TracerConfig.fromMap(System.getenv());
    } catch (ConfigException e) {
      LOG.error("bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    TracerService service;
    try {
      service = TracerService.start(vertx, config).await();
    } catch (RuntimeException e) {
      LOG.error("tracer did not start: {}", e.toString());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.stop().eventually(vertx::close).await();
                },
                "pitstop-tracer-shutdown"));
  }
}
