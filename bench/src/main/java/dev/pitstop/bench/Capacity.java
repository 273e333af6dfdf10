package dev.pitstop.bench;

import dev.pitstop.bench.capacity.CapacityBench;
import dev.pitstop.bench.capacity.Target;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Part 2 of {@code pitstop bench}: part 1's observations replayed into each service alone ({@link
 * CapacityBench}), on an embedded broker of its own, next to raw Kafka on that broker.
 */
final class Capacity {
  private Capacity() {}

  /** Replayed per service and second of {@code --duration}: the 20,000 events/s floor. */
  static final long EVENTS_PER_SECOND_OF_DURATION = 20_000;

  /** At most this many events per service in a smoke run, so it stays short. */
  static final long SMOKE_EVENTS = 3_000;

  static BenchPart run(BenchOptions options, Recording recording, PrintStream out)
      throws Exception {
    return run(options, recording, out, List.of());
  }

  /**
   * @param targets the services to measure ({@code --service}); empty for all
   */
  static BenchPart run(
      BenchOptions options, Recording recording, PrintStream out, List<Target> targets)
      throws Exception {
    CapacityBench.Setup all = setup(options, null);
    CapacityBench.Setup setup =
        targets.isEmpty()
            ? all
            : new CapacityBench.Setup(
                all.bootstrap(), all.minEvents(), all.drainLimit(), all.sampleEvery(), targets);
    return CapacityBench.run(setup, recording, out);
  }

  /**
   * What {@code options} ask for: enough events for a service at the target rate to run {@code
   * --duration}, every service, lag sampled each 500 ms.
   *
   * @param bootstrap a broker, or null for an embedded one
   */
  static CapacityBench.Setup setup(BenchOptions options, String bootstrap) {
    long events =
        options.smoke()
            ? SMOKE_EVENTS
            : Math.max(1, options.duration().toMillis() * EVENTS_PER_SECOND_OF_DURATION / 1000);
    Duration drain =
        options.smoke()
            ? Duration.ofSeconds(30)
            : Duration.ofMillis(Math.max(60_000, options.duration().toMillis() * 5));
    return new CapacityBench.Setup(
        bootstrap, events, drain, Duration.ofMillis(500), List.of(Target.values()));
  }
}
