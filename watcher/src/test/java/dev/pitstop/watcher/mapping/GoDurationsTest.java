package dev.pitstop.watcher.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationsTest {
  @Test
  void parsesGoDurationsAsTektonWritesThem() {
    assertThat(GoDurations.parse("1h0m0s")).isEqualTo(Duration.ofHours(1));
    assertThat(GoDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDurations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDurations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDurations.parse("2us")).isEqualTo(Duration.ofNanos(2_000));
    assertThat(GoDurations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(GoDurations.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(GoDurations.parse("-1m")).isEqualTo(Duration.ofMinutes(-1));
  }

  @Test
  void rejectsWhatGoRejects() {
    assertThatThrownBy(() -> GoDurations.parse("1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDurations.parse("1d")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDurations.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDurations.parse("1h 2m"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
