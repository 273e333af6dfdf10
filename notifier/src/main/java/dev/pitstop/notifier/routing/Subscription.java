package dev.pitstop.notifier.routing;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which events an endpoint wants. Today an endpoint configured in {@code NOTIFIER_WEBHOOK_URLS}
 * wants every notable type ({@link Router#NOTABLE}); subscriptions declared by run annotations
 * (issue #4) will narrow by namespace, labels and types here.
 *
 * @param endpoint where matching events go
 * @param types the event types delivered (non-empty)
 */
public record Subscription(Endpoint endpoint, Set<EventType> types) {
  public Subscription {
    Objects.requireNonNull(endpoint, "endpoint");
    if (types == null || types.isEmpty()) {
      throw new IllegalArgumentException("a subscription needs at least one event type");
    }
    types = Set.copyOf(EnumSet.copyOf(types));
  }

  /** The endpoint subscribed to every notable type. */
  public static Subscription toAll(Endpoint endpoint) {
    return new Subscription(endpoint, Router.NOTABLE);
  }

  /** True when the event is of one of the subscribed types. */
  public boolean matches(PitstopEvent e) {
    return types.contains(e.type());
  }
}
