package dev.pitstop.bench.capacity;

import java.util.List;

/**
 * One service's capacity run: the replay produced at full speed into its fresh observations topic
 * while it consumed alone, its group's committed offsets sampled throughout.
 *
 * @param target the service
 * @param replayed events produced into its topic
 * @param consumed events its group committed on the topic by the end
 * @param drained whether it committed every replayed event within the drain limit
 * @param stalled whether it stopped committing, with events left, for {@link CapacityBench#STALL}
 * @param produce the replay producer's rate (while the service consumed)
 * @param producedMillis when the last replayed record was acknowledged, since sampling began
 * @param doneMillis when the committed offsets reached {@code consumed}, since sampling began
 * @param samples the lag samples, oldest first
 * @param delivered what reached the local receivers meanwhile (webhook deliveries, spans), or -1
 */
public record ServiceRun(
    Target target,
    long replayed,
    long consumed,
    boolean drained,
    boolean stalled,
    RawKafka.Rate produce,
    long producedMillis,
    long doneMillis,
    List<LagSampler.Sample> samples,
    long delivered) {

  /**
   * Events consumed per second with the service alone on the machine (no replay being produced):
   * the committed offsets' growth from the first sample after the last replayed record was
   * acknowledged until every event was committed, the same conditions as the raw consume rate. When
   * that stretch is shorter than a second (a tiny replay) or the service {@link #keptUp() kept up}
   * with the replay, {@link #whileFedPerSecond()}: a lower bound then.
   */
  public double perSecond() {
    LagSampler.Sample from = firstAfterProduced();
    if (from == null || doneMillis - from.millis() < 1000 || keptUp(from)) {
      return whileFedPerSecond();
    }
    return (consumed - from.committed()) * 1000.0 / (doneMillis - from.millis());
  }

  /**
   * Whether the service kept pace with the replay producer: once the replay was in, less than one
   * second of its rate while fed was left to commit. Then no stretch of it consuming alone with a
   * backlog exists to measure: draining that remainder takes a few of the 500 ms commit intervals
   * whatever the service's speed (a notifier that kept up drained its last 8,822 events "at 5,870
   * events/s" after consuming 61,664 events/s while fed).
   */
  public boolean keptUp() {
    return keptUp(firstAfterProduced());
  }

  private boolean keptUp(LagSampler.Sample from) {
    return drained && from != null && consumed - from.committed() < whileFedPerSecond();
  }

  private LagSampler.Sample firstAfterProduced() {
    return samples.stream().filter(s -> s.millis() >= producedMillis).findFirst().orElse(null);
  }

  /**
   * Events consumed per second over the whole run: every committed event over the time from the
   * first replayed record to the last commit (includes the time the replay producer competed with
   * the service for the CPU).
   */
  public double whileFedPerSecond() {
    return doneMillis <= 0 ? 0 : consumed * 1000.0 / doneMillis;
  }

  /** The largest lag sampled. */
  public long maxLag() {
    return samples.stream().mapToLong(LagSampler.Sample::lag).max().orElse(0);
  }

  /** The lag at the last sample. */
  public long finalLag() {
    return samples.isEmpty() ? replayed : samples.get(samples.size() - 1).lag();
  }

  /**
   * How fast the lag grew while the replay was being produced (least squares over those samples,
   * events/s; negative when it fell), or NaN with fewer than two samples then.
   */
  public double lagGrowthWhileProducing() {
    return slope(samples.stream().filter(s -> s.millis() <= producedMillis).toList());
  }

  /**
   * How fast the lag grew once the replay was in (events/s, negative when it fell; the service's
   * drain rate), or NaN with fewer than two samples then.
   */
  public double lagGrowthAfterProducing() {
    return slope(
        samples.stream()
            .filter(s -> s.millis() >= producedMillis && s.millis() <= Math.max(doneMillis, 1))
            .toList());
  }

  static double slope(List<LagSampler.Sample> s) {
    int n = s.size();
    if (n < 2) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (LagSampler.Sample x : s) {
      mx += x.millis() / 1000.0;
      my += x.lag();
    }
    mx /= n;
    my /= n;
    double num = 0;
    double den = 0;
    for (LagSampler.Sample x : s) {
      double dx = x.millis() / 1000.0 - mx;
      num += dx * (x.lag() - my);
      den += dx * dx;
    }
    return den == 0 ? Double.NaN : num / den;
  }
}
