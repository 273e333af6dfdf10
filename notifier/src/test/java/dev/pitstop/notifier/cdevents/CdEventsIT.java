package dev.pitstop.notifier.cdevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.notifier.NotifierService;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.receivers.WebhookReceiver;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A CDEvents-format webhook subscription through the whole notifier: the real embedded broker, a
 * real HTTP receiver checking Standard Webhooks signatures, next to a Pitstop-format one.
 */
@Timeout(120)
class CdEventsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private final Vertx vertx = Vertx.vertx();
  private WebhookReceiver cd;
  private WebhookReceiver pitstop;
  private EventPublisher publisher;
  private NotifierService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.stop().await();
    }
    for (WebhookReceiver r : new WebhookReceiver[] {cd, pitstop}) {
      if (r != null) {
        r.close().await();
      }
    }
    if (publisher != null) {
      publisher.close();
    }
    vertx.close().await();
  }

  @Test
  void aCdEventsSubscriptionGetsRunStartsAndFinishesAsSignedCdEventsAndNoBreakpoints() {
    Topics topics = new Topics("cdevents-it-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    publisher =
        new EventPublisher(vertx, KafkaSettings.of(SharedKafka.bootstrapServers(), topics), "it");
    cd = WebhookReceiver.start(vertx, 0).await().requireSignatures(SECRET);
    pitstop = WebhookReceiver.start(vertx, 0).await();
    service =
        NotifierService.start(
                vertx,
                NotifierConfig.fromMap(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        SharedKafka.bootstrapServers(),
                        "PITSTOP_TOPIC_PREFIX",
                        topics.prefix(),
                        "NOTIFIER_WEBHOOK_URLS",
                        "cdevents:" + cd.url() + "," + pitstop.url(),
                        "NOTIFIER_WEBHOOK_SECRETS",
                        SECRET,
                        "NOTIFIER_RETRY_BASE",
                        "50ms",
                        "NOTIFIER_RETRY_MAX",
                        "200ms",
                        "NOTIFIER_REQUEST_TIMEOUT",
                        "5s")))
            .await();

    List<EventType> order =
        List.of(
            EventType.PIPELINERUN_STARTED,
            EventType.TASKRUN_STARTED,
            EventType.STEP_STARTED,
            EventType.BREAKPOINT_PAUSED,
            EventType.BREAKPOINT_CONTINUED,
            EventType.STEP_FINISHED,
            EventType.TASKRUN_FINISHED,
            EventType.PIPELINERUN_FINISHED);
    for (EventType t : order) {
      publisher.publish(SampleEvents.of(t)).await();
    }

    // The Pitstop-format endpoint got the breakpoints and the PipelineRun's finish: by then the
    // CDEvents endpoint was offered whatever the router gave it for them.
    await().atMost(WAIT).until(() -> pitstop.received().size() >= 3 && cd.received().size() >= 4);
    assertThat(pitstop.received())
        .extracting(CloudEvent::getType)
        .contains(
            "dev.pitstop.breakpoint.paused.v1",
            "dev.pitstop.breakpoint.continued.v1",
            "dev.pitstop.pipelinerun.finished.v1");

    List<CloudEvent> got = cd.received();
    // One topic's events of a run arrive in order: the observations here.
    assertThat(got)
        .extracting(CloudEvent::getType)
        .containsExactly(
            "dev.cdevents.pipelinerun.started.0.2.0",
            "dev.cdevents.taskrun.started.0.2.0",
            "dev.cdevents.taskrun.finished.0.2.0",
            "dev.cdevents.pipelinerun.finished.0.2.0");
    assertThat(cd.requests()).allMatch(r -> r.encoding() == Encoding.BINARY);
    assertThat(cd.requests())
        .allSatisfy(
            r -> {
              assertThat(r.headers().get("webhook-id")).isEqualTo(r.headers().get("ce-id"));
              assertThat(r.headers()).containsKey("webhook-signature");
              assertThat(r.status()).isBetween(200, 299);
            });

    PitstopEvent finished = SampleEvents.of(EventType.PIPELINERUN_FINISHED);
    CloudEvent last = got.get(3);
    assertThat(last.getId()).isEqualTo(CdEventsProjection.project(finished).orElseThrow().id());
    assertThat(last.getSource().toString()).isEqualTo("/pitstop/prod-eu/ci/pipelineruns");
    JsonNode data = json(last);
    assertThat(data.at("/context/version").asText()).isEqualTo("0.4.1");
    assertThat(data.at("/context/id").asText()).isEqualTo(last.getId());
    assertThat(data.at("/context/type").asText()).isEqualTo(last.getType());
    assertThat(data.at("/subject/type").asText()).isEqualTo("pipelineRun");
    assertThat(data.at("/subject/id").asText()).isEqualTo("build-x7k2p");
    assertThat(data.at("/subject/content/pipelineName").asText()).isEqualTo("build");
    assertThat(data.at("/subject/content/outcome").asText()).isEqualTo("success");

    JsonNode task = json(got.get(2));
    assertThat(task.at("/subject/type").asText()).isEqualTo("taskRun");
    assertThat(task.at("/subject/content/pipelineRun/id").asText()).isEqualTo("build-x7k2p");
    assertThat(task.at("/subject/content/outcome").asText()).isEqualTo("success");
  }

  private static JsonNode json(CloudEvent ce) {
    try {
      return EventCodec.mapper().readTree(ce.getData().toBytes());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
