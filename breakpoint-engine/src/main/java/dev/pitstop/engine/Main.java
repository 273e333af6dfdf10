package dev.pitstop.engine;

import dev.pitstop.runtime.config.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's container entry point: reads {@link EngineConfig} from the environment, connects to
 * Kubernetes (in-cluster service account or {@code KUBECONFIG}, as fabric8 finds it), starts {@link
 * EngineService}, and stops it on SIGTERM. Exits 2 on a configuration error.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    EngineConfig config;
    try {
      config = EngineConfig.fromMap(System.getenv());
    } catch (ConfigException e) {
      System.err.println("breakpoint-engine: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    KubernetesClient client = new KubernetesClientBuilder().build();
    EngineService service;
    try {
      service = EngineService.start(vertx, config, client).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("breakpoint engine did not start: {}", e.toString());
      client.close();
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.stop().await(20, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    LOG.warn("stop: {}", e.toString());
                  }
                  client.close();
                  try {
                    vertx.close().await(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    LOG.warn("close: {}", e.toString());
                  }
                },
                "engine-shutdown"));
  }
}
