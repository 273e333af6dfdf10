package dev.pitstop.events;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Kafka topic names, all in one place: {@code <prefix>observations}, {@code <prefix>decisions},
 * {@code <prefix>commands}, {@code <prefix>deadletter}. The prefix (default {@code pitstop.}) lets
 * several installations, or tests, share one broker.
 */
public record Topics(String prefix) {
  public static final String DEFAULT_PREFIX = "pitstop.";
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

  /**
   * @throws IllegalArgumentException when the prefix has characters Kafka does not allow in topic
   *     names ({@code [a-zA-Z0-9._-]}) or is longer than 200 characters
   */
  public Topics {
    if (prefix == null || !LEGAL.matcher(prefix).matches() || prefix.length() > 200) {
      throw new IllegalArgumentException(
          "topic prefix \"" + prefix + "\" may only hold [a-zA-Z0-9._-], at most 200 characters");
    }
  }

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  public String observations() {
    return prefix + "observations";
  }

  public String decisions() {
    return prefix + "decisions";
  }

  public String commands() {
    return prefix + "commands";
  }

  public String deadLetter() {
    return prefix + "deadletter";
  }

  /** The topic of a kind. */
  public String of(TopicKind kind) {
    return switch (kind) {
      case OBSERVATIONS -> observations();
      case DECISIONS -> decisions();
      case COMMANDS -> commands();
      case DEAD_LETTER -> deadLetter();
    };
  }

  /** The topic an event of this type goes to. */
  public String of(EventType type) {
    return of(type.topicKind());
  }

  /** Every topic, in the order of {@link TopicKind}. */
  public List<String> all() {
    return List.of(observations(), decisions(), commands(), deadLetter());
  }
}
