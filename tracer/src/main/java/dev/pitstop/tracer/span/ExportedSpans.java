package dev.pitstop.tracer.span;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans already exported for a root run, by span id with their placed times, so events that
 * arrive after the export add only the spans still missing, under the right parents and within
 * their times (ids are deterministic, so a late TaskRun's parent is the exported root span).
 */
final class ExportedSpans {
  private final Map<String, Instant[]> byId = new HashMap<>();

  void add(List<SpanData> spans) {
    for (SpanData s : spans) {
      byId.put(
          s.getSpanId(),
          new Instant[] {instant(s.getStartEpochNanos()), instant(s.getEndEpochNanos())});
    }
  }

  boolean contains(String spanId) {
    return byId.containsKey(spanId);
  }

  /** The exported span's start, or null when it was not exported. */
  Instant start(String spanId) {
    Instant[] i = byId.get(spanId);
    return i == null ? null : i[0];
  }

  /** The exported span's end, or null when it was not exported. */
  Instant end(String spanId) {
    Instant[] i = byId.get(spanId);
    return i == null ? null : i[1];
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos);
  }
}
