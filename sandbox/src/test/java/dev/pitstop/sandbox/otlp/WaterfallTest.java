package dev.pitstop.sandbox.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WaterfallTest {
  private static final long S = 1_000_000_000L;
  private static final String T = "0af7651916cd43dd8448eb211c80319c";

  private static ReceivedSpan span(String id, String parent, String name, long start, long end) {
    return new ReceivedSpan(T, id, parent, name, start, end, Map.of(), "UNSET", "INTERNAL");
  }

  @Test
  void drawsRunTasksAndStepsAsAnIndentedTreeOnOneTimeAxis() {
    List<ReceivedSpan> spans =
        List.of(
            span("0000000000000003", "0000000000000002", "clone", 1 * S, 3 * S),
            span("0000000000000001", null, "build", 0, 10 * S),
            span("0000000000000004", "0000000000000001", "compile", 5 * S, 10 * S),
            span("0000000000000002", "0000000000000001", "fetch", 0, 5 * S));

    String out = Waterfall.render(spans, 10);

    assertThat(out.lines().toList())
        .containsExactly(
            "build      +0ms   |██████████| 10.0s",
            "  fetch    +0ms   |█████     | 5.0s",
            "    clone  +1.0s  | ██       | 2.0s",
            "  compile  +5.0s  |     █████| 5.0s");
  }

  @Test
  void marksFailedSpansAndDrawsOrphansAsRoots() {
    ReceivedSpan failed =
        new ReceivedSpan(
            T, "0000000000000002", "00000000000000ff", "test", 0, S, Map.of(), "ERROR", "INTERNAL");

    String out = Waterfall.render(List.of(failed), 10);

    assertThat(out).startsWith("test ✗  +0ms  |██████████| 1.0s");
  }

  @Test
  void aZeroLengthSpanStillGetsOneCharacter() {
    assertThat(Waterfall.bar(10, 10, 10, 10)).isEqualTo("         █");
    assertThat(Waterfall.bar(0, 0, 10, 10)).isEqualTo("█         ");
  }

  @Test
  void formatsDurationsByMagnitude() {
    assertThat(Waterfall.duration(350_000_000L)).isEqualTo("350ms");
    assertThat(Waterfall.duration(12_400_000_000L)).isEqualTo("12.4s");
    assertThat(Waterfall.duration(185 * S)).isEqualTo("3m05s");
    assertThat(Waterfall.duration(3_720 * S)).isEqualTo("1h02m");
  }

  @Test
  void rejectsANarrowAxis() {
    assertThatThrownBy(() -> Waterfall.render(List.of(), 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
