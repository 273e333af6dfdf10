package dev.pitstop.bench.footprint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live-object class histogram as {@code jcmd <pid> GC.class_histogram} prints it (which runs a
 * full GC first, so only reachable objects count): instances and shallow bytes per class.
 *
 * @param classes by class name (the module suffix dropped), in the order printed
 * @param totalBytes the {@code Total} line's bytes: the live heap after GC
 */
public record HeapHistogram(Map<String, Entry> classes, long totalBytes) {

  /**
   * @param className e.g. {@code java.lang.String}, {@code [B}
   * @param instances live instances
   * @param bytes their shallow size in bytes
   */
  public record Entry(String className, long instances, long bytes) {}

  private static final Pattern ROW =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\(.*\\))?\\s*$");
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

  public HeapHistogram {
    classes = Map.copyOf(classes);
  }

  /**
   * Parses jcmd's output.
   *
   * @throws IllegalArgumentException when it has no {@code Total} line (e.g. jcmd failed and
   *     printed an error instead)
   */
  public static HeapHistogram parse(String text) {
    Map<String, Entry> classes = new LinkedHashMap<>();
    Long total = null;
    for (String line : text.split("\\R")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        String name = m.group(3);
        Entry e = new Entry(name, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        // The same name from two class loaders: add them up.
        classes.merge(
            name, e, (a, b) -> new Entry(name, a.instances + b.instances, a.bytes + b.bytes));
        continue;
      }
      Matcher t = TOTAL.matcher(line.trim());
      if (t.matches()) {
        total = Long.parseLong(t.group(2));
      }
    }
    if (total == null) {
      throw new IllegalArgumentException(
          "not a class histogram (no Total line): "
              + text.substring(0, Math.min(300, text.length())));
    }
    return new HeapHistogram(classes, total);
  }

  /**
   * What grew from {@code before} to this histogram, the largest growth in bytes first.
   *
   * @param limit at most this many classes
   * @return per class, instances and bytes added (negative when it shrank); classes that grew only
   */
  public List<Entry> growthSince(HeapHistogram before, int limit) {
    List<Entry> out = new ArrayList<>();
    for (Entry now : classes.values()) {
      Entry was = before.classes.get(now.className());
      long dBytes = now.bytes() - (was == null ? 0 : was.bytes());
      long dInst = now.instances() - (was == null ? 0 : was.instances());
      if (dBytes > 0) {
        out.add(new Entry(now.className(), dInst, dBytes));
      }
    }
    out.sort(Comparator.comparingLong(Entry::bytes).reversed().thenComparing(Entry::className));
    return out.subList(0, Math.min(limit, out.size()));
  }
}
