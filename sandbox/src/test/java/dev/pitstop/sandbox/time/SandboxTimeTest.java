package dev.pitstop.sandbox.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxTimeTest {
  private String before;

  @BeforeEach
  void remember() {
    before = System.getProperty(SandboxTime.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(SandboxTime.PROPERTY);
    } else {
      System.setProperty(SandboxTime.PROPERTY, before);
    }
  }

  @Test
  void withoutThePropertyDurationsAreAsTheRealWorldHasThem() {
    System.clearProperty(SandboxTime.PROPERTY);
    assertThat(SandboxTime.scale()).isEqualTo(1.0);
    assertThat(SandboxTime.ofSeconds(8)).isEqualTo(Duration.ofSeconds(8));
    assertThat(SandboxTime.go(Duration.ofSeconds(6))).isEqualTo("6000ms");
  }

  @Test
  void everyDurationIsScaledByTheSameFactorKeepingProportions() {
    System.setProperty(SandboxTime.PROPERTY, "0.25");
    assertThat(SandboxTime.ofSeconds(8)).isEqualTo(Duration.ofSeconds(2));
    assertThat(SandboxTime.go(Duration.ofSeconds(6))).isEqualTo("1500ms");
    assertThat(SandboxTime.ofMillis(1)).isEqualTo(Duration.ofMillis(1));
    assertThat(SandboxTime.of(Duration.ZERO)).isZero();
  }

  @Test
  void aValueOutOfRangeOrNotANumberNamesTheProperty() {
    System.setProperty(SandboxTime.PROPERTY, "0");
    assertThatThrownBy(SandboxTime::scale).hasMessageContaining(SandboxTime.PROPERTY + "=0");
    System.setProperty(SandboxTime.PROPERTY, "fast");
    assertThatThrownBy(SandboxTime::scale).hasMessageContaining("not a number");
  }

  @Test
  void theScaledClockCountsRealWorldTimeFasterByTheFactor() {
    System.setProperty(SandboxTime.PROPERTY, "0.1");
    LongSupplier nanos = SandboxTime.nanos();
    long realStart = System.nanoTime();
    long start = nanos.getAsLong();
    long real;
    long scaled;
    do {
      real = System.nanoTime() - realStart;
      scaled = nanos.getAsLong() - start;
    } while (real < Duration.ofMillis(20).toNanos());
    // 20 ms of real time read as about 200 ms on the scaled clock (busy loop, no sleep).
    assertThat(scaled).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
  }
}
