package dev.pitstop.tekton;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.Duration} text, as Tekton reads and writes timeouts ({@code 1h0m0s}, {@code
 * 90s}, {@code 1.5h}, {@code 0s}, {@code 500ms}): units {@code ns}, {@code us}/{@code µs}, {@code
 * ms}, {@code s}, {@code m}, {@code h}, an optional sign, fractions. Source: Go {@code
 * time/format.go} ({@code ParseDuration}) and {@code time/time.go} ({@code Duration.String}).
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

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

  /**
   * Formats as Go does: {@code 1h0m0s}, {@code 1m30s}, {@code 10s}, {@code 1.5s}, {@code 500ms}.
   */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    nanos = Math.abs(nanos);
    if (nanos < 1_000_000_000L) {
      if (nanos < 1_000) {
        return sign + nanos + "ns";
      }
      if (nanos < 1_000_000) {
        return sign + fraction(nanos, 1_000) + "µs";
      }
      return sign + fraction(nanos, 1_000_000) + "ms";
    }
    long h = nanos / 3_600_000_000_000L;
    long rest = nanos % 3_600_000_000_000L;
    long m = rest / 60_000_000_000L;
    long sNanos = rest % 60_000_000_000L;
    StringBuilder sb = new StringBuilder(sign);
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    return sb.append(fraction(sNanos, 1_000_000_000L)).append('s').toString();
  }

  private static String fraction(long value, long unit) {
    return BigDecimal.valueOf(value)
        .divide(BigDecimal.valueOf(unit))
        .stripTrailingZeros()
        .toPlainString();
  }
}
