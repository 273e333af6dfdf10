package dev.pitstop.bench.e2e;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution: samples in nanoseconds in an HdrHistogram (3 significant digits, up to 10
 * minutes; longer samples are clamped there, negative ones to 0). Thread-safe.
 */
public final class Latency {
  private static final long MAX = TimeUnit.MINUTES.toNanos(10);
  private final Histogram histogram = new Histogram(MAX, 3);

  /** Records one sample. */
  public synchronized void record(Duration d) {
    recordNanos(d.toNanos());
  }

  /** Records one sample in nanoseconds. */
  public synchronized void recordNanos(long nanos) {
    histogram.recordValue(Math.min(MAX, Math.max(0, nanos)));
  }

  /** The percentiles so far. */
  public synchronized Summary summary() {
    if (histogram.getTotalCount() == 0) {
      return Summary.EMPTY;
    }
    return new Summary(
        histogram.getTotalCount(),
        ms(histogram.getValueAtPercentile(50)),
        ms(histogram.getValueAtPercentile(95)),
        ms(histogram.getValueAtPercentile(99)),
        ms(histogram.getMaxValue()));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /**
   * Percentiles of a distribution, in milliseconds.
   *
   * @param count samples (0: every figure is NaN)
   */
  public record Summary(long count, double p50, double p95, double p99, double max) {
    public static final Summary EMPTY =
        new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /**
     * A path made of this one {@code times} times then {@code other}, percentile by percentile (an
     * upper bound of the sum's percentile when the legs are independent; the path a pause travels
     * when each leg takes its raw time at that percentile).
     */
    public Summary times(int times) {
      return new Summary(count, p50 * times, p95 * times, p99 * times, max * times);
    }

    /** Percentile by percentile sum (see {@link #times}). */
    public Summary plus(Summary other) {
      return new Summary(
          Math.min(count, other.count),
          p50 + other.p50,
          p95 + other.p95,
          p99 + other.p99,
          max + other.max);
    }

    /** This over {@code raw}, percentile by percentile (how many times the raw path). */
    public Summary ratioTo(Summary raw) {
      return new Summary(count, p50 / raw.p50, p95 / raw.p95, p99 / raw.p99, max / raw.max);
    }

    /** As JSON with {@code _ms} fields (or {@code _x} for a ratio). */
    public ObjectNode json(String unit) {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("count", count);
      n.put("p50" + unit, round(p50));
      n.put("p95" + unit, round(p95));
      n.put("p99" + unit, round(p99));
      n.put("max" + unit, round(max));
      return n;
    }

    private static double round(double v) {
      return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
    }
  }
}
