package dev.pitstop.watcher;

import dev.pitstop.runtime.config.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's container entry point: configuration from the environment ({@link WatcherConfig}),
 * a Kubernetes client from the default kubeconfig ({@code KUBECONFIG}, {@code ~/.kube/config}) or
 * the in-cluster service account, and an orderly stop on SIGTERM.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    WatcherConfig config;
    try {
      config = WatcherConfig.fromMap(System.getenv());
    } catch (ConfigException e) {
      LOG.error("Bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    Vertx vertx = Vertx.vertx();
    WatcherService service;
    try {
      service = WatcherService.start(vertx, config, client).await();
    } catch (Exception e) {
      LOG.error("Watcher failed to start", e);
      client.close();
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.stop().await();
                  client.close();
                  vertx.close().await();
                },
                "pitstop-watcher-shutdown"));
  }
}
