package dev.pitstop.watcher.mapping;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} as Tekton writes timeouts ({@code 1h0m0s}, {@code 90s}, {@code
 * 1.5h}, {@code 0s}, {@code 500ms}): units {@code ns}, {@code us}/{@code µs}, {@code ms}, {@code
 * s}, {@code m}, {@code h}, an optional sign, fractions. Source: Go {@code time/format.go}.
 */
public final class GoDurations {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDurations() {}

  /**
   * Parses a Go duration.
   *
   * @throws IllegalArgumentException when {@code text} is not a Go duration
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no duration");
    }
    String s = text.trim();
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.startsWith("-");
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length() && m.find(at) && m.start() == at) {
      BigDecimal n = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos = nanos.add(n.multiply(BigDecimal.valueOf(unit)));
      at = m.end();
    }
    if (at == 0 || at != s.length()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a Go duration such as 1h0m0s");
    }
    Duration d = Duration.ofNanos(nanos.longValue());
    return negative ? d.negated() : d;
  }
}
