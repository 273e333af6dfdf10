package dev.pitstop.notifier.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.sandbox.receivers.SlackApiEmulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatusCardTest {
  private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
  private static final EventFactory F = new EventFactory("sandbox", "test");

  private static JsonNode json(StatusCard c) {
    return EventCodec.mapper().valueToTree(c.blocks(NOW));
  }

  private static PitstopEvent paused(List<String> tail, String exec) {
    BreakpointPaused p = SampleEvents.of(EventType.BREAKPOINT_PAUSED).data(BreakpointPaused.class);
    return F.create(
        EventType.BREAKPOINT_PAUSED,
        new BreakpointPaused(
            p.run(),
            p.step(),
            p.mechanism(),
            p.pausedAt(),
            p.decidedAt(),
            tail,
            p.deadline(),
            exec),
        p.decidedAt());
  }

  private static PitstopEvent childFinished(String name, boolean ok) {
    RunRef t = SampleEvents.TASK_RUN;
    RunRef r =
        new RunRef(
            t.kind(),
            t.namespace(),
            name,
            name + "-uid",
            t.pipelineRun(),
            t.pipelineRunUid(),
            t.pipeline(),
            name,
            t.task(),
            0,
            t.labels(),
            t.annotations());
    return F.create(
        EventType.TASKRUN_FINISHED,
        new RunFinished(
            r, ok ? "True" : "False", ok ? "Succeeded" : "Failed", "m", NOW, NOW, List.of()),
        NOW);
  }

  @Test
  void aPausedStepShowsWhatAPersonNeedsWithStableButtons() {
    StatusCard card =
        StatusCard.of(SampleEvents.TASK_RUN).apply(SampleEvents.of(EventType.BREAKPOINT_PAUSED));
    assertThat(card.run().name()).isEqualTo(SampleEvents.PIPELINE_RUN.name());
    JsonNode blocks = json(card);
    assertThat(SlackApiEmulator.checkBlocks(blocks)).isEmpty();
    String s = blocks.toString();
    assertThat(s)
        .contains("*Task* `compile`", "*Step* `test`", "*Breakpoint* `onFailure`")
        .contains("*Exit code* _not reported while paused_")
        .contains("*Timeout in* 30m")
        .contains("ShopTest.checkout:17 expected 3")
        .contains("kubectl exec -it -n ci build-x7k2p-compile-pod -c step-test -- sh");
    JsonNode actions = blocks.get(blocks.size() - 1);
    assertThat(actions.get("type").asText()).isEqualTo("actions");
    assertThat(actions.get("block_id").asText()).isEqualTo(StatusCard.ACTIONS_BLOCK);
    assertThat(actions.get("elements").get(0).get("action_id").asText())
        .isEqualTo("pitstop.continue");
    assertThat(actions.get("elements").get(1).get("action_id").asText())
        .isEqualTo("pitstop.failcontinue");
    String value = actions.get("elements").get(0).get("value").asText();
    assertThat(value)
        .isEqualTo(
            "v1|ci|build-x7k2p-compile|test|"
                + SampleEvents.TASK_RUN_UID
                + "|"
                + SampleEvents.PIPELINE_RUN_UID);
    // What the interactivity endpoint reads back: the same step, keyed by the root run.
    var read = dev.pitstop.notifier.slack.interactivity.ButtonValue.parse(value);
    assertThat(read.taskRun()).isEqualTo("build-x7k2p-compile");
    assertThat(read.step()).isEqualTo("test");
    assertThat(read.pipelineRunUid()).isEqualTo(SampleEvents.PIPELINE_RUN_UID);
  }

  @Test
  void aReleaseFromASlackButtonShowsTheClickerAsAMentionAndOthersByUserName() {
    BreakpointContinued c =
        SampleEvents.of(EventType.BREAKPOINT_CONTINUED).data(BreakpointContinued.class);
    assertThat(StatusCard.releasedBy(c)).isEqualTo(c.by().username());
    Identity clicker =
        new Identity(
            "alice@example.com",
            List.of("developers"),
            java.util.Map.of(Identity.SLACK_USER_ID, "U024BE7LH"));
    BreakpointContinued fromSlack = withBy(c, clicker);
    assertThat(StatusCard.releasedBy(fromSlack)).isEqualTo("<@U024BE7LH>");
    // A forged attribute cannot inject markup: anything but a Slack id falls back to the user.
    BreakpointContinued forged =
        withBy(
            c,
            new Identity(
                "alice@example.com",
                List.of(),
                java.util.Map.of(Identity.SLACK_USER_ID, "U1> <!channel")));
    assertThat(StatusCard.releasedBy(forged)).isEqualTo("alice@example.com");
    StatusCard card =
        StatusCard.of(SampleEvents.TASK_RUN)
            .apply(SampleEvents.of(EventType.BREAKPOINT_PAUSED))
            .apply(F.create(EventType.BREAKPOINT_CONTINUED, fromSlack, NOW));
    assertThat(json(card).toString()).contains("<@U024BE7LH>").doesNotContain("pitstop.continue");
  }

  @Test
  void theExitCodeShowsWhenTheStepFinishedWithIt() {
    PitstopEvent p = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    BreakpointPaused bp = p.data(BreakpointPaused.class);
    PitstopEvent failed =
        F.create(
            EventType.STEP_FINISHED,
            new StepFinished(bp.run(), bp.step(), 2, "Error", NOW, NOW, null),
            NOW);
    assertThat(StatusCard.changesCard(failed)).isTrue();
    assertThat(StatusCard.changesCard(SampleEvents.of(EventType.STEP_FINISHED))).isFalse();
    StatusCard card = StatusCard.of(bp.run()).apply(p).apply(failed);
    assertThat(json(card).toString())
        .contains("*Exit code* `2`")
        .contains("Last failed step: `compile`/`test` exit code 2");
  }

  @Test
  void logLinesAreRedactedEscapedAndBoundedWithinSlacksLimits() {
    Random random = new Random(42);
    List<String> tail = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      StringBuilder b = new StringBuilder("line " + i + " ");
      for (int j = 0; j < 900; j++) {
        b.append((char) ('a' + random.nextInt(26)));
      }
      tail.add(b.toString());
    }
    tail.add("password=hunter2 <!channel> & ``` xoxb-1234567890-abcdefghij");
    StatusCard card =
        StatusCard.of(SampleEvents.PIPELINE_RUN).apply(paused(tail, "kubectl exec `rm -rf` <@U1>"));
    JsonNode blocks = json(card);
    assertThat(SlackApiEmulator.checkBlocks(blocks)).isEmpty();
    for (JsonNode b : blocks) {
      if (b.has("text")) {
        assertThat(b.get("text").get("text").asText().length()).isLessThanOrEqualTo(3000);
      }
    }
    String s = blocks.toString();
    assertThat(s)
        .doesNotContain("hunter2")
        .doesNotContain("xoxb-1234567890")
        .doesNotContain("<!channel>")
        .contains("&lt;!channel&gt; &amp;")
        .doesNotContain("<@U1>")
        .doesNotContain("line 0 ");
  }

  @Test
  void aReleaseReplacesTheButtonsAndNamesWhoReleasedIt() {
    StatusCard card =
        StatusCard.of(SampleEvents.PIPELINE_RUN)
            .apply(SampleEvents.of(EventType.BREAKPOINT_PAUSED));
    StatusCard continued = card.apply(SampleEvents.of(EventType.BREAKPOINT_CONTINUED));
    String after = json(continued).toString();
    assertThat(after)
        .doesNotContain("pitstop.continue")
        .contains("Continued by alice@example.com")
        .contains(StatusCard.RELEASED_BLOCK);

    BreakpointContinued c =
        SampleEvents.of(EventType.BREAKPOINT_CONTINUED).data(BreakpointContinued.class);
    BreakpointContinued failContinue =
        new BreakpointContinued(
            c.run(),
            c.step(),
            c.mechanism(),
            Action.FAIL_CONTINUE,
            Identity.of("bob"),
            "slack",
            c.pausedAt(),
            c.decidedAt());
    JsonNode released = json(card.released(failContinue, "<@U0BOB>"));
    assertThat(SlackApiEmulator.checkBlocks(released)).isEmpty();
    assertThat(released.toString())
        .contains("Failed and continued by <@U0BOB>")
        .doesNotContain("pitstop.failcontinue");
  }

  @Test
  void eventsSeenTwiceCountOnceAndTheRootsFinishEndsTheCard() {
    StatusCard card = StatusCard.of(SampleEvents.PIPELINE_RUN);
    PitstopEvent a = childFinished("compile", true);
    PitstopEvent b = childFinished("lint", false);
    card = card.apply(a).apply(a).apply(b).apply(b);
    assertThat(card.finishedTasks()).containsExactly("compile", "lint");
    assertThat(card.failedTasks()).containsExactly("lint");
    assertThat(card.runDone()).isFalse();
    card = card.apply(SampleEvents.of(EventType.PIPELINERUN_FINISHED));
    assertThat(card.runDone()).isTrue();
    assertThat(card.text()).contains("succeeded").contains("build-x7k2p");
    assertThat(json(card).toString()).contains("Tasks finished: 2 (1 failed)");
    assertThat(StatusCard.reply(b)).get().asString().contains("task `lint` failed (Failed)");
    assertThat(StatusCard.reply(a)).isEmpty();
  }

  @Test
  void whenACardIsPosted() {
    StatusCard card = StatusCard.of(SampleEvents.PIPELINE_RUN);
    assertThat(card.worthPosting(StatusCard.PostOn.START)).isTrue();
    assertThat(card.worthPosting(StatusCard.PostOn.PAUSE)).isFalse();
    assertThat(
            card.apply(SampleEvents.of(EventType.BREAKPOINT_PAUSED))
                .worthPosting(StatusCard.PostOn.PAUSE))
        .isTrue();
    RunFinished ok = SampleEvents.of(EventType.PIPELINERUN_FINISHED).data(RunFinished.class);
    PitstopEvent failed =
        F.create(
            EventType.PIPELINERUN_FINISHED,
            new RunFinished(ok.run(), "False", "Failed", "x", NOW, NOW, List.of()),
            NOW);
    assertThat(card.apply(failed).worthPosting(StatusCard.PostOn.PAUSE)).isTrue();
    assertThat(
            card.apply(SampleEvents.of(EventType.PIPELINERUN_FINISHED))
                .worthPosting(StatusCard.PostOn.PAUSE))
        .isFalse();
    assertThat(StatusCard.PostOn.of(" Start ")).isEqualTo(StatusCard.PostOn.START);
    assertThatThrownBy(() -> StatusCard.PostOn.of("finish")).hasMessageContaining("start or pause");
  }

  @Test
  void theCardSurvivesTheStateTopicAsJson() throws Exception {
    StatusCard card =
        StatusCard.of(SampleEvents.PIPELINE_RUN)
            .apply(childFinished("compile", false))
            .apply(SampleEvents.of(EventType.BREAKPOINT_PAUSED))
            .apply(SampleEvents.of(EventType.BREAKPOINT_CONTINUED));
    SlackCards.Stored stored = new SlackCards.Stored("C0123", "1.000001", card);
    String json = EventCodec.mapper().writeValueAsString(stored);
    SlackCards.Stored back = EventCodec.mapper().readValue(json, SlackCards.Stored.class);
    assertThat(back).isEqualTo(stored);
    assertThat(back.card().blocks(NOW)).isEqualTo(card.blocks(NOW));
  }

  @Test
  void repliesForPausesReleasesAndEnds() {
    assertThat(StatusCard.reply(SampleEvents.of(EventType.BREAKPOINT_PAUSED)))
        .get()
        .asString()
        .contains("`compile`/`test` paused at `onFailure`");
    assertThat(StatusCard.reply(SampleEvents.of(EventType.BREAKPOINT_CONTINUED)))
        .get()
        .asString()
        .contains("continued by alice@example.com");
    assertThat(StatusCard.reply(SampleEvents.of(EventType.BREAKPOINT_ENDED)))
        .get()
        .asString()
        .contains("ended without a release");
    assertThat(StatusCard.reply(SampleEvents.of(EventType.PIPELINERUN_FINISHED))).isEmpty();
  }

  @Test
  void docsShowThePausedCardAsItIsRendered() throws Exception {
    String doc =
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "notifications.md"));
    int at = doc.indexOf("### The card (Block Kit JSON)");
    int start = doc.indexOf("```json", at) + "```json".length();
    int end = doc.indexOf("\n```\n", start);
    JsonNode shown = EventCodec.mapper().readTree(doc.substring(start, end));
    StatusCard card =
        StatusCard.of(SampleEvents.TASK_RUN).apply(SampleEvents.of(EventType.BREAKPOINT_PAUSED));
    assertThat(shown).isEqualTo(json(card));
  }

  @Test
  void theEmulatorRefusesBlocksBeyondSlacksLimits() throws Exception {
    JsonNode tooLong =
        EventCodec.mapper()
            .readTree(
                "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\""
                    + "x".repeat(3001)
                    + "\"}}]");
    assertThat(SlackApiEmulator.checkBlocks(tooLong)).get().asString().contains("3000");
    JsonNode unknown = EventCodec.mapper().readTree("[{\"type\":\"carousel\"}]");
    assertThat(SlackApiEmulator.checkBlocks(unknown)).isPresent();
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",").append("{\"type\":\"divider\"}");
    }
    assertThat(SlackApiEmulator.checkBlocks(EventCodec.mapper().readTree(many + "]"))).isPresent();
  }

  private static BreakpointContinued withBy(BreakpointContinued c, Identity by) {
    return new BreakpointContinued(
        c.run(),
        c.step(),
        c.mechanism(),
        c.action(),
        by,
        c.via(),
        c.pausedAt(),
        c.decidedAt(),
        c.releasedThrough(),
        c.releaseContainer());
  }
}
