package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.RunRef;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ButtonValueTest {
  @Test
  void roundTripsAPausedStepAndAHeldTaskRunWithTheRootRunsUid() {
    RunRef tr = SampleEvents.TASK_RUN;
    ButtonValue step = ButtonValue.of(tr, "test");
    ButtonValue parsed = ButtonValue.parse(step.encode());
    assertThat(parsed).isEqualTo(step);
    assertThat(parsed.run().rootUid()).isEqualTo(tr.rootUid());
    assertThat(parsed.display()).isEqualTo(tr.namespace() + "/" + tr.name() + "/test");
    assertThat(parsed.isHold()).isFalse();

    ButtonValue hold = ButtonValue.parse(ButtonValue.of(tr, null).encode());
    assertThat(hold.isHold()).isTrue();
    assertThat(hold.step()).isNull();

    ButtonValue standalone =
        ButtonValue.parse("v1|ci|lint-abc12|lint|" + SlackClicks.TASK_RUN_UID + "|");
    assertThat(standalone.pipelineRunUid()).isNull();
    assertThat(
            EventFactory.partitionKeyOf(
                new dev.pitstop.events.data.Command(
                    standalone.run(), "lint", null, null, "slack", null, "id")))
        .isEqualTo(SlackClicks.TASK_RUN_UID);
  }

  @Test
  void refusesValuesThatAreNotWellFormed() {
    String uid = SlackClicks.TASK_RUN_UID;
    assertBad(null, "no value");
    assertBad("", "no value");
    assertBad("ci/build-x7k2p-compile/test", "not v1|");
    assertBad("v2|ci|tr|test|" + uid + "|", "not v1|");
    assertBad("v1|ci|tr|test|" + uid, "not v1|");
    assertBad("v1|ci|tr|test|" + uid + "||", "not v1|");
    assertBad("v1|CI|tr|test|" + uid + "|", "namespace");
    assertBad("v1|ci|tr_1|test|" + uid + "|", "taskRun");
    assertBad("v1|ci|tr|te st|" + uid + "|", "step");
    assertBad("v1|ci|tr|test||", "taskRun uid");
    assertBad("v1|ci|tr|test|" + uid + "|$(rm -rf)", "pipelineRun uid");
    assertBad("v1|ci|" + "a".repeat(700) + "|test|" + uid + "|", "longer than 600");
    assertBad("v1|ci|" + "a".repeat(254) + "|test|" + uid + "|", "taskRun");
  }

  @Test
  void randomStringsNeverParseIntoSomethingOutsideTheGrammar() {
    SplittableRandom r = new SplittableRandom(42);
    String alphabet = "v1|ci-/._ aZ09$\n\u00e9";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder(n % 3 == 0 ? "v1|" : "");
      int len = r.nextInt(60);
      for (int i = 0; i < len; i++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      try {
        ButtonValue v = ButtonValue.parse(b.toString());
        assertThat(ButtonValue.parse(v.encode())).isEqualTo(v);
        assertThat(v.namespace()).matches("[a-z0-9-]+");
      } catch (IllegalArgumentException expected) {
        // refused: fine
      }
    }
  }

  private static void assertBad(String value, String why) {
    assertThatThrownBy(() -> ButtonValue.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
  }
}
