package dev.pitstop.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.Topics;
import dev.pitstop.runtime.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
  @Test
  void producerSendsEachRecordAtOnceUnlessTold() {
    KafkaSettings s = KafkaSettings.of("localhost:9092", new Topics("t."));

    assertThat(s.producerConfig("p"))
        .containsEntry("linger.ms", "0")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("client.id", "p");
  }

  @Test
  void lingerFromTheEnvironmentWins() {
    KafkaSettings s =
        KafkaSettings.from(
            new Settings(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", "KAFKA_LINGER_MS", "5")));

    assertThat(s.producerConfig("p")).containsEntry("linger.ms", "5");
  }
}
