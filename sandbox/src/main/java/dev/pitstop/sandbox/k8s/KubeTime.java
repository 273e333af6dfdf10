package dev.pitstop.sandbox.k8s;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Kubernetes' time formats, as Go's {@code time} package writes and reads them. */
final class KubeTime {

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private KubeTime() {}

  /**
   * Formats like Go's {@code time.RFC3339Nano} in UTC, which the kubelet uses for {@code
   * timestamps=true}: nine fractional digits at most, trailing zeros dropped, no fraction when it
   * is zero. Example: {@code 2026-11-21T09:00:00.1234Z}.
   */
  static String rfc3339Nano(Instant time) {
    StringBuilder sb = new StringBuilder(30).append(SECONDS.format(time));
    int nanos = time.getNano();
    if (nanos != 0) {
      String digits = String.format("%09d", nanos);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(digits, 0, end);
    }
    return sb.append('Z').toString();
  }

  /**
   * Parses an RFC 3339 time with any offset and optional fraction ({@code sinceTime}).
   *
   * @throws IllegalArgumentException if it is not RFC 3339
   */
  static Instant parseRfc3339(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an RFC 3339 time: " + text, e);
    }
  }
}
