package dev.pitstop.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.Topics;
import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Start-up refuses topics whose partition counts would split a run's inputs and state. */
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
