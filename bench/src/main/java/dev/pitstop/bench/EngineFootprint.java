package dev.pitstop.bench;

import java.io.PrintStream;

/**
 * The engine's live heap after GC per live run (target: &le; 4 KB) and its recovery from a restart
 * with M live breakpoints (time until it can serve the first release; target: &le; 5 s at 1,000).
 */
final class EngineFootprint {
  private EngineFootprint() {}

  /**
   * @return a part named {@code engine}
   */
  static BenchPart measure(BenchOptions options, PrintStream out) throws Exception {
    throw new UnsupportedOperationException(
        "pitstop bench: the engine's footprint is not measured yet");
  }
}
