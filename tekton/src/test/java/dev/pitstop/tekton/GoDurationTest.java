package dev.pitstop.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void parsesGoDurationsAsTektonWritesThem() {
    assertThat(GoDuration.parse("1h0m0s")).isEqualTo(Duration.ofHours(1));
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("2us")).isEqualTo(Duration.ofNanos(2_000));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse("-1m")).isEqualTo(Duration.ofMinutes(-1));
  }

  @Test
  void rejectsWhatGoRejects() {
    assertThatThrownBy(() -> GoDuration.parse("1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDuration.parse("1d")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDuration.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDuration.parse("1h 2m"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsAsGoDoes() {
    assertThat(GoDuration.format(Duration.ofMinutes(60))).isEqualTo("1h0m0s");
    assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(GoDuration.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDuration.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(GoDuration.parse(GoDuration.format(Duration.ofMillis(3_723_004))))
        .isEqualTo(Duration.ofMillis(3_723_004));
  }
}
