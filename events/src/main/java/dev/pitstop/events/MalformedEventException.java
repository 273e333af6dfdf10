package dev.pitstop.events;

/**
 * A record or CloudEvent that is not a valid Pitstop event; the message says why, in words fit for
 * a dead-letter header.
 */
public class MalformedEventException extends Exception {
  public MalformedEventException(String message) {
    super(message);
  }

  public MalformedEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
