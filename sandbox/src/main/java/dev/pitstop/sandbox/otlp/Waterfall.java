package dev.pitstop.sandbox.otlp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders the spans of a trace as a text waterfall: one line per span, indented by depth (run >
 * tasks > steps), with its offset from the trace's start, a bar placed on a common time axis and
 * its duration; {@code ✗} marks spans whose status is ERROR. Pure: no I/O.
 *
 * <pre>
 * build                  +0.0s   |████████████████████████████████████████| 12.4s
 *   fetch                +0.5s   |██████████                              | 3.0s
 *     clone              +1.0s   | ██████                                 | 2.0s
 *   compile ✗            +4.0s   |            ███████████████████████     | 7.1s
 * </pre>
 *
 * A span whose parent is not among the spans is shown as a root. Spans of several traces are drawn
 * one trace after another, separated by a blank line.
 */
public final class Waterfall {
  /** Bar width used by {@link #render(List)}, in characters. */
  public static final int DEFAULT_WIDTH = 40;

  private static final int MAX_NAME = 40;

  private Waterfall() {}

  /** The waterfall with bars {@value #DEFAULT_WIDTH} characters wide. */
  public static String render(List<ReceivedSpan> spans) {
    return render(spans, DEFAULT_WIDTH);
  }

  /**
   * The waterfall of {@code spans}, an empty string when there are none.
   *
   * @param barWidth characters for the time axis, at least 10
   * @throws IllegalArgumentException when barWidth is below 10
   */
  public static String render(List<ReceivedSpan> spans, int barWidth) {
    if (barWidth < 10) {
      throw new IllegalArgumentException("barWidth must be at least 10, was " + barWidth);
    }
    Map<String, List<ReceivedSpan>> byTrace = new LinkedHashMap<>();
    spans.stream()
        .sorted(Comparator.comparingLong(ReceivedSpan::startEpochNanos))
        .forEach(s -> byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s));
    List<String> blocks = new ArrayList<>();
    for (List<ReceivedSpan> trace : byTrace.values()) {
      blocks.add(renderTrace(trace, barWidth));
    }
    return String.join("\n", blocks);
  }

  private record Row(ReceivedSpan span, int depth) {}

  private static String renderTrace(List<ReceivedSpan> spans, int width) {
    Set<String> ids = new HashSet<>();
    Map<String, List<ReceivedSpan>> children = new LinkedHashMap<>();
    List<ReceivedSpan> roots = new ArrayList<>();
    spans.forEach(s -> ids.add(s.spanId()));
    for (ReceivedSpan s : spans) {
      if (s.parentSpanId() == null || !ids.contains(s.parentSpanId())) {
        roots.add(s);
      } else {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      }
    }
    List<Row> rows = new ArrayList<>();
    Set<String> visited = new HashSet<>();
    roots.forEach(r -> walk(r, 0, children, rows, visited));

    long t0 = spans.stream().mapToLong(ReceivedSpan::startEpochNanos).min().orElse(0);
    long t1 = spans.stream().mapToLong(ReceivedSpan::endEpochNanos).max().orElse(t0);
    long total = Math.max(1, t1 - t0);

    List<String> labels = rows.stream().map(Waterfall::label).toList();
    int labelWidth = labels.stream().mapToInt(String::length).max().orElse(0);
    List<String> offsets =
        rows.stream().map(r -> "+" + duration(r.span().startEpochNanos() - t0)).toList();
    int offsetWidth = offsets.stream().mapToInt(String::length).max().orElse(0);

    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows.size(); i++) {
      ReceivedSpan s = rows.get(i).span();
      sb.append(pad(labels.get(i), labelWidth))
          .append("  ")
          .append(pad(offsets.get(i), offsetWidth))
          .append("  |")
          .append(bar(s.startEpochNanos() - t0, s.endEpochNanos() - t0, total, width))
          .append("| ")
          .append(duration(s.durationNanos()))
          .append('\n');
    }
    return sb.toString();
  }

  private static void walk(
      ReceivedSpan s,
      int depth,
      Map<String, List<ReceivedSpan>> children,
      List<Row> rows,
      Set<String> visited) {
    if (!visited.add(s.spanId())) {
      return; // a cycle or a repeated id: draw each span once
    }
    rows.add(new Row(s, depth));
    for (ReceivedSpan c : children.getOrDefault(s.spanId(), List.of())) {
      walk(c, depth + 1, children, rows, visited);
    }
  }

  private static String label(Row r) {
    String name = r.span().name();
    if (name.length() > MAX_NAME) {
      name = name.substring(0, MAX_NAME - 1) + "…";
    }
    String mark = "ERROR".equals(r.span().statusCode()) ? " ✗" : "";
    return "  ".repeat(r.depth()) + name + mark;
  }

  /** The bar of [start, end) on an axis of {@code total} nanoseconds drawn in width characters. */
  static String bar(long start, long end, long total, int width) {
    int from = (int) Math.min(width - 1, Math.max(0, Math.floorDiv(start * width, total)));
    int to = (int) Math.min(width, Math.max(from + 1, ceilDiv(end * width, total)));
    return " ".repeat(from) + "█".repeat(to - from) + " ".repeat(width - to);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** {@code 350ms}, {@code 12.4s}, {@code 3m05s}, {@code 1h02m}. */
  static String duration(long nanos) {
    long ms = Math.max(0, nanos) / 1_000_000;
    if (ms < 1_000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = ms / 1_000;
    if (s < 3_600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3_600, (s % 3_600) / 60);
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}
