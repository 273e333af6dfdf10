package dev.pitstop.bench;

import dev.pitstop.bench.footprint.WatcherHeap;
import java.io.PrintStream;

/** Lets tests in other packages print the {@code watcher} part as the bench does. */
public final class WatcherFootprintAccess {
  private WatcherFootprintAccess() {}

  public static void print(WatcherHeap.Result r, PrintStream out) {
    WatcherFootprint.part(r).print(out);
  }
}
