package dev.pitstop.bench.capacity;

import dev.pitstop.bench.Recording;
import java.time.Duration;
import java.util.List;

/**
 * Test-only entry point: part 2 on a sandbox recording, while part 1 (which records for it in
 * {@code pitstop bench}) is built elsewhere. Arguments: runs (default 10), duration (default 20s),
 * optionally the services (enum names, comma-separated).
 */
public final class CapacityMain {
  private CapacityMain() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Duration duration =
        dev.pitstop.runtime.config.Settings.parseDuration(args.length > 1 ? args[1] : "20s");
    List<Target> targets =
        args.length > 2
            ? java.util.Arrays.stream(args[2].split(",")).map(Target::valueOf).toList()
            : List.of(Target.values());
    long t0 = System.nanoTime();
    Recording rec = SandboxRecording.record(runs, Duration.ofMinutes(3));
    System.out.printf(
        "recorded %d observations of %d PipelineRuns in %d ms%n",
        rec.size(), runs, (System.nanoTime() - t0) / 1_000_000);
    long events = duration.toMillis() * 20_000 / 1000;
    CapacityResult r =
        CapacityBench.run(
            new CapacityBench.Setup(
                null,
                events,
                Duration.ofMillis(Math.max(60_000, duration.toMillis() * 5)),
                Duration.ofMillis(500),
                targets),
            rec,
            System.out);
    r.print(System.out);
    System.exit(r.failed() ? 1 : 0);
  }
}
