package dev.pitstop.watcher.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.data.Mechanism;
import dev.pitstop.watcher.mapping.BreakpointMarker;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MarkerScannerTest {
  @Test
  void findsTheOnFailureMarkerWithItsKubeletTimeAndTheLinesBefore() {
    MarkerScanner s = new MarkerScanner();
    assertThat(s.accept("2026-11-21T09:00:01.5Z compiling")).isEmpty();
    assertThat(s.accept("2026-11-21T09:00:02Z error: boom")).isEmpty();

    Optional<BreakpointMarker> m =
        s.accept(
            "2026-11-21T09:00:03.123456789Z 2026/11/21 09:00:03 debug onFailure breakpoint has taken effect, waiting for user's decision:");

    assertThat(m).isPresent();
    assertThat(m.get().mechanism()).isEqualTo(Mechanism.ON_FAILURE);
    assertThat(m.get().at()).isEqualTo(Instant.parse("2026-11-21T09:00:03.123456789Z"));
    assertThat(m.get().logTail()).containsExactly("compiling", "error: boom");
  }

  @Test
  void findsTheBeforeStepMarkerOnceAndThenAnOnFailureMarkerInTheSameContainer() {
    MarkerScanner s = new MarkerScanner();
    String before =
        "2026-11-21T09:00:00Z 2026/11/21 09:00:00 debug before step breakpoint has taken effect, waiting for user's decision:";
    assertThat(s.accept(before)).map(BreakpointMarker::mechanism).contains(Mechanism.BEFORE_STEPS);
    assertThat(s.accept(before)).isEmpty();
    assertThat(s.accept("2026-11-21T09:00:05Z x debug onFailure breakpoint has taken effect"))
        .map(BreakpointMarker::mechanism)
        .contains(Mechanism.ON_FAILURE);
  }

  @Test
  void keepsOnlyTheLastTwentyLinesEachCutToAThousandCharacters() {
    MarkerScanner s = new MarkerScanner();
    IntStream.range(0, 100).forEach(i -> s.accept("2026-11-21T09:00:00Z line " + i));
    s.accept("2026-11-21T09:00:00Z " + "y".repeat(5_000));

    BreakpointMarker m =
        s.accept("2026-11-21T09:00:01Z debug onFailure breakpoint has taken effect").orElseThrow();

    assertThat(m.logTail()).hasSize(MarkerScanner.TAIL_LINES);
    assertThat(m.logTail().get(0)).isEqualTo("line 81");
    assertThat(m.logTail().get(19)).hasSize(MarkerScanner.MAX_LINE);
  }

  @Test
  void aLineWithoutKubeletTimestampHasNoTime() {
    BreakpointMarker m =
        new MarkerScanner().accept("debug onFailure breakpoint has taken effect").orElseThrow();
    assertThat(m.at()).isNull();
  }
}
