package dev.pitstop.tracer.span;

import dev.pitstop.events.data.RunRef;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A W3C {@code traceparent} (version 00) taken from a run's span context: Tekton writes a JSON
 * carrier (e.g. {@code {"traceparent":"00-0f57...-73d5...-01"}}) to {@code status.spanContext} and
 * the annotations {@code tekton.dev/pipelinerunSpanContext} / {@code tekton.dev/taskrunSpanContext}
 * (a run created with the annotation joins the caller's trace: Tekton's {@code
 * pkg/reconciler/pipelinerun/tracing.go}). The watcher carries the validated carrier in the run's
 * {@link RunRef#annotations()} under those keys. Untrusted: only a well-formed, non-zero value is
 * used; anything else is ignored.
 *
 * @param traceId 32 lowercase hex characters, not all zero
 * @param spanId 16 lowercase hex characters, not all zero
 */
public record TraceParent(String traceId, String spanId) {
  public static final String PIPELINERUN_ANNOTATION = "tekton.dev/pipelinerunSpanContext";
  public static final String TASKRUN_ANNOTATION = "tekton.dev/taskrunSpanContext";

  /** Longest carrier read, in characters. */
  static final int MAX_CARRIER = 1024;

  private static final Pattern IN_CARRIER =
      Pattern.compile("\"traceparent\"\\s*:\\s*\"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})\"");

  /** The run's own span context (by its kind's annotation), or null when absent or invalid. */
  public static TraceParent of(RunRef run) {
    if (run == null) {
      return null;
    }
    String key =
        RunRef.PIPELINE_RUN.equals(run.kind()) ? PIPELINERUN_ANNOTATION : TASKRUN_ANNOTATION;
    return parse(run.annotations().get(key));
  }

  /** The traceparent in a JSON carrier, or null when absent or invalid. */
  public static TraceParent parse(String carrier) {
    if (carrier == null || carrier.length() > MAX_CARRIER) {
      return null;
    }
    Matcher m = IN_CARRIER.matcher(carrier);
    if (!m.find()) {
      return null;
    }
    String trace = m.group(1);
    String span = m.group(2);
    if (trace.chars().allMatch(c -> c == '0') || span.chars().allMatch(c -> c == '0')) {
      return null;
    }
    return new TraceParent(trace, span);
  }
}
