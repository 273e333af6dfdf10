package dev.pitstop.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The management endpoints over a real consumer and publisher on the shared broker. */
class ManagementServerIT {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = vertx.createHttpClient();
  private final Topics topics = new Topics("ops-it-" + UUID.randomUUID() + ".");
  private final KafkaSettings settings = KafkaSettings.of(SharedKafka.bootstrapServers(), topics);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private int status(int port, String path) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(r -> r.send())
        .map(HttpClientResponse::statusCode)
        .await();
  }

  private String body(int port, String path) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(r -> r.send())
        .compose(HttpClientResponse::body)
        .await()
        .toString();
  }

  @Test
  void readyOnceAssignedAndMetricsCountWhatPassedThrough() throws Exception {
    SharedKafka.createTopics(2, topics.all().toArray(String[]::new));
    ManagementServer server =
        ManagementServer.start(vertx, ManagementConfig.anyPort(), "it").await();
    int port = server.port();
    List<String> mdcIds = new CopyOnWriteArrayList<>();
    EventPublisher publisher = new EventPublisher(vertx, settings, "ops-it");
    EventConsumer consumer =
        new EventConsumer(
            settings,
            Set.of(topics.observations()),
            "ops-it-consumer",
            publisher,
            e -> {
              mdcIds.add(MDC.get(LogContext.EVENT_ID) + "|" + MDC.get(LogContext.TRACE_ID));
              return e.type() == EventType.STEP_STARTED
                  ? Future.failedFuture("boom")
                  : Future.succeededFuture();
            });
    vertx.deployVerticle(consumer).await();
    assertThat(Ops.of(vertx).readiness().names())
        .containsExactlyInAnyOrder("consumer:ops-it-consumer", "kafka:ops-it");
    await().atMost(Duration.ofSeconds(30)).until(() -> status(port, "/readyz") == 200);

    PitstopEvent started = SampleEvents.of(EventType.TASKRUN_STARTED);
    publisher.publish(started).await();
    publisher.publish(started).await(); // a repeat
    publisher.publish(SampleEvents.of(EventType.STEP_STARTED)).await(); // the handler fails
    publisher
        .send(new ProducerRecord<>(topics.observations(), "k".getBytes(), "junk".getBytes()))
        .await();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(body(port, "/metrics"))
                    .contains(
                        "pitstop_events_consumed_total{consumer=\"ops-it-consumer\",type=\"dev.pitstop.taskrun.started.v1\"}"
                            + " 1.0")
                    .contains(
                        "pitstop_events_published_total{type=\"dev.pitstop.taskrun.started.v1\"} 2.0")
                    .contains("pitstop_events_repeated_total{consumer=\"ops-it-consumer\"} 1.0")
                    .contains(
                        "pitstop_events_deadlettered_total{consumer=\"ops-it-consumer\",reason=\"handler_failed\"}"
                            + " 1.0")
                    .contains(
                        "pitstop_events_deadlettered_total{consumer=\"ops-it-consumer\",reason=\"malformed\"}"
                            + " 1.0")
                    .contains("pitstop_consumer_lag_records{consumer=\"ops-it-consumer\""));
    assertThat(mdcIds).contains(started.id() + "|" + LogContext.traceId(started.partitionKey()));

    // Stopping the consumer takes its check away; the publisher's closing takes its own.
    vertx.undeploy(vertx.deploymentIDs().iterator().next()).await();
    publisher.closeAsync().await();
    assertThat(Ops.of(vertx).readiness().names()).isEmpty();
    assertThat(status(port, "/readyz")).isEqualTo(503);
  }

  @Test
  void notReadyWhenTheBrokerDoesNotAnswer() {
    // Nothing listens on port 1: the admin client gets no answer within the check's limit.
    EventPublisher publisher =
        new EventPublisher(vertx, KafkaSettings.of("127.0.0.1:1", topics), "nowhere");
    ManagementServer server =
        ManagementServer.start(vertx, ManagementConfig.anyPort(), "it").await();
    assertThat(status(server.port(), "/readyz")).isEqualTo(503);
    assertThat(body(server.port(), "/readyz")).contains("kafka:nowhere");
    publisher.closeAsync();
  }
}
