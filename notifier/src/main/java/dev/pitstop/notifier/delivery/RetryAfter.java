package dev.pitstop.notifier.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): either delay-seconds ({@code 120})
 * or an HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}). Pure.
 */
public final class RetryAfter {
  private static final long MAX_SECONDS = 86_400L * 365;

  private RetryAfter() {}

  /**
   * The delay the header asks for.
   *
   * @param value the header's value, or null
   * @param now the current time, to turn an HTTP-date into a delay
   * @return the delay (zero for a date in the past; at most a year), or empty when absent or
   *     unreadable
   */
  public static Optional<Duration> parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.strip();
    if (v.chars().allMatch(Character::isDigit)) {
      if (v.length() > 12) {
        return Optional.of(Duration.ofSeconds(MAX_SECONDS));
      }
      return Optional.of(Duration.ofSeconds(Math.min(Long.parseLong(v), MAX_SECONDS)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      if (d.isNegative()) {
        return Optional.of(Duration.ZERO);
      }
      return Optional.of(
          d.compareTo(Duration.ofSeconds(MAX_SECONDS)) > 0 ? Duration.ofSeconds(MAX_SECONDS) : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
