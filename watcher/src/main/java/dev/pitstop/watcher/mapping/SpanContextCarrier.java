package dev.pitstop.watcher.mapping;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's W3C span context, as Tekton keeps it: {@code status.spanContext} (a map, e.g. {@code
 * traceparent: 00-…}) or the annotation {@code tekton.dev/pipelinerunSpanContext} / {@code
 * tekton.dev/taskrunSpanContext} (a JSON carrier, e.g. {@code {"traceparent":"00-0f57…-73d5…-01"}};
 * a run created with it joins the caller's trace, Tekton's {@code
 * pkg/reconciler/pipelinerun/tracing.go}). Untrusted: only a well-formed version-00 {@code
 * traceparent} with non-zero ids passes, normalized to {@code {"traceparent":"…"}} (55 + 17
 * characters); {@code tracestate} and anything else is dropped.
 */
public final class SpanContextCarrier {
  public static final String PIPELINERUN_ANNOTATION = "tekton.dev/pipelinerunSpanContext";
  public static final String TASKRUN_ANNOTATION = "tekton.dev/taskrunSpanContext";

  private static final int MAX_INPUT = 1024;
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final Pattern IN_JSON =
      Pattern.compile("\"traceparent\"\\s*:\\s*\"(00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})\"");

  private SpanContextCarrier() {}

  /**
   * The normalized carrier from the status (first) or the annotation; null when neither holds a
   * valid one.
   */
  public static String of(Map<String, String> statusSpanContext, String annotation) {
    if (statusSpanContext != null) {
      String tp = valid(statusSpanContext.get("traceparent"));
      if (tp != null) {
        return carrier(tp);
      }
    }
    if (annotation != null && annotation.length() <= MAX_INPUT) {
      Matcher m = IN_JSON.matcher(annotation);
      if (m.find()) {
        String tp = valid(m.group(1));
        if (tp != null) {
          return carrier(tp);
        }
      }
    }
    return null;
  }

  private static String valid(String traceparent) {
    if (traceparent == null || traceparent.length() > 55) {
      return null;
    }
    Matcher m = TRACEPARENT.matcher(traceparent);
    if (!m.matches()
        || m.group(1).chars().allMatch(c -> c == '0')
        || m.group(2).chars().allMatch(c -> c == '0')) {
      return null;
    }
    return traceparent;
  }

  private static String carrier(String traceparent) {
    return "{\"traceparent\":\"" + traceparent + "\"}";
  }
}
