package dev.pitstop.sandbox.k8s;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a container's log.
 *
 * @param time when the container wrote it (the kubelet's timestamp; nanosecond precision kept)
 * @param text the line without its trailing newline
 */
public record LogLine(Instant time, String text) {

  public LogLine {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(text, "text");
  }
}
