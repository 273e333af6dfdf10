package dev.pitstop.engine.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.engine.NamespaceScope;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ENGINE_NAMESPACES}: the informers list only the listed namespaces (sandbox API). */
class InformerRunCacheIT {
  SandboxApiServer api;
  KubernetesClient client;

  @BeforeEach
  void start() {
    api = SandboxApiServer.start();
    client = api.newClient();
    for (String ns : new String[] {"ci-team-a", "ci-other"}) {
      PipelineRun pr = new PipelineRun();
      pr.getMetadata().setNamespace(ns);
      pr.getMetadata().setName("build");
      client.resources(PipelineRun.class).inNamespace(ns).resource(pr).create();
      Task t = new Task();
      t.getMetadata().setNamespace(ns);
      t.getMetadata().setName("compile");
      t.setSpec(new TaskSpec());
      client.resources(Task.class).inNamespace(ns).resource(t).create();
    }
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void aScopedCacheHoldsOnlyTheListedNamespaces() throws Exception {
    try (InformerRunCache all = new InformerRunCache(client, "tekton-pipelines");
        InformerRunCache scoped =
            new InformerRunCache(
                client,
                "tekton-pipelines",
                NamespaceScope.parse("ci-team-a", "ENGINE_NAMESPACES"))) {
      all.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      scoped.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(all.pipelineRun("ci-other", "build")).isNotNull();
                assertThat(scoped.pipelineRun("ci-team-a", "build")).isNotNull();
                assertThat(scoped.task("ci-team-a", "compile")).isNotNull();
              });
      assertThat(scoped.pipelineRun("ci-other", "build")).isNull();
      assertThat(scoped.task("ci-other", "compile")).isNull();
      assertThat(scoped.fetchPipelineRun("ci-other", "build"))
          .as("no live read outside the scope either")
          .isNull();
      assertThat(scoped.fetchPipelineRun("ci-team-a", "build")).isNotNull();
    }
  }
}
