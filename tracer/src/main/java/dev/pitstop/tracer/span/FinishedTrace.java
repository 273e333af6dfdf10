package dev.pitstop.tracer.span;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;

/**
 * The spans of one root run, ready to export.
 *
 * @param rootUid the root run's UID
 * @param traceId the trace id (32 hex characters, {@link SpanIds#traceId})
 * @param run the root run as {@code namespace/name}, for logs
 * @param spans root first, then each TaskRun followed by its steps and pauses
 * @param complete false when the grace period ran out before every TaskRun seen had finished
 */
public record FinishedTrace(
    String rootUid, String traceId, String run, List<SpanData> spans, boolean complete) {
  public FinishedTrace {
    spans = List.copyOf(spans);
  }
}
