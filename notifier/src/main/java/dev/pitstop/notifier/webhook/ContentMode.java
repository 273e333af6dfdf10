package dev.pitstop.notifier.webhook;

import java.util.Locale;

/**
 * How a CloudEvent travels over HTTP (CloudEvents HTTP Protocol Binding 1.0 §3): {@code binary}
 * (attributes as {@code ce-*} headers, the data as the body, {@code Content-Type:
 * application/json}) or {@code structured} (the whole event as JSON, {@code Content-Type:
 * application/cloudevents+json}).
 */
public enum ContentMode {
  BINARY,
  STRUCTURED;

  /**
   * @throws IllegalArgumentException for anything but {@code binary} or {@code structured}
   */
  public static ContentMode of(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "binary" -> BINARY;
      case "structured" -> STRUCTURED;
      default ->
          throw new IllegalArgumentException(
              "\"" + text + "\" is not a content mode: binary or structured");
    };
  }
}
