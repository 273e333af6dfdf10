package dev.pitstop.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventCodecTest {
  @ParameterizedTest
  @EnumSource(EventType.class)
  void everyTypeRoundTripsThroughCloudEventsAndStructuredJson(EventType type) throws Exception {
    PitstopEvent e = SampleEvents.of(type);
    assertThat(EventCodec.fromCloudEvent(EventCodec.toCloudEvent(e))).isEqualTo(e);
    assertThat(EventCodec.fromStructuredJson(EventCodec.toStructuredJson(e))).isEqualTo(e);
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void everyTypeIsSpelledAsTheArchitectureSays(EventType type) {
    PitstopEvent e = SampleEvents.of(type);
    assertThat(type.type()).matches("dev\\.pitstop\\.[a-z]+\\.[a-z]+\\.v1");
    assertThat(e.source().toString()).matches("/pitstop/prod-eu/[a-z-]+");
    assertThat(e.subject())
        .startsWith("ci/")
        .matches("ci/(taskruns|pipelineruns|pods)/[a-z0-9-]+(/steps/[a-z0-9-]+)?");
    assertThat(e.partitionKey()).isEqualTo(SampleEvents.PIPELINE_RUN_UID);
  }

  @Test
  void rejectsForeignTypesMissingKeysAndBadDataWithAReason() {
    CloudEvent foreign =
        CloudEventBuilder.v1()
            .withId("1")
            .withType("dev.tekton.event.taskrun.started.v1")
            .withSource(URI.create("/x"))
            .build();
    assertThatThrownBy(() -> EventCodec.fromCloudEvent(foreign))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("unknown event type");
    CloudEvent noKey =
        CloudEventBuilder.v1(EventCodec.toCloudEvent(SampleEvents.of(EventType.STEP_FINISHED)))
            .withoutExtension(EventCodec.PARTITION_KEY)
            .build();
    assertThatThrownBy(() -> EventCodec.fromCloudEvent(noKey))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("partitionkey");
    CloudEvent badData =
        CloudEventBuilder.v1(EventCodec.toCloudEvent(SampleEvents.of(EventType.BREAKPOINT_PAUSED)))
            .withData("{\"mechanism\":\"onSomething\"}".getBytes(StandardCharsets.UTF_8))
            .build();
    assertThatThrownBy(() -> EventCodec.fromCloudEvent(badData))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("does not decode");
  }

  @Test
  void idsDependOnWhatHappenedNotOnWhenItWasSeen() {
    PitstopEvent a = SampleEvents.of(EventType.STEP_FINISHED);
    EventFactory other = new EventFactory("prod-eu", "watcher");
    PitstopEvent again = other.create(EventType.STEP_FINISHED, a.data(), a.time().plusSeconds(300));
    assertThat(again.id()).isEqualTo(a.id());
    assertThat(SampleEvents.of(EventType.STEP_STARTED).id()).isNotEqualTo(a.id());
    assertThat(SampleEvents.of(EventType.BREAKPOINT_PAUSED).id())
        .isNotEqualTo(SampleEvents.of(EventType.BREAKPOINT_CONTINUED).id())
        .hasSize(32);
  }
}
