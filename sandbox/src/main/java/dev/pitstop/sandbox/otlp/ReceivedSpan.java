package dev.pitstop.sandbox.otlp;

import java.util.Map;

/**
 * One span as an OTLP receiver got it, in plain Java: what tests and the demo's waterfall look at.
 *
 * @param traceId 32 lowercase hex characters
 * @param spanId 16 lowercase hex characters
 * @param parentSpanId 16 lowercase hex characters, or null for a root span
 * @param name the span name
 * @param startEpochNanos start, nanoseconds since the epoch
 * @param endEpochNanos end, nanoseconds since the epoch
 * @param attributes the span's attributes: {@code String}, {@code Boolean}, {@code Long}, {@code
 *     Double}, {@code List<Object>} for arrays, {@code Map<String,Object>} for key-value lists, hex
 *     {@code String} for bytes (never null)
 * @param statusCode {@code UNSET}, {@code OK} or {@code ERROR}
 * @param kind {@code INTERNAL}, {@code SERVER}, {@code CLIENT}, {@code PRODUCER}, {@code CONSUMER}
 *     or {@code UNSPECIFIED}
 */
public record ReceivedSpan(
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    long startEpochNanos,
    long endEpochNanos,
    Map<String, Object> attributes,
    String statusCode,
    String kind) {
  public ReceivedSpan {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** True when the span has no parent. */
  public boolean isRoot() {
    return parentSpanId == null;
  }

  /** End minus start, in nanoseconds. */
  public long durationNanos() {
    return endEpochNanos - startEpochNanos;
  }

  /** The attribute's value, or null. */
  public Object attribute(String key) {
    return attributes.get(key);
  }
}
