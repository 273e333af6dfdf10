package dev.pitstop.engine;

import dev.pitstop.runtime.ServiceMain;
import dev.pitstop.runtime.ops.ManagementConfig;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.runtime.ops.Readiness;
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
        System.getenv(),
        ManagementConfig.ENGINE_PORT,
        (vertx, resources) -> {
          EngineConfig config = EngineConfig.fromMap(System.getenv());
          KubernetesClient client = new KubernetesClientBuilder().build();
          resources.add(client);
          Ops.of(vertx)
              .readiness()
              .register("kubernetes", Readiness.blocking(vertx, client::getKubernetesVersion));
          return EngineService.start(vertx, config, client);
        });
  }
}
