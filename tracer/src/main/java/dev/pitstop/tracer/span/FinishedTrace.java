package dev.pitstop.tracer.span;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;

/**
 * Spans of one root run, ready to export: either progress (spans of finished parts of a run still
 * going) or the last export of the run (its root span and everything not exported yet).
 *
 * @param rootUid the root run's UID
 * @param traceId the trace id (32 hex characters: {@link SpanIds#traceId}, or the joined Tekton
 *     trace's)
 * @param run the root run as {@code namespace/name}, for logs
 * @param spans in a last export the root first, then each TaskRun followed by its children
 * @param complete false when the grace period ran out before every TaskRun seen had finished (for
 *     progress exports: always true)
 * @param last true when the assembler dropped the run's state: once these spans are exported the
 *     run's events are durable (their offsets may be committed)
 */
public record FinishedTrace(
    String rootUid,
    String traceId,
    String run,
    List<SpanData> spans,
    boolean complete,
    boolean last) {
  public FinishedTrace {
    spans = List.copyOf(spans);
  }

  /** A last export (compatibility with callers that only know complete traces). */
  public FinishedTrace(
      String rootUid, String traceId, String run, List<SpanData> spans, boolean complete) {
    this(rootUid, traceId, run, spans, complete, true);
  }
}
