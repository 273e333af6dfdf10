package dev.pitstop.tracer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.Topics;
import dev.pitstop.runtime.ops.ManagementConfig;
import dev.pitstop.runtime.ops.ManagementServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.otlp.OtlpReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tracer as its container runs it ({@code ServiceMain}: the management server beside the
 * service): {@code /readyz} is 503 until the service's consumer has its partitions and the broker
 * answers, then 200; it goes back to 503 when the service stops.
 */
class TracerReadinessIT {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = vertx.createHttpClient();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private JsonObject readyz(int port) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", "/readyz")
        .compose(r -> r.send())
        .compose(
            (HttpClientResponse r) ->
                r.body().map(b -> new JsonObject(b.toString()).put("code", r.statusCode())))
        .await();
  }

  @Test
  void readyzFlipsTo200OncePartitionsAreAssigned() {
    OtlpReceiver receiver = OtlpReceiver.start(vertx, 0).await();
    Topics topics = new Topics("it-tracer-ready-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(2, topics.observations(), topics.decisions(), topics.deadLetter());
    TracerConfig config =
        TracerConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "PITSTOP_TOPIC_PREFIX", topics.prefix(),
                "TRACER_OTLP_ENDPOINT", receiver.endpoint()));
    ManagementServer management =
        ManagementServer.start(vertx, ManagementConfig.anyPort(), "tracer").await();
    int port = management.port();
    assertThat(readyz(port).getInteger("code")).as("before the service starts").isEqualTo(503);

    TracerService tracer = TracerService.start(vertx, config).await();
    JsonObject first = readyz(port);
    if (first.getInteger("code") == 503) {
      assertThat(first.getJsonObject("checks").getString("consumer:" + config.consumerGroup()))
          .startsWith("no partitions assigned yet");
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> readyz(port).getInteger("code") == 200);
    JsonObject ready = readyz(port);
    assertThat(ready.getJsonObject("checks").getMap())
        .containsEntry("consumer:" + config.consumerGroup(), "ok")
        .containsEntry("kafka:" + config.consumerGroup() + "-deadletter", "ok")
        .hasSize(2);

    tracer.stop().await();
    assertThat(readyz(port).getInteger("code")).as("after the service stopped").isEqualTo(503);
    receiver.close().await();
  }
}
