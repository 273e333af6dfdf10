package dev.pitstop.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.Topics;
import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.vertx.core.Vertx;
import java.util.UUID;
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
    SharedKafka.createTopics(4, t.observations(), t.commands());
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
    SharedKafka.createTopics(3, t.observations());
    SharedKafka.createTopics(2, t.commands());
    assertThat(prepareFails(t, t.prefix() + "state", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            t.commands() + " has 2 partitions but " + t.observations() + " has 3");
  }

  @Test
  void refusesAStatePartitionCountOtherThanTheInputs() {
    Topics t = topics();
    SharedKafka.createTopics(3, t.observations(), t.commands());
    assertThat(prepareFails(t, t.prefix() + "state", 5))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_STATE_PARTITIONS=5");
    SharedKafka.createTopics(2, t.prefix() + "old-state");
    assertThat(prepareFails(t, t.prefix() + "old-state", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_STATE_TOPIC=" + t.prefix() + "old-state has 2 partitions");
  }

  @Test
  void refusesAStateTopicThatIsNotCompacted() {
    Topics t = topics();
    SharedKafka.createTopics(3, t.observations(), t.commands(), t.prefix() + "deleting");
    assertThat(prepareFails(t, t.prefix() + "deleting", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cleanup.policy=delete");
  }
}
