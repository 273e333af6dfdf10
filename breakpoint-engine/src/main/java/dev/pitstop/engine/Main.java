package dev.pitstop.engine;

import dev.pitstop.engine.actuation.SerializationWarmUp;
import dev.pitstop.runtime.ServiceMain;
import dev.pitstop.runtime.ops.ManagementConfig;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.runtime.ops.Readiness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's container entry point: reads {@link EngineConfig} from the environment, connects to
 * Kubernetes (in-cluster service account or {@code KUBECONFIG}, as fabric8 finds it), starts {@link
 * EngineService}, and stops it on SIGTERM. Exits 2 on a configuration error.
 *
 * <p>The Kubernetes client is built on a thread of its own from the first instant (fabric8 loads
 * about 3,000 classes for it, ~2 s of CPU), beside Vert.x's and logging's start-up and the engine's
 * Kafka side ({@link EngineService#start(io.vertx.core.Vertx, EngineConfig, Future)}): on two cores
 * a restart serves its first release sooner (issue #7). Once the client is handed over, the same
 * thread builds the Jackson (de)serializers a release needs ({@link SerializationWarmUp}: the
 * exec's Status, a Pod, the reviews), which the first release would otherwise build.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CompletableFuture<KubernetesClient> building = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              KubernetesClient c;
              try {
                c = new KubernetesClientBuilder().build();
              } catch (Throwable e) {
                building.completeExceptionally(e);
                return;
              }
              building.complete(c);
              // Then, beside the rest of start-up, what the first release would otherwise build.
              SerializationWarmUp.run(c);
            },
            "pitstop-kubernetes-client");
    t.setDaemon(true);
    t.start();
    ServiceMain.run(
        "breakpoint-engine",
        System.getenv(),
        ManagementConfig.ENGINE_PORT,
        (vertx, resources) -> {
          EngineConfig config = EngineConfig.fromMap(System.getenv());
          Future<KubernetesClient> client =
              Future.fromCompletionStage(building, vertx.getOrCreateContext())
                  .onSuccess(
                      c -> {
                        synchronized (resources) {
                          resources.add(c);
                        }
                        Ops.of(vertx)
                            .readiness()
                            .register(
                                "kubernetes", Readiness.blocking(vertx, c::getKubernetesVersion));
                      });
          return EngineService.start(vertx, config, client);
        });
  }
}
