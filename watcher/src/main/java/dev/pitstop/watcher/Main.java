package dev.pitstop.watcher;

import dev.pitstop.runtime.ServiceMain;
import dev.pitstop.runtime.ops.ManagementConfig;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.runtime.ops.Readiness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The watcher's container entry point: configuration from the environment ({@link WatcherConfig}),
 * a Kubernetes client from the default kubeconfig ({@code KUBECONFIG}, {@code ~/.kube/config}) or
 * the in-cluster service account, and an orderly stop on SIGTERM.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run(
        "watcher",
        System.getenv(),
        ManagementConfig.WATCHER_PORT,
        (vertx, resources) -> {
          WatcherConfig config = WatcherConfig.fromMap(System.getenv());
          KubernetesClient client = new KubernetesClientBuilder().build();
          resources.add(client);
          Ops.of(vertx)
              .readiness()
              .register("kubernetes", Readiness.blocking(vertx, client::getKubernetesVersion));
          return WatcherService.start(vertx, config, client);
        });
  }
}
