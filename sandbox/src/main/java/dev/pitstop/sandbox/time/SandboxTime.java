package dev.pitstop.sandbox.time;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The sandbox's time scale: one knob for the waits that tests of timeouts, leases and backoffs
 * choose, so they take as little wall time as the machine allows (issue #6: keep CI well inside its
 * 90 minutes).
 *
 * <p>A test states a duration as the real world has it (Slack's one call per second and channel, a
 * debug {@code timeout} of 8 s, a watcher Lease of 1.5 s) and passes it through {@link #of}; the
 * sandbox's own fixtures do the same ({@code SlackApiEmulator}'s rate window). Every such duration
 * is multiplied by the same factor, so their proportions (a warning ahead of a deadline, a renew
 * deadline below a lease duration, a notifier interval matching the emulator's window) hold at any
 * scale.
 *
 * <p>The factor is the system property {@value #PROPERTY} (the reactor's failsafe configuration
 * sets it for the ITs; a JVM without it runs at {@value #DEFAULT}, real-world pace), between
 * {@value #MIN} and {@value #MAX}. A slow machine raises it (e.g. {@code
 * -Dpitstop.sandbox.timeScale=1}) when scaled waits get too tight for it; no test asserts a
 * wall-clock bound from it. Durations that Kubernetes or Kafka fix (a Pod's timestamps in whole
 * seconds, a consumer group's session timeout floor) are not scaled.
 */
public final class SandboxTime {
  /** The system property holding the factor. */
  public static final String PROPERTY = "pitstop.sandbox.timeScale";

  /** The factor when the property is not set. */
  public static final double DEFAULT = 1.0;

  public static final double MIN = 0.05;
  public static final double MAX = 20.0;

  private SandboxTime() {}

  /**
   * The factor.
   *
   * @throws IllegalArgumentException naming the property when it is not a number in range
   */
  public static double scale() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT;
    }
    double d;
    try {
      d = Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PROPERTY + "=" + v + " is not a number", e);
    }
    if (!(d >= MIN && d <= MAX)) {
      throw new IllegalArgumentException(
          PROPERTY + "=" + v + " is not in [" + MIN + ", " + MAX + "]");
    }
    return d;
  }

  /** {@code realWorld} times the factor, to the millisecond, at least 1 ms (0 stays 0). */
  public static Duration of(Duration realWorld) {
    if (realWorld.isZero()) {
      return realWorld;
    }
    long ms = Math.max(1, Math.round(realWorld.toMillis() * scale()));
    return Duration.ofMillis(ms);
  }

  /** {@link #of} of {@code ms} milliseconds. */
  public static Duration ofMillis(long ms) {
    return of(Duration.ofMillis(ms));
  }

  /** {@link #of} of {@code s} seconds. */
  public static Duration ofSeconds(long s) {
    return of(Duration.ofSeconds(s));
  }

  /**
   * {@link #of} written as a Go duration in milliseconds ({@code 750ms}), for configuration values
   * and Pitstop's breakpoint annotations, which read Go durations.
   */
  public static String go(Duration realWorld) {
    return of(realWorld).toMillis() + "ms";
  }

  /**
   * A monotonic clock in nanoseconds that runs {@code 1 / factor} times as fast as {@link
   * System#nanoTime()}: a fixture that counts real-world time with it (a rate window of 1 s) sees
   * that time pass in {@link #of} of it.
   */
  public static LongSupplier nanos() {
    double scale = scale();
    long origin = System.nanoTime();
    return () -> origin + Math.round((System.nanoTime() - origin) / scale);
  }
}
