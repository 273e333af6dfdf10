package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoDurationAndFailSpecTest {
  @Test
  void formatsAsGo() {
    assertThat(GoDuration.format(Duration.ofMinutes(60))).isEqualTo("1h0m0s");
    assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(GoDuration.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDuration.format(Duration.ofMillis(500))).isEqualTo("500ms");
  }

  @Test
  void parsesGoDurations() {
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> GoDuration.parse("5 minutes"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesFailSpecs() {
    assertThat(FailSpec.parseList("build/compile=2, -/unnamed-0"))
        .containsExactly(new FailSpec("build", "compile", 2), new FailSpec("-", "unnamed-0", 1));
    assertThatThrownBy(() -> FailSpec.parse("nostep")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FailSpec.parse("a/b=x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(SimulatorOptions.parseResults(List.of("fetch/commit=abc=1")))
        .containsEntry("fetch/commit", "abc=1");
  }
}
