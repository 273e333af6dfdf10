package dev.pitstop.bench;

import java.io.PrintStream;

/** The watcher's live heap after GC per live Tekton Pod (target: &le; 20 KB). */
final class WatcherFootprint {
  private WatcherFootprint() {}

  /**
   * @return a part named {@code watcher}
   */
  static BenchPart measure(BenchOptions options, PrintStream out) throws Exception {
    throw new UnsupportedOperationException(
        "pitstop bench: the watcher's footprint is not measured yet");
  }
}
