package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.actuation.PodExec;
import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StartupTrainingTest {

  /**
   * The training's stand-in API plays what the release's exec needs (the informer's Pod list, the
   * Pod, the exec WebSocket's exit status), so the training goes through the real exec path and its
   * classes end up in the image's archive.
   */
  @Test
  void aReleasesExecThroughTheStandInApiExitsZero() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer api = StartupTraining.fakeKubernetes(vertx);
      try (KubernetesClient client =
              new KubernetesClientBuilder()
                  .withConfig(Config.fromKubeconfig(StartupTraining.kubeconfig(api.actualPort())))
                  .build();
          PodExec exec = new PodExec(vertx, client, Duration.ofSeconds(20))) {
        assertThat(client.getMasterUrl().getPort()).isEqualTo(api.actualPort());
        ExecOutcome outcome =
            exec.apply(
                    new Action.Exec(
                        new BreakpointKey("ci", "build", "test"),
                        "command-1",
                        "ci",
                        "build-pod",
                        "step-test",
                        List.of("/tekton/debug/scripts/debug-continue")))
                .await(30, TimeUnit.SECONDS);
        assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
