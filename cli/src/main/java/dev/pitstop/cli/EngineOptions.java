package dev.pitstop.cli;

import picocli.CommandLine.Option;

/** {@code --engine} and {@code --token} (or {@code PITSTOP_TOKEN}), shared by engine commands. */
public final class EngineOptions {
  @Option(
      names = "--engine",
      defaultValue = "http://127.0.0.1:8081",
      description = "The breakpoint engine's API (default ${DEFAULT-VALUE}).")
  String engine;

  @Option(
      names = "--token",
      defaultValue = "${env:PITSTOP_TOKEN}",
      description = "Bearer token (default: the environment variable PITSTOP_TOKEN).")
  String token;

  /** The client, or null after printing why there is none. */
  EngineClient client() {
    if (token == null || token.isBlank()) {
      System.err.println("pitstop: a token is required: --token or PITSTOP_TOKEN");
      return null;
    }
    return new EngineClient(engine, token.strip());
  }
}
