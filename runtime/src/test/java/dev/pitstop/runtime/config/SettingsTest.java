package dev.pitstop.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void parsesGoAndIsoDurations() {
    assertThat(Settings.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Settings.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Settings.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Settings.parseDuration("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Settings.parseDuration("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void aBadValueNamesItsKey() {
    Settings s = new Settings(Map.of("HOLD_WARNING", "5 minutes", "N", "x", "B", "yes"));
    assertThatThrownBy(() -> s.duration("HOLD_WARNING", Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("HOLD_WARNING=5 minutes");
    assertThatThrownBy(() -> s.integer("N", 1, 0, 9)).hasMessageStartingWith("N=x");
    assertThatThrownBy(() -> s.bool("B", false)).hasMessageStartingWith("B=yes");
    assertThatThrownBy(() -> s.required("MISSING")).hasMessageContaining("MISSING is required");
  }

  @Test
  void kafkaClientPropertiesPassThroughByPrefix() {
    KafkaSettings k =
        KafkaSettings.from(
            new Settings(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", "b:9092",
                    "KAFKA_SECURITY_PROTOCOL", "SSL",
                    "PITSTOP_TOPIC_PREFIX", "team1.")));
    assertThat(k.client())
        .containsEntry("bootstrap.servers", "b:9092")
        .containsEntry("security.protocol", "SSL");
    assertThat(k.topics().observations()).isEqualTo("team1.observations");
    assertThatThrownBy(() -> KafkaSettings.from(new Settings(Map.of())))
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(
            () ->
                KafkaSettings.from(
                    new Settings(
                        Map.of("KAFKA_BOOTSTRAP_SERVERS", "b", "PITSTOP_TOPIC_PREFIX", "a b"))))
        .hasMessageContaining("PITSTOP_TOPIC_PREFIX");
  }

  @Test
  void recordsEveryKeyReadPresentOrNotAndPrefixes() {
    var keys =
        Settings.keysRead(
            () -> {
              Settings s = new Settings(Map.of("A", "1", "UNREAD", "x", "KAFKA_X", "y"));
              s.integer("A", 0, 0, 9);
              s.duration("ABSENT", Duration.ZERO);
              s.bool("B", false);
              return KafkaSettings.from(new Settings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:9092")));
            });
    assertThat(keys).containsExactly("A", "ABSENT", "B", "KAFKA_*", "PITSTOP_TOPIC_PREFIX");
    // Outside keysRead nothing is recorded (and nothing leaks into the next call).
    new Settings(Map.of()).string("LATER", null);
    assertThat(Settings.keysRead(() -> null)).isEmpty();
  }
}
