package dev.pitstop.runtime.config;

/** A configuration value that stops start-up; the message names the key and what was wrong. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
