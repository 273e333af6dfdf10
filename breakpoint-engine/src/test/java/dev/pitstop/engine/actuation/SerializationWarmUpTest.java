package dev.pitstop.engine.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;

class SerializationWarmUpTest {

  /** No API server: the warm-up is local, every type goes to JSON and back unchanged. */
  @Test
  void everyTypeOfARelease_goesBothWaysThroughTheClientsSerialization_withoutAServer() {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:9")
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      assertThat(SerializationWarmUp.run(client)).isEqualTo(SerializationWarmUp.samples().size());
      var json = client.getKubernetesSerialization();
      for (Object o : SerializationWarmUp.samples()) {
        assertThat(json.unmarshal(json.asJson(o), o.getClass())).isEqualTo(o);
      }
      assertThat(SerializationWarmUp.samples())
          .extracting(o -> o.getClass().getSimpleName())
          .contains("PodList", "Pod", "Status", "TokenReview", "SubjectAccessReview", "TaskRun");
    }
  }
}
