package dev.pitstop.bench;

import java.io.PrintStream;

/** Part 2 of {@code pitstop bench}: part 1's observations replayed into each service alone. */
final class Capacity {
  private Capacity() {}

  static BenchPart run(BenchOptions options, Recording recording, PrintStream out) {
    throw new UnsupportedOperationException(
        "pitstop bench part 2 (capacity) is not implemented yet");
  }
}
