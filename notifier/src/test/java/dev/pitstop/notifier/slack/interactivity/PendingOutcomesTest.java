package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingOutcomesTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final String URL = "https://hooks.slack.com/actions/T/1/x";
  private static final ButtonValue TARGET = ButtonValue.parse(SlackClicks.VALUE);
  private final EventFactory engine = new EventFactory("sandbox", "breakpoint-engine");

  @Test
  void aRejectionOfARememberedCommandAnswersItsUserWithTheEnginesReasonOnce() {
    PendingOutcomes p = new PendingOutcomes(10, Duration.ofMinutes(10));
    p.expect("c1", TARGET, URL, "continue", NOW);
    PitstopEvent rejected = rejected("c1", CommandRejected.FORBIDDEN, "alice may not exec in ci");
    assertThat(p.onEvent(rejected, NOW.plusSeconds(2)))
        .contains(
            new PendingOutcomes.Reply(
                URL,
                ":no_entry: Pitstop did not continue `ci/build-x7k2p-compile/test`: Forbidden"
                    + " — alice may not exec in ci"));
    assertThat(p.onEvent(rejected, NOW.plusSeconds(3))).isEmpty();
    assertThat(p.size()).isZero();
  }

  @Test
  void otherCommandsRejectionsAreNotOurs() {
    PendingOutcomes p = new PendingOutcomes(10, Duration.ofMinutes(10));
    p.expect("c1", TARGET, URL, "continue", NOW);
    assertThat(p.onEvent(rejected("other", "NotPaused", "x"), NOW)).isEmpty();
    assertThat(p.size()).isEqualTo(1);
  }

  @Test
  void aContinueOfTheStepSettlesItSilently() {
    PendingOutcomes p = new PendingOutcomes(10, Duration.ofMinutes(10));
    p.expect("c1", TARGET, URL, "continue", NOW);
    PitstopEvent continued =
        engine.create(
            EventType.BREAKPOINT_CONTINUED,
            new BreakpointContinued(
                TARGET.run(),
                SampleEvents.STEP,
                Mechanism.ON_FAILURE,
                Action.CONTINUE,
                Identity.of("alice"),
                "slack",
                NOW,
                NOW),
            NOW);
    assertThat(p.onEvent(continued, NOW)).isEmpty();
    assertThat(p.size()).isZero();
    assertThat(p.onEvent(rejected("c1", "NotPaused", "x"), NOW)).isEmpty();
  }

  @Test
  void forgetsAfterTheWaitAndBeyondTheCapacityAndWithoutAResponseUrl() {
    PendingOutcomes p = new PendingOutcomes(2, Duration.ofMinutes(10));
    p.expect("c1", TARGET, URL, "continue", NOW);
    assertThat(p.onEvent(rejected("c1", "Forbidden", "no"), NOW.plus(Duration.ofMinutes(11))))
        .isEmpty();
    p.expect("a", TARGET, URL, "continue", NOW);
    p.expect("b", TARGET, URL, "continue", NOW);
    p.expect("c", TARGET, URL, "continue", NOW);
    assertThat(p.size()).isEqualTo(2);
    assertThat(p.onEvent(rejected("a", "Forbidden", "no"), NOW)).isEmpty();
    assertThat(p.onEvent(rejected("c", "Forbidden", "no"), NOW)).isPresent();
    p.expect("d", TARGET, null, "continue", NOW);
    assertThat(p.onEvent(rejected("d", "Forbidden", "no"), NOW)).isEmpty();
  }

  @Test
  void onlyTheTypesItSaysSettleOrAnswerAnything() {
    // The notifier leaves every other type undecoded (NotifierService.actsOn): none may matter.
    for (EventType type : EventType.values()) {
      PitstopEvent e = SampleEvents.of(type);
      PendingOutcomes p = new PendingOutcomes(10, Duration.ofMinutes(10));
      String commandId =
          e.data() instanceof CommandRejected r ? r.command().requestId() : "c-" + type;
      p.expect(commandId, TARGET, URL, "continue", NOW);
      var run = e.data().run();
      p.expect(
          "held-" + type,
          new ButtonValue(run.namespace(), run.name(), null, run.uid(), null),
          URL,
          "continue",
          NOW);
      boolean acted = p.onEvent(e, NOW.plusSeconds(1)).isPresent() || p.size() < 2;
      assertThat(acted)
          .as("%s answers or settles", type)
          .isEqualTo(PendingOutcomes.SETTLED_BY.contains(type));
    }
  }

  private PitstopEvent rejected(String id, String reason, String message) {
    Command c =
        new Command(TARGET.run(), "test", Action.CONTINUE, Identity.of("alice"), "slack", NOW, id);
    return engine.create(
        EventType.COMMAND_REJECTED, new CommandRejected(c, reason, message, NOW), NOW);
  }
}
