package dev.pitstop.notifier.webhook;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.notifier.delivery.AttemptResult;
import dev.pitstop.notifier.delivery.Channel;
import dev.pitstop.notifier.delivery.RetryAfter;
import dev.pitstop.notifier.routing.Endpoint;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Posts an event to a webhook as a CloudEvent over HTTP in binary content mode (CloudEvents HTTP
 * Protocol Binding 1.0 §3.1: attributes as {@code ce-*} headers, {@code Content-Type:
 * application/json}, the data as the body) with the same id, type, source, subject, time and {@code
 * partitionkey} as the event has on Kafka ({@link EventCodec#toCloudEvent}). Redirects are not
 * followed. One attempt per call; 2xx is success.
 */
public final class WebhookChannel implements Channel {
  private final WebClient client;
  private final Endpoint endpoint;
  private final long timeoutMs;
  private final Clock clock;

  /**
   * @param client a client created with {@code followRedirects(false)}
   * @param timeout the longest an attempt may take, connecting included
   * @param clock for {@code Retry-After} dates
   */
  public WebhookChannel(WebClient client, Endpoint endpoint, Duration timeout, Clock clock) {
    this.client = client;
    this.endpoint = endpoint;
    this.timeoutMs = Math.max(1, timeout.toMillis());
    this.clock = clock;
  }

  @Override
  public Future<AttemptResult> send(PitstopEvent event) {
    CloudEvent ce = EventCodec.toCloudEvent(event);
    HttpRequest<Buffer> request =
        client
            .postAbs(endpoint.url().toString())
            .followRedirects(false)
            .connectTimeout(timeoutMs)
            .idleTimeout(timeoutMs);
    return VertxMessageFactory.createWriter(request)
        .writeBinary(ce)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(this::resultOf)
        .otherwise(t -> new AttemptResult.Unreachable(describe(t)));
  }

  private AttemptResult resultOf(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new AttemptResult.Delivered(status);
    }
    Duration retryAfter =
        RetryAfter.parse(response.getHeader("Retry-After"), clock.instant()).orElse(null);
    Buffer body = response.body();
    String detail =
        body == null
            ? ""
            : body.getString(0, Math.min(body.length(), 4 * AttemptResult.MAX_DETAIL), "UTF-8");
    return new AttemptResult.Refused(status, retryAfter, detail);
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
