package dev.pitstop.engine.breakpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the book keeps per run: the same content, repeated strings shared, read back unchanged. */
class CompactTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  static RunRef run(int i) {
    String pr = new String("release-" + i);
    return new RunRef(
        new String("TaskRun"),
        new String("ci"),
        pr + "-unit-tests",
        "uid-" + i,
        pr,
        "pr-uid-" + i,
        new String("release"),
        new String("unit-tests"),
        null,
        0,
        Map.of(
            new String("tekton.dev/pipelineRun"), new String(pr),
            new String("tekton.dev/pipeline"), new String("release")),
        Map.of(new String("pitstop.dev/breakpoints"), new String("{\"onFailure\":\"enabled\"}")));
  }

  static Breakpoint paused(int i, List<String> tail) {
    RunRef r = run(i);
    String pod = r.name() + "-pod";
    return new Breakpoint(
        new BreakpointKey(new String("ci"), new String(r.name()), new String("test")),
        r,
        new StepRef("test", 1, "step-test", new String(pod)),
        Mechanism.ON_FAILURE,
        new String(pod),
        new String("step-test"),
        T0,
        null,
        tail,
        Breakpoint.execCommand("ci", pod, "step-test"),
        Breakpoint.State.PAUSED,
        null,
        null,
        null,
        null);
  }

  @Test
  void sharesRepeatedStringsAcrossAndWithinRunsWithoutChangingWhatIsKept() {
    Breakpoint a = Compact.breakpoint(paused(1, List.of("x")));
    Breakpoint b = Compact.breakpoint(paused(2, List.of("y")));
    assertThat(a).isEqualTo(paused(1, List.of("x")));
    assertThat(a.run().namespace()).isSameAs(b.run().namespace()).isSameAs(a.key().namespace());
    assertThat(a.run().pipeline()).isSameAs(b.run().pipeline());
    assertThat(a.run().labels().get("tekton.dev/pipelineRun")).isSameAs(a.run().pipelineRun());
    assertThat(a.run().annotations().values().iterator().next())
        .isSameAs(b.run().annotations().values().iterator().next());
    assertThat(a.key().taskRun()).isSameAs(a.run().name());
    assertThat(a.pod()).isSameAs(a.step().pod());
    assertThat(a.container()).isSameAs(b.container());
    assertThat(a.exec())
        .isEqualTo("kubectl exec -it -n ci release-1-unit-tests-pod -c step-test -- sh");
  }

  @Test
  void anExecThatIsNotTheDerivedCommandIsKeptAsItIs() {
    Breakpoint p = paused(1, List.of());
    Breakpoint other =
        new Breakpoint(
            p.key(),
            p.run(),
            p.step(),
            p.mechanism(),
            p.pod(),
            p.container(),
            T0,
            null,
            List.of(),
            "ssh somewhere",
            p.state(),
            null,
            null,
            null,
            null);
    assertThat(other.exec()).isEqualTo("ssh somewhere");
    assertThat(other).isNotEqualTo(p);
    Breakpoint none =
        new Breakpoint(
            p.key(),
            p.run(),
            p.step(),
            p.mechanism(),
            p.pod(),
            p.container(),
            T0,
            null,
            List.of(),
            null,
            p.state(),
            null,
            null,
            null,
            null);
    assertThat(none.exec()).isNull();
  }

  @Test
  void logLinesReadBackAsTheyWereOnSeededRandomInput() throws Exception {
    Random rnd = new Random(7);
    for (int round = 0; round < 200; round++) {
      List<String> lines = new ArrayList<>();
      int n = rnd.nextInt(21);
      for (int i = 0; i < n; i++) {
        char[] c = new char[rnd.nextInt(40)];
        for (int j = 0; j < c.length; j++) {
          c[j] = (char) (rnd.nextBoolean() ? 'a' + rnd.nextInt(26) : rnd.nextInt(0x3000));
        }
        lines.add(new String(c));
      }
      Breakpoint bp = paused(round, lines);
      assertThat(bp.logTail()).as("round %d", round).isEqualTo(lines);
      assertThat(bp.logTail().hashCode()).isEqualTo(lines.hashCode());
      byte[] json = EventCodec.mapper().writeValueAsBytes(bp);
      Breakpoint back = EventCodec.mapper().readValue(json, Breakpoint.class);
      assertThat(back).isEqualTo(bp);
      assertThat(back.logTail()).isEqualTo(lines);
      assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
          .contains("\"exec\":\"kubectl exec -it -n ci ");
    }
  }
}
