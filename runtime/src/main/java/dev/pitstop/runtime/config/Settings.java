package dev.pitstop.runtime.config;

import dev.pitstop.tekton.GoDuration;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Typed reads of a service's configuration from a map of environment variables. Every read names
 * its key in the {@link ConfigException} it throws, so a bad value stops start-up with one clear
 * message. Only a service's {@code Main} passes {@code System.getenv()}; tests pass {@code Map.of}.
 */
public final class Settings {
  private static final ThreadLocal<Set<String>> READS = new ThreadLocal<>();

  private final Map<String, String> env;

  /**
   * Runs {@code read} (typically an {@code XxxConfig.fromMap}) and returns every key that any
   * {@code Settings} read on this thread meanwhile, present or not; a prefix read by {@link
   * #byPrefix} is recorded as {@code PREFIX*}. For checks that a deployment sets only keys a
   * service reads (k8s/, docker-compose.yml) without a second list of keys.
   */
  public static Set<String> keysRead(Supplier<?> read) {
    Set<String> outer = READS.get();
    Set<String> keys = new TreeSet<>();
    READS.set(keys);
    try {
      read.get();
      return keys;
    } finally {
      READS.set(outer);
      if (outer != null) {
        outer.addAll(keys);
      }
    }
  }

  private static void record(String key) {
    Set<String> keys = READS.get();
    if (keys != null) {
      keys.add(key);
    }
  }

  public Settings(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The raw value, or {@code defaultValue} when the key is absent or blank. */
  public String string(String key, String defaultValue) {
    record(key);
    String v = env.get(key);
    return v == null || v.isBlank() ? defaultValue : v.trim();
  }

  /**
   * @throws ConfigException when the key is absent or blank
   */
  public String required(String key) {
    String v = string(key, null);
    if (v == null) {
      throw new ConfigException(key + " is required but not set");
    }
    return v;
  }

  /**
   * @throws ConfigException when the value is not an integer within [min, max]
   */
  public int integer(String key, int defaultValue, int min, int max) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new ConfigException(key + "=" + v + " is out of range [" + min + ", " + max + "]");
      }
      return i;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + "=" + v + " is not an integer");
    }
  }

  /**
   * @throws ConfigException when the value is neither {@code true} nor {@code false}
   */
  public boolean bool(String key, boolean defaultValue) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key + "=" + v + " is neither true nor false");
    };
  }

  /**
   * A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m} or ISO-8601 {@code
   * PT5M}.
   *
   * @throws ConfigException when the value does not parse or is negative
   */
  public Duration duration(String key, Duration defaultValue) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      return parseDuration(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + "=" + v + " is not a duration: " + e.getMessage());
    }
  }

  /** A comma-separated list (blank entries dropped), or the default. */
  public List<String> list(String key, List<String> defaultValue) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    return java.util.Arrays.stream(v.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /**
   * Client properties passed through by prefix: {@code KAFKA_BOOTSTRAP_SERVERS} → {@code
   * bootstrap.servers}, {@code KAFKA_SECURITY_PROTOCOL} → {@code security.protocol}.
   */
  public Map<String, String> byPrefix(String prefix) {
    record(prefix + "*");
    Map<String, String> out = new HashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length() && !v.isBlank()) {
            out.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
          }
        });
    return out;
  }

  /**
   * Parses a duration in Go's syntax as Tekton writes it ({@code 500ms}, {@code 30s}, {@code 5m},
   * {@code 1h30m}, {@link dev.pitstop.tekton.GoDuration}) or ISO-8601 ({@code PT5M}).
   *
   * @throws IllegalArgumentException when it does not parse or is negative
   */
  public static Duration parseDuration(String text) {
    String s = text.trim();
    Duration d = s.startsWith("P") || s.startsWith("p") ? Duration.parse(s) : GoDuration.parse(s);
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative");
    }
    return d;
  }
}
