package dev.pitstop.sandbox.receivers;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.http.vertx.VertxMessageFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A webhook endpoint on loopback that receives CloudEvents over HTTP (CloudEvents HTTP Protocol
 * Binding 1.0, binary and structured JSON mode), for tests and the local demo.
 *
 * <p>It checks what a real receiver checks and answers {@code 400} (or {@code 405} for another
 * method than {@code POST}) with the reason as a plain-text body when a request is no acceptable
 * event: a CloudEvents spec version, the required attributes {@code id}, {@code source}, {@code
 * type}, and JSON data ({@code datacontenttype} {@code application/json} or {@code *+json}, and a
 * body that parses). An accepted event is answered {@code 204}, recorded in {@link #received()} and
 * passed to every {@link #onEvent listener}.
 *
 * <p>With {@link #requireSignatures(String...)} it also checks the Standard Webhooks headers
 * ({@code webhook-id}, {@code webhook-timestamp} within 5 minutes of now, {@code webhook-signature}
 * holding a {@code v1} HMAC-SHA256 of {@code id.timestamp.body} under one of its secrets) with the
 * {@code standardwebhooks} library, as a real receiver does, and answers {@code 401} when they
 * fail. {@link #deliveries(String)} counts how often an event id was accepted, so a test can tell a
 * duplicate delivery.
 *
 * <p>Tests script failures with {@link #failNext(int, int)}: the next {@code n} requests are
 * answered with that status (and a {@code Retry-After} header when given) whatever they hold. Every
 * request, failed or accepted, is recorded in {@link #requests()}. Thread-safe.
 */
public final class WebhookReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);

  /**
   * One request as the receiver saw and answered it.
   *
   * @param method the HTTP method
   * @param headers the request headers, names in lower case (the last value of a repeated header)
   * @param encoding {@code BINARY} or {@code STRUCTURED} for a CloudEvent, {@code UNKNOWN}
   *     otherwise, null when the request was answered by a scripted failure before being read
   * @param status the status answered
   * @param reason why it was refused, or null when accepted
   */
  public record Request(
      HttpMethod method,
      Map<String, String> headers,
      Encoding encoding,
      int status,
      String reason) {
    public Request {
      headers = Map.copyOf(headers);
    }
  }

  private record Script(int remaining, int status, Duration retryAfter) {}

  private final HttpServer server;
  private final List<CloudEvent> received = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Consumer<CloudEvent>> listeners = new CopyOnWriteArrayList<>();
  private Script script = new Script(0, 0, null);
  private volatile List<Webhook> verifiers = List.of();
  private final Map<String, Integer> deliveries = new java.util.concurrent.ConcurrentHashMap<>();

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts a receiver listening on the loopback address.
   *
   * @param port the port, or 0 for any free port
   * @return a future completed with the listening receiver, failed when the port cannot be bound
   */
  public static Future<WebhookReceiver> start(Vertx vertx, int port) {
    HttpServer server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(InetAddress.getLoopbackAddress().getHostAddress())
                .setPort(port));
    WebhookReceiver receiver = new WebhookReceiver(server);
    server.requestHandler(receiver::handle);
    return server.listen().map(s -> receiver);
  }

  /** The URL to post events to, e.g. {@code http://127.0.0.1:41234/events}. */
  public String url() {
    return "http://"
        + InetAddress.getLoopbackAddress().getHostAddress()
        + ":"
        + server.actualPort()
        + "/events";
  }

  /** The accepted events, in the order they arrived (a snapshot). */
  public List<CloudEvent> received() {
    return List.copyOf(received);
  }

  /** Every request, accepted or not, in the order answered (a snapshot). */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /**
   * Adds a listener called with each accepted event, on the receiver's event loop: it must not
   * block. An exception it throws is logged and does not change the answer.
   */
  public WebhookReceiver onEvent(Consumer<CloudEvent> listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * Answers the next {@code n} requests with {@code status}, replacing an earlier script.
   *
   * @param n how many requests (0 stops failing; {@link Integer#MAX_VALUE} for always)
   * @param status an HTTP status, e.g. 503
   */
  public WebhookReceiver failNext(int n, int status) {
    return failNext(n, status, null);
  }

  /**
   * As {@link #failNext(int, int)}, with a {@code Retry-After} header in whole seconds (as a 429 or
   * 503 from a real service carries).
   *
   * @param retryAfter the delay to announce, or null for no header
   */
  public synchronized WebhookReceiver failNext(int n, int status, Duration retryAfter) {
    if (n < 0 || status < 100 || status > 599) {
      throw new IllegalArgumentException("failNext(" + n + ", " + status + ")");
    }
    script = new Script(n, status, retryAfter);
    return this;
  }

  /**
   * Requires a valid Standard Webhooks signature under any of these secrets from now on.
   *
   * @param secrets {@code whsec_<base64>} secrets (none: stop checking)
   */
  public WebhookReceiver requireSignatures(String... secrets) {
    List<Webhook> list = new java.util.ArrayList<>();
    for (String secret : secrets) {
      try {
        list.add(new Webhook(secret));
      } catch (com.standardwebhooks.exceptions.EmptyWebhookSecretException e) {
        throw new IllegalArgumentException("an empty secret", e);
      }
    }
    verifiers = List.copyOf(list);
    return this;
  }

  /** How many times an event with this id was accepted (0 when never). */
  public int deliveries(String id) {
    return deliveries.getOrDefault(id, 0);
  }

  /** The ids accepted more than once. */
  public java.util.Set<String> duplicates() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    deliveries.forEach(
        (id, n) -> {
          if (n > 1) {
            out.add(id);
          }
        });
    return out;
  }

  /** Stops listening; completes when closed. */
  public Future<Void> close() {
    return server.close();
  }

  private synchronized Script takeScripted() {
    if (script.remaining() == 0) {
      return null;
    }
    Script s = script;
    if (s.remaining() != Integer.MAX_VALUE) {
      script = new Script(s.remaining() - 1, s.status(), s.retryAfter());
    }
    return s;
  }

  private void handle(HttpServerRequest req) {
    Map<String, String> headers = new LinkedHashMap<>();
    req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    Script failure = takeScripted();
    if (failure != null) {
      req.body()
          .onComplete(
              ar -> {
                if (failure.retryAfter() != null) {
                  req.response()
                      .putHeader("Retry-After", Long.toString(failure.retryAfter().toSeconds()));
                }
                answer(req, headers, null, failure.status(), "scripted failure");
              });
      return;
    }
    if (req.method() != HttpMethod.POST) {
      req.response().putHeader("Allow", "POST");
      answer(req, headers, null, 405, "only POST is accepted, not " + req.method());
      return;
    }
    req.body()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                answer(req, headers, null, 400, "unreadable request: " + ar.cause().getMessage());
                return;
              }
              String unsigned = signatureProblem(headers, ar.result());
              if (unsigned != null) {
                answer(req, headers, null, 401, unsigned);
                return;
              }
              MessageReader reader;
              try {
                reader = VertxMessageFactory.createReader(req.headers(), ar.result());
              } catch (RuntimeException ex) {
                answer(req, headers, null, 400, "not a CloudEvent: " + ex.getMessage());
                return;
              }
              Encoding encoding = reader.getEncoding();
              CloudEvent event;
              try {
                event = reader.toEvent();
              } catch (RuntimeException ex) {
                answer(req, headers, encoding, 400, "not a CloudEvent: " + ex.getMessage());
                return;
              }
              String problem = problemOf(event);
              if (problem != null) {
                answer(req, headers, encoding, 400, problem);
                return;
              }
              received.add(event);
              deliveries.merge(event.getId(), 1, Integer::sum);
              answer(req, headers, encoding, 204, null);
              for (Consumer<CloudEvent> l : listeners) {
                try {
                  l.accept(event);
                } catch (RuntimeException ex) {
                  LOG.warn("listener failed on event {}: {}", event.getId(), ex.toString());
                }
              }
            });
  }

  /** Why the request's signature is not acceptable, or null (also when none is required). */
  private String signatureProblem(Map<String, String> headers, Buffer body) {
    List<Webhook> keys = verifiers;
    if (keys.isEmpty()) {
      return null;
    }
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    String payload = body == null ? "" : body.toString(java.nio.charset.StandardCharsets.UTF_8);
    String last = "no secret";
    for (Webhook key : keys) {
      try {
        key.verify(payload, h);
        return null;
      } catch (WebhookVerificationException e) {
        last = e.getMessage();
      }
    }
    return "bad Standard Webhooks signature: " + last;
  }

  /** Why an event is not acceptable, or null. */
  static String problemOf(CloudEvent e) {
    if (e.getSpecVersion() == null) {
      return "no CloudEvents specversion";
    }
    if (e.getId() == null || e.getId().isBlank()) {
      return "required attribute id is missing";
    }
    if (e.getSource() == null) {
      return "required attribute source is missing";
    }
    if (e.getType() == null || e.getType().isBlank()) {
      return "required attribute type is missing";
    }
    String ct = e.getDataContentType();
    if (ct == null || !isJson(ct)) {
      return "datacontenttype " + ct + " is not JSON";
    }
    if (e.getData() == null) {
      return "the event has no data";
    }
    try {
      Json.decodeValue(Buffer.buffer(e.getData().toBytes()));
    } catch (DecodeException ex) {
      return "data is not JSON: " + ex.getMessage();
    }
    return null;
  }

  private static boolean isJson(String contentType) {
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mime.equals("application/json") || mime.endsWith("+json");
  }

  private void answer(
      HttpServerRequest req,
      Map<String, String> headers,
      Encoding encoding,
      int status,
      String reason) {
    requests.add(new Request(req.method(), headers, encoding, status, reason));
    if (reason != null) {
      LOG.debug("answered {} {}: {}", status, req.method(), reason);
      req.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(reason);
    } else {
      req.response().setStatusCode(status).end();
    }
  }
}
