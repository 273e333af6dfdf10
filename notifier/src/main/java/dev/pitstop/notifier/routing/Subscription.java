package dev.pitstop.notifier.routing;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import java.util.Objects;
import java.util.Set;

/**
 * Which events an endpoint wants: every notable type for a URL in {@code NOTIFIER_WEBHOOK_URLS}; a
 * {@link Match} for a route of the routes file ({@link Routes}). Subscriptions by run annotation
 * are found per event ({@link AnnotationSubscriptions}).
 *
 * @param endpoint where matching events go
 * @param match which events
 */
public record Subscription(Endpoint endpoint, Match match) {
  public Subscription {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(match, "match");
  }

  /**
   * The endpoint subscribed to these types.
   *
   * @throws IllegalArgumentException when {@code types} is empty
   */
  public Subscription(Endpoint endpoint, Set<EventType> types) {
    this(endpoint, typesOnly(types));
  }

  private static Match typesOnly(Set<EventType> types) {
    if (types == null || types.isEmpty()) {
      throw new IllegalArgumentException("a subscription needs at least one event type");
    }
    return Match.types(types);
  }

  /** The endpoint subscribed to every notable type. */
  public static Subscription toAll(Endpoint endpoint) {
    return new Subscription(endpoint, Match.ALL);
  }

  /** True when the event matches. */
  public boolean matches(PitstopEvent e) {
    return match.matches(e);
  }
}
