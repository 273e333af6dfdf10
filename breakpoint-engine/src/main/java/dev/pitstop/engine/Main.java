package dev.pitstop.engine;

import dev.pitstop.runtime.ServiceMain;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The engine's container entry point: reads {@link EngineConfig} from the environment, connects to
 * Kubernetes (in-cluster service account or {@code KUBECONFIG}, as fabric8 finds it), starts {@link
 * EngineService}, and stops it on SIGTERM. Exits 2 on a configuration error.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run(
        "breakpoint-engine",
        (vertx, resources) -> {
          EngineConfig config = EngineConfig.fromMap(System.getenv());
          KubernetesClient client = new KubernetesClientBuilder().build();
          resources.add(client);
          return EngineService.start(vertx, config, client);
        });
  }
}
