package dev.pitstop.bench.footprint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A class histogram of live objects as {@code jcmd <pid> GC.class_histogram} prints it: per class,
 * instances and bytes, and the total. Classes of the same name in several modules or loaders are
 * summed.
 *
 * @param classes instances and bytes by class name ({@code [B}, {@code java.lang.String}, ...)
 * @param total bytes of all live objects (the histogram's {@code Total} line)
 */
public record Histogram(Map<String, long[]> classes, long total) {
  // "   1:         12345         678900  [B (java.base@17.0.15)"
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  /**
   * Parses a histogram.
   *
   * @throws IllegalArgumentException if it has no {@code Total} line
   */
  public static Histogram parse(String text) {
    Map<String, long[]> classes = new LinkedHashMap<>();
    long total = -1;
    for (String line : text.split("\n")) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        long[] c = classes.computeIfAbsent(row.group(3), k -> new long[2]);
        c[0] += Long.parseLong(row.group(1));
        c[1] += Long.parseLong(row.group(2));
        continue;
      }
      Matcher t = TOTAL.matcher(line.trim());
      if (t.matches()) {
        total = Long.parseLong(t.group(2));
      }
    }
    if (total < 0) {
      throw new IllegalArgumentException("not a class histogram (no Total line)");
    }
    return new Histogram(classes, total);
  }

  /** The {@code n} classes that grew most in bytes from {@code before} to this, largest first. */
  public List<WatcherHeap.ClassDelta> minus(Histogram before, int n) {
    List<WatcherHeap.ClassDelta> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : classes.entrySet()) {
      long[] b = before.classes.getOrDefault(e.getKey(), new long[2]);
      long bytes = e.getValue()[1] - b[1];
      if (bytes > 0) {
        out.add(new WatcherHeap.ClassDelta(e.getKey(), e.getValue()[0] - b[0], bytes));
      }
    }
    out.sort(Comparator.comparingLong(WatcherHeap.ClassDelta::bytes).reversed());
    return List.copyOf(out.subList(0, Math.min(n, out.size())));
  }
}
