package dev.pitstop.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.Topics;
import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Start-up refuses topics whose partition counts would split a run's inputs and state; a restart
 * loads each root's latest state.
 */
class StateTopicIT {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  static Topics topics() {
    return new Topics("it-state-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  }

  /**
   * Creates topics and waits until the broker lists them: a create completes when the controller
   * committed it, a moment before the broker's metadata cache (which answers listTopics) has it.
   */
  static void createTopics(int partitions, String... names) {
    SharedKafka.createTopics(partitions, names);
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains(names));
    }
  }

  Throwable prepareFails(Topics t, String stateTopic, int statePartitions) {
    StateTopic s =
        new StateTopic(
            vertx,
            KafkaSettings.of(SharedKafka.bootstrapServers(), t),
            stateTopic,
            statePartitions);
    return s.prepare().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
  }

  @Test
  void createsTheStateTopicWithTheInputsPartitionCountAndAcceptsItOnTheNextStart() {
    Topics t = topics();
    createTopics(4, t.observations(), t.commands());
    StateTopic s =
        new StateTopic(
            vertx, KafkaSettings.of(SharedKafka.bootstrapServers(), t), t.prefix() + "state", 0);
    assertThat(s.prepare().await()).isEqualTo(4);
    assertThat(s.prepare().await()).as("existing, compacted, 4 partitions").isEqualTo(4);
  }

  static byte[] state(String rootUid) {
    return ("{\"rootUid\":\"" + rootUid + "\",\"breakpoints\":[],\"holds\":[]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void loadsEachRootsLatestStateAndNothingOfRootsWhoseLatestRecordIsATombstoneOrUnreadable()
      throws Exception {
    Topics t = topics();
    createTopics(1, t.observations(), t.commands());
    String topic = t.prefix() + "state";
    StateTopic s =
        new StateTopic(vertx, KafkaSettings.of(SharedKafka.bootstrapServers(), t), topic, 0);
    s.prepare().await();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      // Not compacted yet: every change of a root's state is still a record of its own.
      String[][] records = {
        {"a", "a, first"}, {"b", "b, first"}, {"a", "a, latest"}, {"b", null},
        {"c", "c, first"}, {"c", "garbage"}, {"d", null}, {"d", "d, after a tombstone"}
      };
      for (String[] r : records) {
        byte[] value =
            r[1] == null
                ? null
                : r[1].equals("garbage")
                    ? "{not json".getBytes(StandardCharsets.UTF_8)
                    : state(r[1]);
        producer.send(new ProducerRecord<>(topic, 0, r[0], value)).get(30, TimeUnit.SECONDS);
      }
    }
    Map<String, RootState> loaded = s.load(Set.of(0)).await();
    assertThat(loaded).containsOnlyKeys("a", "d");
    assertThat(loaded.get("a").rootUid()).isEqualTo("a, latest");
    assertThat(loaded.get("d").rootUid()).isEqualTo("d, after a tombstone");
  }

  @Test
  void refusesMissingInputs() {
    Topics t = topics();
    assertThat(prepareFails(t, t.prefix() + "state", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(t.observations())
        .hasMessageContaining("does not exist");
  }

  @Test
  void refusesCommandsPartitionedUnlikeObservations() {
    Topics t = topics();
    createTopics(3, t.observations());
    createTopics(2, t.commands());
    assertThat(prepareFails(t, t.prefix() + "state", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            t.commands() + " has 2 partitions but " + t.observations() + " has 3");
  }

  @Test
  void refusesAStatePartitionCountOtherThanTheInputs() {
    Topics t = topics();
    createTopics(3, t.observations(), t.commands());
    assertThat(prepareFails(t, t.prefix() + "state", 5))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_STATE_PARTITIONS=5");
    createTopics(2, t.prefix() + "old-state");
    assertThat(prepareFails(t, t.prefix() + "old-state", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_STATE_TOPIC=" + t.prefix() + "old-state has 2 partitions");
  }

  @Test
  void refusesAStateTopicThatIsNotCompacted() {
    Topics t = topics();
    createTopics(3, t.observations(), t.commands(), t.prefix() + "deleting");
    assertThat(prepareFails(t, t.prefix() + "deleting", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cleanup.policy=delete");
  }
}
