package dev.pitstop.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.ops.LogSettings;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The CLI's logging, as the services' images log ({@link LogSettings}: {@code PITSTOP_LOG_FORMAT}
 * {@code text} or {@code json}, {@code PITSTOP_LOG_LEVEL}), on stderr (stdout is the commands' own
 * output). {@code pitstop up} and {@code pitstop demo} take {@code --log-format} and {@code
 * --log-level}, defaulting to those variables; the chosen values are set as system properties
 * (which logback reads before the environment) and the CLI's {@code logback.xml} is read again. In
 * {@code json}, lines logged while a service handles an event carry {@code mdc} fields {@code
 * event_id}, {@code event_type}, {@code run}, {@code root_uid} and {@code trace_id} ({@link
 * dev.pitstop.runtime.ops.LogContext}).
 */
final class CliLogging {
  private CliLogging() {}

  /**
   * Validates and applies the format and level.
   *
   * @param format {@code text} or {@code json}
   * @param level a logback level name, for Pitstop's own loggers; null: the CLI's default ({@code
   *     WARN})
   * @throws ConfigException naming {@code PITSTOP_LOG_FORMAT} or {@code PITSTOP_LOG_LEVEL}
   */
  static LogSettings apply(String format, String level) {
    Map<String, String> env = new HashMap<>();
    env.put(LogSettings.FORMAT_KEY, format);
    if (level != null && !level.isBlank()) {
      env.put(LogSettings.LEVEL_KEY, level);
    }
    LogSettings s = LogSettings.fromMap(env);
    System.setProperty(LogSettings.FORMAT_KEY, s.format());
    if (level != null && !level.isBlank()) {
      System.setProperty(LogSettings.LEVEL_KEY, s.level());
    } else {
      System.clearProperty(LogSettings.LEVEL_KEY);
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      URL config = CliLogging.class.getResource("/logback.xml");
      if (config == null) {
        throw new IllegalStateException("the CLI's logback.xml is missing from the jar");
      }
      ctx.reset();
      JoranConfigurator j = new JoranConfigurator();
      j.setContext(ctx);
      try {
        j.doConfigure(config);
      } catch (JoranException e) {
        throw new IllegalStateException("the CLI's logback.xml does not load: " + e, e);
      }
    }
    return s;
  }
}
