package dev.pitstop.notifier.delivery;

import java.time.Duration;
import java.util.Objects;

/** What one delivery attempt to an endpoint came to. Pure data. */
public sealed interface AttemptResult {
  /** At most this many characters of an endpoint's answer are kept in a reason. */
  int MAX_DETAIL = 200;

  /** True when trying again may help. */
  boolean retryable();

  /** A short description for logs and dead letters. */
  String reason();

  /**
   * The endpoint answered 2xx.
   *
   * @param status the HTTP status
   */
  record Delivered(int status) implements AttemptResult {
    @Override
    public boolean retryable() {
      return false;
    }

    @Override
    public String reason() {
      return "HTTP " + status;
    }
  }

  /**
   * The endpoint answered, but not 2xx.
   *
   * @param status the HTTP status
   * @param retryAfter the delay its {@code Retry-After} header asked for, or null
   * @param detail the start of its answer's body, cleaned of control characters (may be empty)
   */
  record Refused(int status, Duration retryAfter, String detail) implements AttemptResult {
    public Refused {
      detail = clean(detail);
    }

    /**
     * Server errors (5xx), {@code 408 Request Timeout} and {@code 429 Too Many Requests} may pass
     * on a later try; other answers (3xx: redirects are not followed, 4xx) will not (RFC 9110 §15).
     */
    @Override
    public boolean retryable() {
      return status >= 500 || status == 408 || status == 429;
    }

    @Override
    public String reason() {
      return "HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
    }
  }

  /**
   * No answer: the connection failed or the request timed out.
   *
   * @param detail the error, e.g. {@code Connection refused}
   */
  record Unreachable(String detail) implements AttemptResult {
    public Unreachable {
      detail = clean(detail);
    }

    @Override
    public boolean retryable() {
      return true;
    }

    @Override
    public String reason() {
      return "no answer: " + detail;
    }
  }

  /**
   * Untrusted text from an endpoint made safe for a log line or a Kafka header: bounded, printable.
   */
  private static String clean(String s) {
    Objects.requireNonNull(s, "detail");
    String t = s.replaceAll("\\p{Cntrl}+", " ").strip();
    return t.length() > MAX_DETAIL ? t.substring(0, MAX_DETAIL) + "…" : t;
  }
}
