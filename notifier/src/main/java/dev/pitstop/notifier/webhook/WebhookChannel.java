package dev.pitstop.notifier.webhook;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.notifier.delivery.AttemptResult;
import dev.pitstop.notifier.delivery.Channel;
import dev.pitstop.notifier.delivery.RetryAfter;
import dev.pitstop.notifier.routing.Endpoint;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Posts an event to a webhook as a CloudEvent over HTTP, in binary content mode by default
 * (CloudEvents HTTP Protocol Binding 1.0 §3.1: attributes as {@code ce-*} headers, {@code
 * Content-Type: application/json}, the data as the body) or structured mode (§3.2: {@code
 * application/cloudevents+json}), with the same id, type, source, subject, time and {@code
 * partitionkey} as the event has on Kafka ({@link EventCodec#toCloudEvent}); signed per Standard
 * Webhooks when the {@link WebhookSigner} has secrets (over the exact body sent, with the attempt's
 * time). Redirects are not followed. One attempt per call; 2xx is success.
 */
public final class WebhookChannel implements Channel {
  /** The {@code Content-Type} of structured mode. */
  public static final String STRUCTURED_CONTENT_TYPE =
      "application/cloudevents+json; charset=UTF-8";

  private final WebClient client;
  private final Endpoint endpoint;
  private final long timeoutMs;
  private final Clock clock;
  private final ContentMode mode;
  private final WebhookSigner signer;

  /** A channel in binary mode without signatures. */
  public WebhookChannel(WebClient client, Endpoint endpoint, Duration timeout, Clock clock) {
    this(client, endpoint, timeout, clock, ContentMode.BINARY, WebhookSigner.NONE);
  }

  /**
   * @param client a client created with {@code followRedirects(false)}
   * @param timeout the longest an attempt may take, connecting included
   * @param clock for {@code Retry-After} dates and the {@code webhook-timestamp}
   * @param mode binary or structured
   * @param signer the Standard Webhooks signer ({@link WebhookSigner#NONE} for none)
   */
  public WebhookChannel(
      WebClient client,
      Endpoint endpoint,
      Duration timeout,
      Clock clock,
      ContentMode mode,
      WebhookSigner signer) {
    this.client = client;
    this.endpoint = endpoint;
    this.timeoutMs = Math.max(1, timeout.toMillis());
    this.clock = clock;
    this.mode = mode;
    this.signer = signer;
  }

  @Override
  public Future<AttemptResult> send(PitstopEvent event) {
    return post(
        EventCodec.toCloudEvent(event), event.id(), () -> EventCodec.toStructuredJson(event));
  }

  /**
   * Posts any CloudEvent (e.g. a CDEvent) the same way: the configured content mode, the signature
   * with {@code webhook-id} = the CloudEvent's id, one attempt.
   */
  public Future<AttemptResult> send(CloudEvent ce) {
    return post(
        ce,
        ce.getId(),
        () -> new String(new JsonFormat().serialize(ce), java.nio.charset.StandardCharsets.UTF_8));
  }

  private Future<AttemptResult> post(
      CloudEvent ce, String webhookId, Supplier<String> structuredJson) {
    HttpRequest<Buffer> request =
        client
            .postAbs(endpoint.url().toString())
            .followRedirects(false)
            .connectTimeout(timeoutMs)
            .idleTimeout(timeoutMs);
    Future<HttpResponse<Buffer>> sent;
    if (mode == ContentMode.STRUCTURED) {
      String json = structuredJson.get();
      signer.headers(webhookId, clock.instant(), json).forEach(request::putHeader);
      sent =
          request
              .putHeader("Content-Type", STRUCTURED_CONTENT_TYPE)
              .sendBuffer(Buffer.buffer(json, "UTF-8"));
    } else {
      String body =
          ce.getData() == null
              ? ""
              : new String(ce.getData().toBytes(), java.nio.charset.StandardCharsets.UTF_8);
      signer.headers(webhookId, clock.instant(), body).forEach(request::putHeader);
      sent = VertxMessageFactory.createWriter(request).writeBinary(ce);
    }
    return sent.timeout(timeoutMs, TimeUnit.MILLISECONDS)
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
