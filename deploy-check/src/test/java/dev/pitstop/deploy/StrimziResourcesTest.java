package dev.pitstop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.deploy.PitstopService.TopicNeed;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kafka-strimzi overlay read by Strimzi's own API classes (strictly: an unknown field fails, as
 * a schema would), and checked against what the services use: the bootstrap address they are given
 * is the cluster's, every topic they name is declared with the partitions and compaction the code
 * expects, and the engine's state topic has the partitions of the event topics.
 */
class StrimziResourcesTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Strimzi's class of the object, with no field it does not know (UnknownFields). */
  static <T> T read(Map<String, Object> doc, Class<T> type) {
    T value = STRICT.convertValue(doc, type);
    assertThat(UnknownFields.in(value, type.getSimpleName()))
        .as("fields Strimzi does not know")
        .isEmpty();
    return value;
  }

  @Test
  void aMisspelledFieldIsFound() {
    Map<String, Object> topic =
        Yaml.documents(
                "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata: {name: t}\n"
                    + "spec: {topicName: t, partitionz: 3}\n")
            .get(0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(topic, KafkaTopic.class))
        .hasMessageContaining("partitionz");
  }

  @Test
  void theClusterIsKraftWithNodePoolsAndTheServicesPointAtIt() {
    List<Map<String, Object>> docs = Kustomize.build("k8s/overlays/kafka-strimzi");
    List<Kafka> kafkas =
        Kustomize.ofKind(docs, "Kafka").stream().map(d -> read(d, Kafka.class)).toList();
    assertThat(kafkas).hasSize(1);
    Kafka kafka = kafkas.get(0);
    assertThat(kafka.getMetadata().getAnnotations())
        .containsEntry("strimzi.io/kraft", "enabled")
        .containsEntry("strimzi.io/node-pools", "enabled");
    List<KafkaNodePool> pools =
        Kustomize.ofKind(docs, "KafkaNodePool").stream()
            .map(d -> read(d, KafkaNodePool.class))
            .toList();
    assertThat(pools)
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getLabels())
                    .containsEntry("strimzi.io/cluster", kafka.getMetadata().getName()));
    assertThat(pools)
        .flatMap(p -> p.getSpec().getRoles())
        .contains(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
    int brokers =
        pools.stream()
            .filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER))
            .mapToInt(p -> p.getSpec().getReplicas())
            .sum();

    GenericKafkaListener plain =
        kafka.getSpec().getKafka().getListeners().stream()
            .filter(l -> !l.isTls())
            .findFirst()
            .orElseThrow();
    String bootstrap =
        Yaml.string(
            Kustomize.named(docs, "ConfigMap", "pitstop-common"),
            "data",
            "KAFKA_BOOTSTRAP_SERVERS");
    assertThat(bootstrap)
        .isEqualTo(kafka.getMetadata().getName() + "-kafka-bootstrap:" + plain.getPort());

    List<KafkaTopic> topics =
        Kustomize.ofKind(docs, "KafkaTopic").stream().map(d -> read(d, KafkaTopic.class)).toList();
    Map<String, TopicScript.Topic> declared = new LinkedHashMap<>();
    for (KafkaTopic t : topics) {
      assertThat(t.getMetadata().getLabels())
          .containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
      assertThat(t.getSpec().getReplicas())
          .as(t.getSpec().getTopicName())
          .isBetween(Math.min(3, brokers), brokers);
      Object policy = t.getSpec().getConfig().get("cleanup.policy");
      declared.put(
          t.getSpec().getTopicName(),
          new TopicScript.Topic(
              t.getSpec().getTopicName(), t.getSpec().getPartitions(), "compact".equals(policy)));
    }
    Map<String, String> env = new HashMap<>();
    for (String cm : List.of("pitstop-common", "pitstop-breakpoint-engine", "pitstop-notifier")) {
      Yaml.map(Kustomize.named(docs, "ConfigMap", cm), "data")
          .forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    env.keySet().removeIf(k -> k.endsWith("_FILE"));
    env.put("ENGINE_AUTH", "tokens");
    env.put("ENGINE_API_TOKENS", "u=t");
    Map<String, TopicNeed> needs = PitstopService.topics(env);
    ComposeFileTest.assertTopics(declared, needs);
  }
}
