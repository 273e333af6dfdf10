package dev.pitstop.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceRunTest {
  private static final RawKafka.Rate PRODUCE = new RawKafka.Rate(400_000, 0, 6_500_000_000L);

  private static ServiceRun run(long doneMillis, LagSampler.Sample... samples) {
    return new ServiceRun(
        Target.NOTIFIER_UNSUBSCRIBED,
        400_000,
        400_000,
        true,
        false,
        PRODUCE,
        6_500,
        doneMillis,
        List.of(samples),
        -1);
  }

  @Test
  void aServiceBehindAtTheReplaysEndIsMeasuredDrainingItsBacklogAlone() {
    // 200,000 left when the replay was in, all committed 5 s later: 40,000 events/s alone.
    ServiceRun r =
        run(
            12_000,
            new LagSampler.Sample(3_000, 200_000, 50_000),
            new LagSampler.Sample(7_000, 400_000, 200_000),
            new LagSampler.Sample(12_000, 400_000, 400_000));
    assertThat(r.keptUp()).isFalse();
    assertThat(r.perSecond()).isCloseTo(40_000, within(1.0));
  }

  @Test
  void aServiceThatKeptUpWithTheReplayReportsItsFedRateAsALowerBound() {
    // 8,822 left at the replay's end and committed over the next 1.5 s: a drain of commit
    // intervals, not a rate. Its rate over the run (50,000 events/s) is what it is known to take.
    ServiceRun r =
        run(
            8_000,
            new LagSampler.Sample(3_000, 200_000, 190_000),
            new LagSampler.Sample(6_500, 400_000, 391_178),
            new LagSampler.Sample(8_000, 400_000, 400_000));
    assertThat(r.keptUp()).isTrue();
    assertThat(r.perSecond()).isCloseTo(50_000, within(1.0)).isEqualTo(r.whileFedPerSecond());
  }
}
