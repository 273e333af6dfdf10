package dev.pitstop.runtime.ops;

import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The logging keys the images' {@code logback.xml} (deploy/docker/logback.xml) reads, checked at
 * start-up so a typo stops the service with a message naming the key instead of losing its logs.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PITSTOP_LOG_FORMAT}</td><td>{@code text}</td><td>{@code text}: one line per
 *       entry; {@code json}: one JSON object per line (logback's {@code JsonEncoder}) with the
 *       per-event MDC ({@link LogContext})</td></tr>
 *   <tr><td>{@code PITSTOP_LOG_LEVEL}</td><td>{@code INFO}</td><td>level of Pitstop's own loggers
 *       ({@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR}, {@code
 *       OFF})</td></tr>
 * </table>
 *
 * @param format {@code text} or {@code json}
 * @param level the level of {@code dev.pitstop} loggers
 */
public record LogSettings(String format, String level) {
  public static final String FORMAT_KEY = "PITSTOP_LOG_FORMAT";
  public static final String LEVEL_KEY = "PITSTOP_LOG_LEVEL";
  private static final Set<String> FORMATS = Set.of("text", "json");
  private static final Set<String> LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /**
   * @throws ConfigException naming the key whose value logback would not understand
   */
  public static LogSettings fromMap(Map<String, String> env) {
    Settings s = new Settings(env);
    String format = s.string(FORMAT_KEY, "text");
    if (!FORMATS.contains(format)) {
      throw new ConfigException(FORMAT_KEY + "=" + format + " is neither text nor json");
    }
    String level = s.string(LEVEL_KEY, "INFO");
    if (!LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
      throw new ConfigException(LEVEL_KEY + "=" + level + " is not one of " + LEVELS);
    }
    return new LogSettings(format, level);
  }
}
