package dev.pitstop.tracer.span;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The spans already built for a root run (exported, or handed to the exporter), by span id with
 * their placed times, and the trace id chosen for the run. A span is built once: later events add
 * only the spans still missing, under the right parents and within their placed times (ids are
 * deterministic, so a late TaskRun's parent is the built root span).
 */
final class ExportedSpans {
  /** A placed span's interval. */
  record Interval(Instant start, Instant end) {}

  private final Map<String, Interval> byId = new HashMap<>();
  private String traceId;
  private String parentSpanId;

  void put(String spanId, Interval at) {
    byId.put(spanId, at);
  }

  boolean contains(String spanId) {
    return byId.containsKey(spanId);
  }

  /** The built span's interval, or null when it was not built. */
  Interval get(String spanId) {
    return byId.get(spanId);
  }

  int size() {
    return byId.size();
  }

  /** The trace id fixed by the first span built, or null. */
  String traceId() {
    return traceId;
  }

  /** The remote parent span id of the root span (a joined Tekton trace), or null. */
  String parentSpanId() {
    return parentSpanId;
  }

  void fixTrace(String traceId, String parentSpanId) {
    if (this.traceId == null) {
      this.traceId = traceId;
      this.parentSpanId = parentSpanId;
    }
  }
}
