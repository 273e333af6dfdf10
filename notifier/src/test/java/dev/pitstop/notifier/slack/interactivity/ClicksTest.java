package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.Identity;
import dev.pitstop.notifier.slack.StatusCard;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClicksTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final String URL = "https://hooks.slack.com/actions/T/1/x";
  private final Clicks clicks =
      new Clicks(
          SlackUsers.of(
              Map.of("U024BE7LH", new Identity("alice@example.com", List.of("developers")))),
          new EventFactory("sandbox", "notifier"));

  @Test
  void aKnownUsersContinueBecomesACommandWithTheMappedIdentityKeyedByTheRootRun() throws Exception {
    ClickDecision d = clicks.decide(click("U024BE7LH", StatusCard.CONTINUE), "req-1", NOW);
    assertThat(d).isInstanceOf(ClickDecision.Publish.class);
    ClickDecision.Publish p = (ClickDecision.Publish) d;
    assertThat(p.command().type()).isEqualTo(EventType.COMMAND_CONTINUE);
    assertThat(p.command().id()).isEqualTo("req-1");
    assertThat(p.command().partitionKey()).isEqualTo(SlackClicks.PIPELINE_RUN_UID);
    assertThat(p.command().subject()).isEqualTo("ci/taskruns/build-x7k2p-compile/steps/test");
    assertThat(p.command().source().toString()).isEqualTo("/pitstop/sandbox/notifier");
    Command c = (Command) p.command().data();
    assertThat(c.action()).isEqualTo(Action.CONTINUE);
    assertThat(c.via()).isEqualTo("slack");
    assertThat(c.step()).isEqualTo("test");
    assertThat(c.requestedAt()).isEqualTo(NOW);
    assertThat(c.run().namespace()).isEqualTo("ci");
    assertThat(c.run().name()).isEqualTo("build-x7k2p-compile");
    assertThat(c.run().uid()).isEqualTo(SlackClicks.TASK_RUN_UID);
    assertThat(c.requestedBy().username()).isEqualTo("alice@example.com");
    assertThat(c.requestedBy().groups()).containsExactly("developers");
    assertThat(c.requestedBy().attributes())
        .containsEntry(Identity.SLACK_USER_ID, "U024BE7LH")
        .containsEntry(Identity.SLACK_USER_NAME, "alice")
        .containsEntry(Identity.SLACK_TEAM_ID, "T024BE7LD");
    // and it survives the wire
    assertThat(EventCodec.fromCloudEvent(EventCodec.toCloudEvent(p.command())))
        .isEqualTo(p.command());
  }

  @Test
  void failAndContinueBecomesAFailContinueCommand() {
    ClickDecision.Publish p =
        (ClickDecision.Publish)
            clicks.decide(click("U024BE7LH", StatusCard.FAIL_CONTINUE), "req-2", NOW);
    assertThat(p.command().type()).isEqualTo(EventType.COMMAND_FAIL_CONTINUE);
    assertThat(((Command) p.command().data()).action()).isEqualTo(Action.FAIL_CONTINUE);
  }

  @Test
  void anUnknownUserIsRefusedWithAMessageSayingWhyAndWhatToDo() {
    ClickDecision d = clicks.decide(click("U0STRANGER", StatusCard.CONTINUE), "req-3", NOW);
    assertThat(d).isInstanceOf(ClickDecision.Refuse.class);
    assertThat(((ClickDecision.Refuse) d).message())
        .contains("U0STRANGER")
        .contains("ci/build-x7k2p-compile/test")
        .contains("NOTIFIER_SLACK_USERS_FILE");
  }

  @Test
  void unknownActionIdsAndForgedValuesAreMalformed() {
    assertThat(clicks.decide(click("U024BE7LH", "pitstop.delete"), "r", NOW))
        .isInstanceOf(ClickDecision.Malformed.class);
    Interaction forged =
        new Interaction(
            "U024BE7LH",
            null,
            null,
            null,
            null,
            URL,
            StatusCard.CONTINUE,
            "v1|kube-system|x|y|../../etc|");
    assertThat(clicks.decide(forged, "r", NOW))
        .isEqualTo(new ClickDecision.Malformed("taskRun uid is not well-formed"));
  }

  private static Interaction click(String user, String actionId) {
    return new Interaction(
        user,
        "alice",
        "T024BE7LD",
        "C0123CI",
        "1700000000.000100",
        URL,
        actionId,
        SlackClicks.VALUE);
  }
}
