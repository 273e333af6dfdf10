package dev.pitstop.bench;

import java.io.PrintStream;

/** Part 1 of {@code pitstop bench}: N concurrent PipelineRuns through all four services. */
final class EndToEnd {
  private EndToEnd() {}

  /** Part 1's figures, and the observations it recorded for part 2. */
  interface Result extends BenchPart {
    Recording recording();
  }

  static Result run(BenchOptions options, PrintStream out) {
    throw new UnsupportedOperationException(
        "pitstop bench part 1 (end to end) is not implemented yet");
  }
}
