package dev.pitstop.notifier.slack.interactivity;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Command;
import dev.pitstop.runtime.kafka.EventPublisher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack's interactivity endpoint: an HTTP server for the status cards' buttons.
 *
 * <ul>
 *   <li>{@code POST /slack/interactivity} with Slack's {@code application/x-www-form-urlencoded}
 *       body ({@code payload=<JSON>}). The raw body's signature is checked first ({@link
 *       dev.pitstop.notifier.slack.SlackSignature}: {@code X-Slack-Signature}, {@code
 *       X-Slack-Request-Timestamp}, at most 5 minutes off): missing, wrong or stale → 401 {@code
 *       text/plain} with the reason. A body longer than the limit → 413. A payload that is not one
 *       Pitstop button click ({@link Interaction#parse}, {@link Clicks}) → 400 with the reason.
 *   <li>A click of a Slack user missing from the users file → 200 (as Slack expects) and an
 *       ephemeral message to the user through the click's {@code response_url} saying why.
 *   <li>A click of a known user → 200 at once (Slack wants an answer within 3 s), and a {@code
 *       dev.pitstop.command.continue.v1}/{@code failcontinue} published to the commands topic,
 *       keyed by the root run's UID, with the mapped identity; the engine authorizes it when it
 *       consumes it. If Kafka does not take it, the user is told to try again. If the engine
 *       rejects it ({@code command.rejected}, fed through {@link #onEvent}), the user is told the
 *       engine's reason, ephemerally.
 *   <li>A verified request seen before (same signature, within twice the 5-minute window) → 200 and
 *       nothing done: a replay must not publish a second command.
 *   <li>{@code GET /healthz} → 200 {@code ok}; anything else → 404 or 405.
 * </ul>
 *
 * Answers go only to {@code response_url}s that {@link ResponseUrls} allows; redirects are not
 * followed. The signing secret and the response URLs are never logged.
 */
public final class SlackInteractivity {
  /** The interactivity path (the Slack app's Request URL ends with it). */
  public static final String PATH = "/slack/interactivity";

  private static final Logger LOG = LoggerFactory.getLogger(SlackInteractivity.class);

  private final InteractivityConfig config;
  private final Clicks clicks;
  private final EventPublisher publisher;
  private final WebClient client;
  private final Clock clock;
  private final PendingOutcomes pending;
  private final ReplayGuard replays =
      new ReplayGuard(dev.pitstop.notifier.slack.SlackSignature.TOLERANCE.multipliedBy(2), 100_000);
  private HttpServer server;

  private SlackInteractivity(
      InteractivityConfig config,
      Clicks clicks,
      EventPublisher publisher,
      WebClient client,
      Clock clock) {
    this.config = config;
    this.clicks = clicks;
    this.publisher = publisher;
    this.client = client;
    this.clock = clock;
    this.pending = new PendingOutcomes(10_000, config.outcomeWait());
  }

  /**
   * Starts listening.
   *
   * @param publisher publishes commands (the notifier's producer)
   * @param factory the notifier's event factory
   * @return completes once listening; fails when the port cannot be bound
   */
  public static Future<SlackInteractivity> start(
      Vertx vertx,
      InteractivityConfig config,
      EventPublisher publisher,
      EventFactory factory,
      Clock clock) {
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("pitstop-notifier")
                .setFollowRedirects(false)
                .setConnectTimeout(10_000)
                .setIdleTimeout(30));
    SlackInteractivity s =
        new SlackInteractivity(
            config, new Clicks(config.users(), factory), publisher, client, clock);
    s.server =
        vertx.createHttpServer(
            new HttpServerOptions().setHost(config.host()).setPort(config.port()));
    s.server.requestHandler(s::handle);
    return s.server
        .listen()
        .map(
            srv -> {
              LOG.info(
                  "Slack interactivity on {}:{}{} ({} Slack users from {}, answers to {})",
                  config.host(),
                  srv.actualPort(),
                  PATH,
                  config.users().size(),
                  config.usersFile(),
                  config.responseUrls());
              return s;
            })
        .onFailure(t -> client.close());
  }

  /** The port listened on (the actual one when configured 0). */
  public int port() {
    return server.actualPort();
  }

  /** How many published commands wait for the engine's outcome. */
  public int pending() {
    synchronized (pending) {
      return pending.size();
    }
  }

  /**
   * Feeds a consumed event (the notifier's consumer of observations and decisions): a {@code
   * command.rejected} of a command from this endpoint tells its user why, through the click's
   * {@code response_url}.
   *
   * @return whether the user was answered here (false when the click was taken by another notifier
   *     instance, or its {@code response_url} was not allowed: the caller may tell the user
   *     otherwise, {@link dev.pitstop.notifier.slack.SlackCards#tell})
   */
  public boolean onEvent(PitstopEvent e) {
    Optional<PendingOutcomes.Reply> reply;
    synchronized (pending) {
      reply = pending.onEvent(e, clock.instant());
    }
    reply.ifPresent(
        r -> {
          LOG.info("{} {}: telling the Slack user", e.id(), e.type().type());
          answer(r.responseUrl(), r.text(), e.id());
        });
    return reply.isPresent();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if ("/healthz".equals(path) && req.method() == HttpMethod.GET) {
      plain(req, 200, "ok");
      return;
    }
    if (!PATH.equals(path)) {
      plain(req, 404, "no such resource");
      return;
    }
    if (req.method() != HttpMethod.POST) {
      req.response().putHeader("Allow", "POST");
      plain(req, 405, "use POST");
      return;
    }
    String length = req.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > config.maxBodyBytes()) {
          tooLarge(req);
          return;
        }
      } catch (NumberFormatException e) {
        plain(req, 400, "Content-Length is not a number");
        return;
      }
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    req.handler(
        chunk -> {
          if (refused[0]) {
            return;
          }
          if (body.length() + chunk.length() > config.maxBodyBytes()) {
            refused[0] = true;
            tooLarge(req);
          } else {
            body.appendBuffer(chunk);
          }
        });
    req.exceptionHandler(t -> LOG.debug("interactivity request failed: {}", t.toString()));
    req.endHandler(
        v -> {
          if (!refused[0]) {
            onBody(req, body.getBytes());
          }
        });
  }

  private void tooLarge(HttpServerRequest req) {
    req.response().putHeader("Connection", "close");
    plain(req, 413, "the body is larger than " + config.maxBodyBytes() + " bytes");
  }

  private void onBody(HttpServerRequest req, byte[] body) {
    Instant now = clock.instant();
    Optional<String> forged =
        config
            .signature()
            .problem(
                req.getHeader("X-Slack-Request-Timestamp"),
                req.getHeader("X-Slack-Signature"),
                body,
                now);
    if (forged.isPresent()) {
      LOG.info("401 for {} from {}: {}", PATH, req.remoteAddress(), forged.get());
      plain(req, 401, forged.get());
      return;
    }
    boolean first;
    synchronized (replays) {
      first = replays.firstTime(req.getHeader("X-Slack-Signature").strip(), now);
    }
    if (!first) {
      LOG.warn(
          "a signed request was replayed from {}: answered 200, nothing done", req.remoteAddress());
      req.response().setStatusCode(200).end();
      return;
    }
    Interaction click;
    try {
      click = Interaction.parse(body);
    } catch (IllegalArgumentException e) {
      LOG.info("400 for {} from {}: {}", PATH, req.remoteAddress(), e.getMessage());
      plain(req, 400, e.getMessage());
      return;
    }
    String requestId = UUID.randomUUID().toString();
    ClickDecision d = clicks.decide(click, requestId, now);
    if (d instanceof ClickDecision.Malformed m) {
      LOG.info("400 for {} from Slack user {}: {}", PATH, click.userId(), m.reason());
      plain(req, 400, m.reason());
    } else if (d instanceof ClickDecision.Refuse r) {
      LOG.info("refused a click of Slack user {}: {}", click.userId(), r.reason());
      req.response().setStatusCode(200).end();
      answer(click.responseUrl(), r.message(), "refusal of " + click.userId());
    } else if (d instanceof ClickDecision.Publish p) {
      req.response().setStatusCode(200).end();
      publish(click, p);
    }
  }

  private void publish(Interaction click, ClickDecision.Publish p) {
    Command c = (Command) p.command().data();
    String url = allowed(click.responseUrl(), p.command().id());
    synchronized (pending) {
      pending.expect(c.requestId(), p.target(), url, c.action().json(), clock.instant());
    }
    LOG.info(
        "{} {} of {} requested by {} (Slack user {}) via slack, key {}",
        p.command().id(),
        c.action().json(),
        p.target().display(),
        c.requestedBy().username(),
        click.userId(),
        p.command().partitionKey());
    publisher
        .publish(p.command())
        .onFailure(
            t -> {
              LOG.warn(
                  "{}: could not publish {} of {}: {}",
                  p.command().id(),
                  c.action().json(),
                  p.target().display(),
                  t.toString());
              synchronized (pending) {
                pending.forget(c.requestId());
              }
              answer(
                  click.responseUrl(),
                  ":warning: Pitstop could not pass on your "
                      + c.action().json()
                      + " of `"
                      + p.target().display()
                      + "` (Kafka did not take it); please try again.",
                  p.command().id());
            });
  }

  /** The URL if answers may go there; else null (logged). */
  private String allowed(String responseUrl, String what) {
    if (responseUrl == null) {
      LOG.info("{}: the click has no response_url; the user cannot be answered", what);
      return null;
    }
    if (!config.responseUrls().allows(responseUrl)) {
      LOG.warn(
          "{}: the click's response_url is not under {}; the user is not answered",
          what,
          config.responseUrls());
      return null;
    }
    return responseUrl;
  }

  /** Posts an ephemeral message to the user through the response URL. */
  private void answer(String responseUrl, String text, String what) {
    String url = allowed(responseUrl, what);
    if (url == null) {
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("response_type", "ephemeral")
            .put("replace_original", false)
            .put("text", text);
    client
        .postAbs(url)
        .timeout(10_000)
        .sendJsonObject(body)
        .onSuccess(
            r -> {
              if (r.statusCode() / 100 != 2) {
                LOG.warn("{}: Slack answered {} to the ephemeral reply", what, r.statusCode());
              }
            })
        .onFailure(t -> LOG.warn("{}: could not answer the Slack user: {}", what, t.toString()));
  }

  private static void plain(HttpServerRequest req, int status, String text) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(text);
  }

  /**
   * Stops listening and closes the web client.
   *
   * @return completes when closed; does not fail
   */
  public Future<Void> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.otherwiseEmpty().onComplete(ar -> client.close());
  }
}
