package dev.pitstop.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code pitstop bench} was asked for.
 *
 * @param runs concurrent PipelineRuns in part 1 (end to end), &ge; 1
 * @param tasksPerRun pipelineTasks per PipelineRun (a chain with one parallel branch), &ge; 1
 * @param stepDuration how long each simulated step runs
 * @param pauseShare share of runs, 0..1, that pause at a breakpoint and are auto-continued
 * @param warmupRuns PipelineRuns, &ge; 0, all pausing, run through the whole stack before part 1's
 *     measured runs start: they pay each path's first use (class loading, JIT, connections), and
 *     their latencies are printed apart, not mixed into part 1's figures
 * @param duration how long part 2 replays observations into each service
 * @param json where to write the figures as JSON, or null
 * @param smoke a short run for CI (&le; 60 s in all): few runs, short replay, no JMH
 */
public record BenchOptions(
    int runs,
    int tasksPerRun,
    Duration stepDuration,
    double pauseShare,
    int warmupRuns,
    Duration duration,
    Path json,
    boolean smoke) {
  public BenchOptions {
    if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1, was " + runs);
    if (tasksPerRun < 1)
      throw new IllegalArgumentException("--tasks-per-run must be >= 1, was " + tasksPerRun);
    if (pauseShare < 0 || pauseShare > 1)
      throw new IllegalArgumentException("--pause-share must be within 0..1, was " + pauseShare);
    if (warmupRuns < 0)
      throw new IllegalArgumentException("--warmup-runs must be >= 0, was " + warmupRuns);
    if (stepDuration.isNegative())
      throw new IllegalArgumentException("--step-duration must not be negative");
    if (duration.isNegative() || duration.isZero())
      throw new IllegalArgumentException("--duration must be positive");
  }
}
