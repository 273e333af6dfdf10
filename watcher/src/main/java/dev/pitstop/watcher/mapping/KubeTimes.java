package dev.pitstop.watcher.mapping;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Kubernetes timestamps: RFC 3339 with or without fractional seconds ({@code 2026-11-21T09:00:00Z},
 * {@code 2026-11-21T09:00:00.123456789Z}, offsets such as {@code +02:00}). {@code metav1.Time} is
 * serialized at second precision; kubelet log prefixes are RFC3339Nano.
 */
public final class KubeTimes {
  private KubeTimes() {}

  /**
   * Parses an RFC 3339 timestamp.
   *
   * @return the instant, or null when {@code text} is null, blank or not RFC 3339 (run objects are
   *     untrusted input: a bad time makes a fact unknown, it does not stop the watcher)
   */
  public static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
