package dev.pitstop.tracer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.runtime.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracerConfigTest {
  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void defaultsNeedOnlyTheKafkaBootstrapServers() {
    TracerConfig c = TracerConfig.fromMap(env());

    assertThat(c.cluster()).isEqualTo("sandbox");
    assertThat(c.kafka().client()).containsEntry("bootstrap.servers", "k:9092");
    assertThat(c.kafka().topics().observations()).isEqualTo("pitstop.observations");
    assertThat(c.otlpEndpoint()).hasToString("http://127.0.0.1:4318/v1/traces");
    assertThat(c.finishGrace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.dashboardUrl()).isNull();
    assertThat(c.otlpProtocol()).isEqualTo(TracerConfig.OtlpProtocol.HTTP_PROTOBUF);
    assertThat(c.consumerGroup()).isEqualTo("tracer");
  }

  @Test
  void grpcDefaultsToPort4317AndTakesNoPath() {
    TracerConfig c = TracerConfig.fromMap(env("TRACER_OTLP_PROTOCOL", "grpc"));
    assertThat(c.otlpProtocol()).isEqualTo(TracerConfig.OtlpProtocol.GRPC);
    assertThat(c.otlpEndpoint()).hasToString("http://127.0.0.1:4317");
    assertThat(
            TracerConfig.fromMap(
                    env(
                        "TRACER_OTLP_PROTOCOL",
                        "grpc",
                        "TRACER_OTLP_ENDPOINT",
                        "https://otel.example:4317/"))
                .otlpEndpoint())
        .hasToString("https://otel.example:4317/");
    assertThatThrownBy(
            () ->
                TracerConfig.fromMap(
                    env(
                        "TRACER_OTLP_PROTOCOL",
                        "grpc",
                        "TRACER_OTLP_ENDPOINT",
                        "http://otel:4317/v1/traces")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TRACER_OTLP_ENDPOINT");
    assertThatThrownBy(() -> TracerConfig.fromMap(env("TRACER_OTLP_PROTOCOL", "http/json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TRACER_OTLP_PROTOCOL");
  }

  @Test
  void aSecondTracerTakesItsOwnConsumerGroup() {
    assertThat(TracerConfig.fromMap(env("TRACER_CONSUMER_GROUP", "tracer-tempo")).consumerGroup())
        .isEqualTo("tracer-tempo");
    assertThatThrownBy(() -> TracerConfig.fromMap(env("TRACER_CONSUMER_GROUP", "a b")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TRACER_CONSUMER_GROUP");
  }

  @Test
  void readsEveryKey() {
    TracerConfig c =
        TracerConfig.fromMap(
            env(
                "PITSTOP_CLUSTER", "prod-eu",
                "PITSTOP_TOPIC_PREFIX", "t1.",
                "TRACER_OTLP_ENDPOINT", "https://otel.example:4318/v1/traces",
                "TRACER_FINISH_GRACE", "500ms",
                "TRACER_DASHBOARD_URL", "https://dash/#/namespaces/{namespace}/{kind}/{name}",
                "TRACER_MAX_OPEN_RUNS", "7"));

    assertThat(c.cluster()).isEqualTo("prod-eu");
    assertThat(c.kafka().topics().decisions()).isEqualTo("t1.decisions");
    assertThat(c.otlpEndpoint()).hasToString("https://otel.example:4318/v1/traces");
    assertThat(c.finishGrace()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.dashboardUrl()).hasToString("https://dash/#/namespaces/{namespace}/{kind}/{name}");
    assertThat(c.maxOpenRuns()).isEqualTo(7);
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> TracerConfig.fromMap(env("TRACER_OTLP_ENDPOINT", "otel:4318")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TRACER_OTLP_ENDPOINT");
    assertThatThrownBy(() -> TracerConfig.fromMap(env("TRACER_FINISH_GRACE", "soon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TRACER_FINISH_GRACE");
    assertThatThrownBy(() -> TracerConfig.fromMap(env("TRACER_DASHBOARD_URL", "https://d/{id}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TRACER_DASHBOARD_URL");
    assertThatThrownBy(() -> TracerConfig.fromMap(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
  }
}
