package dev.pitstop.notifier.cdevents;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.notifier.delivery.AttemptResult;
import dev.pitstop.notifier.delivery.Channel;
import dev.pitstop.notifier.webhook.WebhookChannel;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * A webhook in CDEvents format: sends the {@link CdEventsProjection} of each event through a {@link
 * WebhookChannel} (same content mode, Standard Webhooks signature with {@code webhook-id} = the
 * CDEvent id, same retries and dead letters as any webhook).
 *
 * <p>The router gives such an endpoint only projected types; an event without a projection reaching
 * it anyway is a wiring bug, and fails the attempt saying so (it is retried, then dead-lettered)
 * rather than being silently dropped.
 */
public final class CdEventsChannel implements Channel {
  private final WebhookChannel webhook;

  public CdEventsChannel(WebhookChannel webhook) {
    this.webhook = webhook;
  }

  @Override
  public Future<AttemptResult> send(PitstopEvent event) {
    Optional<CdEvent> cd;
    try {
      cd = CdEventsProjection.project(event);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new AttemptResult.Unreachable("no CDEvent: " + e.getMessage()));
    }
    if (cd.isEmpty()) {
      return Future.succeededFuture(
          new AttemptResult.Unreachable(
              event.type().type() + " has no CDEvents projection: not sent to a CDEvents webhook"));
    }
    return webhook.send(CdEventsProjection.toCloudEvent(cd.get()));
  }
}
