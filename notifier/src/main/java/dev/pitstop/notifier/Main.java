package dev.pitstop.notifier;

import dev.pitstop.runtime.config.ConfigException;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's container entry point: configuration from the environment ({@link
 * NotifierConfig}).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    NotifierConfig config;
    try {
      config = NotifierConfig.fromMap(System.getenv());
    } catch (ConfigException e) {
      LOG.error("configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    NotifierService service;
    try {
      service = NotifierService.start(vertx, config).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("notifier did not start: {}", e.toString());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.stop().compose(v -> vertx.close()).await(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    LOG.warn("shutdown: {}", e.toString());
                  }
                },
                "notifier-shutdown"));
  }
}
