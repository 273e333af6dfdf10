package dev.pitstop.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.notifier.cdevents.CdEventsProjection;
import dev.pitstop.notifier.routing.Router;
import dev.pitstop.notifier.slack.StatusCard;
import dev.pitstop.notifier.slack.interactivity.PendingOutcomes;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The notifier's consumer leaves the types outside {@link NotifierService#actsOn} undecoded: each
 * of them must be one that routing, CDEvents, rejections, cards and clicks all ignore.
 */
class NotifierActsOnTest {
  @Test
  void withoutSlackOnlyDeliveredProjectedAndRejectedTypesAreDecoded() {
    Set<EventType> actsOn = NotifierService.actsOn(false, false);
    for (EventType type : EventType.values()) {
      PitstopEvent e = SampleEvents.of(type);
      boolean used =
          Router.isNotable(e)
              || CdEventsProjection.projects(type)
              || e.data() instanceof CommandRejected;
      if (!actsOn.contains(type)) {
        assertThat(used).as("%s is skipped undecoded but used", type).isFalse();
      }
    }
    assertThat(actsOn)
        .contains(EventType.BREAKPOINT_PAUSED, EventType.PIPELINERUN_STARTED)
        .doesNotContain(EventType.STEP_STARTED, EventType.STEP_FINISHED, EventType.POD_READY);
  }

  @Test
  void withSlackTheCardsAndClicksTypesAreDecodedToo() {
    Set<EventType> actsOn = NotifierService.actsOn(true, true);
    assertThat(actsOn)
        .containsAll(NotifierService.actsOn(false, false))
        .containsAll(StatusCard.CHANGED_BY)
        .containsAll(PendingOutcomes.SETTLED_BY)
        .doesNotContain(EventType.STEP_STARTED, EventType.POD_SCHEDULED);
    for (EventType type : EventType.values()) {
      if (!actsOn.contains(type)) {
        assertThat(StatusCard.changesCard(SampleEvents.of(type)))
            .as("%s is skipped undecoded but changes a card", type)
            .isFalse();
      }
    }
    assertThat(NotifierService.actsOn(true, false)).doesNotContain(EventType.HOLD_RELEASED);
    assertThat(NotifierService.actsOn(false, true)).contains(EventType.HOLD_RELEASED);
  }
}
