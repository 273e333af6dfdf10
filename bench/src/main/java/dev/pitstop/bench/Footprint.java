package dev.pitstop.bench;

import java.io.PrintStream;

/** Heap per live Pod (watcher) and per live run (engine), and the engine's recovery time. */
final class Footprint {
  private Footprint() {}

  static BenchPart run(BenchOptions options, PrintStream out) {
    throw new UnsupportedOperationException("pitstop bench footprint is not implemented yet");
  }
}
