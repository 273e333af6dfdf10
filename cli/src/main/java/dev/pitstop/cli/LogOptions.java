package dev.pitstop.cli;

import picocli.CommandLine.Option;

/**
 * {@code --log-format} and {@code --log-level} of {@code up} and {@code demo} ({@link CliLogging}).
 */
final class LogOptions {
  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      defaultValue = "${env:PITSTOP_LOG_FORMAT:-text}",
      description = {
        "Logs on stderr: text, or json (one JSON object per line, with event_id, run and",
        "trace_id on lines logged while an event is handled). Default: PITSTOP_LOG_FORMAT, else",
        "text."
      })
  String format;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "${env:PITSTOP_LOG_LEVEL:-}",
      description = "Level of Pitstop's own loggers (default: PITSTOP_LOG_LEVEL, else WARN).")
  String level;
}
