package dev.pitstop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.bench.capacity.CapacityBench;
import dev.pitstop.bench.capacity.Target;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CapacitySetupTest {
  private static BenchOptions options(Duration duration, boolean smoke) {
    return new BenchOptions(10, 4, Duration.ofMillis(300), 0.2, 0, duration, null, smoke);
  }

  @Test
  void replaysTheTargetRateForTheDurationAndMeasuresEveryKafkaService() {
    CapacityBench.Setup s = Capacity.setup(options(Duration.ofSeconds(20), false), null);
    assertThat(s.minEvents()).isEqualTo(400_000);
    assertThat(s.drainLimit()).isEqualTo(Duration.ofSeconds(100));
    assertThat(s.sampleEvery()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.targets()).containsExactly(Target.values());
    assertThat(s.bootstrap()).isNull(); // its own embedded broker
  }

  @Test
  void aSmokeRunStaysSmall() {
    CapacityBench.Setup s = Capacity.setup(options(Duration.ofSeconds(3), true), null);
    assertThat(s.minEvents()).isEqualTo(Capacity.SMOKE_EVENTS);
    assertThat(s.drainLimit()).isLessThanOrEqualTo(Duration.ofSeconds(30));
  }
}
