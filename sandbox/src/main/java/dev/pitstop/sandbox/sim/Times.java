package dev.pitstop.sandbox.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** How the simulator writes times: RFC 3339 in status, Go's log prefix in logs. */
final class Times {
  private static final DateTimeFormatter GO_LOG =
      DateTimeFormatter.ofPattern("uuuu/MM/dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final boolean seconds;

  Times(boolean truncateToSeconds) {
    this.seconds = truncateToSeconds;
  }

  /** RFC 3339 UTC, e.g. {@code 2026-11-21T09:00:00.123Z}, or whole seconds when truncating. */
  String format(Instant t) {
    if (t == null) {
      return null;
    }
    return (seconds ? t.truncatedTo(ChronoUnit.SECONDS) : t.truncatedTo(ChronoUnit.MILLIS))
        .toString();
  }

  /** Go's {@code log} default prefix: {@code 2026/11/21 09:00:00 } (UTC here). */
  static String goLogPrefix(Instant t) {
    return GO_LOG.format(t) + " ";
  }
}
