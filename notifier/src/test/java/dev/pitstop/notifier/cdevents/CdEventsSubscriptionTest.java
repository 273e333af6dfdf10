package dev.pitstop.notifier.cdevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.events.EventType;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.notifier.routing.Endpoint;
import dev.pitstop.notifier.routing.Router;
import dev.pitstop.notifier.routing.Routes;
import dev.pitstop.notifier.routing.Subscription;
import dev.pitstop.runtime.config.ConfigException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a webhook subscription chooses the CDEvents format, and what such an endpoint is routed. */
class CdEventsSubscriptionTest {
  private static final URI URL = URI.create("https://cd.example.com/events");

  @Test
  void aRouteChoosesTheCdEventsFormat() {
    List<Subscription> subs =
        Routes.parse(
            """
            routes:
              - webhook: https://cd.example.com/events
                format: cdevents
              - webhook: https://cd.example.com/events
            """);
    assertThat(subs.get(0).endpoint().format()).isEqualTo(Endpoint.Format.CDEVENTS);
    assertThat(subs.get(0).endpoint().name()).isEqualTo("cdevents:https://cd.example.com/events");
    assertThat(subs.get(1).endpoint().format()).isEqualTo(Endpoint.Format.PITSTOP);
    assertThat(subs.get(0).endpoint()).isNotEqualTo(subs.get(1).endpoint());
  }

  @Test
  void aWrongFormatOrAFormatOnSlackIsRefused() {
    assertThatThrownBy(
            () -> Routes.parse("routes: [{webhook: 'https://x.example.com/', format: xml}]"))
        .hasMessageContaining("route 1")
        .hasMessageContaining("not a webhook format");
    assertThatThrownBy(() -> Routes.parse("routes: [{slack: '#ci', format: cdevents}]"))
        .hasMessageContaining("format is for webhooks only");
  }

  @Test
  void aWebhookUrlEntryPrefixedCdEventsChoosesTheFormat() {
    NotifierConfig c =
        NotifierConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "localhost:9092",
                "NOTIFIER_WEBHOOK_URLS",
                "cdevents:https://cd.example.com/events,https://cd.example.com/events"));
    assertThat(c.webhooks())
        .extracting(Endpoint::format)
        .containsExactly(Endpoint.Format.CDEVENTS, Endpoint.Format.PITSTOP);
    assertThatThrownBy(
            () ->
                NotifierConfig.fromMap(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "localhost:9092",
                        "NOTIFIER_WEBHOOK_URLS",
                        "cdevents:https://a.example.com/,CDEVENTS:https://a.example.com/")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listed twice");
  }

  @Test
  void aCdEventsEndpointIsRoutedRunStartsAndFinishesOnly() {
    Endpoint cd = Endpoint.webhook(URL, Endpoint.Format.CDEVENTS);
    Endpoint pitstop = Endpoint.webhook(URL);
    Router router = new Router(List.of(Subscription.toAll(cd), Subscription.toAll(pitstop)));
    List<EventType> toCd =
        Arrays.stream(EventType.values())
            .filter(t -> router.route(SampleEvents.of(t)).contains(cd))
            .toList();
    // The sample TaskRun belongs to a PipelineRun: its finish is not notable, but is a CDEvent.
    assertThat(toCd)
        .containsExactlyInAnyOrder(
            EventType.PIPELINERUN_STARTED,
            EventType.PIPELINERUN_FINISHED,
            EventType.TASKRUN_STARTED,
            EventType.TASKRUN_FINISHED);
    assertThat(router.route(SampleEvents.of(EventType.BREAKPOINT_PAUSED))).containsExactly(pitstop);
    assertThat(router.route(SampleEvents.of(EventType.PIPELINERUN_STARTED))).containsExactly(cd);
  }
}
