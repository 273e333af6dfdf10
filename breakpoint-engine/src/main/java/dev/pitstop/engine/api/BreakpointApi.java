package dev.pitstop.engine.api;

import dev.pitstop.engine.BreakpointEngine;
import dev.pitstop.engine.auth.Authenticator;
import dev.pitstop.engine.auth.Authorizer;
import dev.pitstop.engine.auth.StaticTokenAuthenticator;
import dev.pitstop.engine.breakpoint.Breakpoint;
import dev.pitstop.engine.breakpoint.BreakpointBook.Standing;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.CommandOutcome;
import dev.pitstop.engine.hold.Hold;
import dev.pitstop.engine.hold.HoldBook;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.Identity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's HTTP API (Vert.x Web); {@code breakpoint-engine/API.md} shows examples.
 *
 * <ul>
 *   <li>{@code GET /healthz} → 200 {@code {"status":"ok"}} (no token: for probes).
 *   <li>{@code GET /v1/breakpoints} → 200 {@code {"breakpoints":[...]}}: every step that waits,
 *       oldest first, each with {@code namespace, taskRun, uid, pipelineRun, pipelineTask, step,
 *       pod, container, mechanism, state (paused|releasing), pausedAt, deadline, logTail, exec}.
 *   <li>{@code POST /v1/breakpoints/{namespace}/{taskRun}/{step}/continue} and {@code
 *       .../fail-continue} → publishes a {@code dev.pitstop.command.continue.v1} / {@code
 *       failcontinue} ({@code requestId} a random UUID, {@code via} {@code api}, {@code
 *       requestedBy} the caller) and answers 202 {@code {"commandId":...,
 *       "outcome":"/v1/commands/<id>"}}; 404 when no breakpoint is known there; 409 when it is
 *       known but nothing waits (the message says why, e.g. who continued it); 400 when a path
 *       segment is not a Kubernetes name; 503 when Kafka did not take the command.
 *   <li>{@code GET /v1/holds} → 200 {@code {"holds":[...]}}: every TaskRun Pitstop holds ({@code
 *       TaskRunPending}), oldest first, each with {@code namespace, taskRun, uid, pipelineRun,
 *       pipelineTask, breakpoint, cause, state (held|releasing), heldSince}.
 *   <li>{@code POST /v1/holds/{namespace}/{taskRun}/continue} and {@code .../fail-continue} → as
 *       for steps, a command without a step: continue starts the TaskRun, fail-continue cancels it
 *       ({@code TaskRunCancelled}); 404 when no hold is known, 409 when it is not held any more.
 *   <li>{@code GET /v1/commands/{id}} → 200 {@code {"commandId", "status":
 *       pending|continued|rejected, "reason", "message", "decidedAt"}}, or 404 when not known (this
 *       engine remembers the last 10,000).
 * </ul>
 *
 * <p>Every {@code /v1} request needs {@code Authorization: Bearer <token>} that the {@link
 * Authenticator} accepts (static {@link ApiTokens}, or a Kubernetes TokenReview); else 401 with
 * {@code WWW-Authenticate: Bearer}. A release needs the {@link Authorizer}'s yes for the run's
 * namespace ({@code create pods/exec}, by SubjectAccessReview in a cluster); else 403 with the
 * reason. 503 when either cannot be decided. Tokens are never logged. Errors are {@code {"error":
 * "..."}}.
 *
 * <p>A 202 means the command was published, not carried out: the engine decides when it consumes it
 * (the step may have been released meanwhile), and {@code GET /v1/commands/{id}} tells the outcome.
 * The 404/409 checks read this engine's memory, so with several engine instances (partitions) the
 * API must run on the instance that owns the run: not handled yet.
 */
public final class BreakpointApi {
  private static final Logger LOG = LoggerFactory.getLogger(BreakpointApi.class);

  /** A DNS-1123 label: namespaces and step names. Source: Kubernetes {@code validation.go}. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** A DNS-1123 subdomain: object names such as TaskRuns. */
  private static final Pattern SUBDOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final Pattern UUID_LIKE = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final String IDENTITY = "pitstop.identity";

  private final BreakpointEngine engine;
  private final Authenticator authenticator;
  private final Authorizer authorizer;

  /** An API with static tokens and no per-namespace authorization (local use). */
  public BreakpointApi(BreakpointEngine engine, ApiTokens tokens) {
    this(engine, new StaticTokenAuthenticator(tokens), Authorizer.ALLOW_ALL);
  }

  /**
   * @param authenticator who a bearer token is (static tokens, or TokenReview in a cluster)
   * @param authorizer checked before a release is published (403 with the reason); the engine
   *     checks again when it consumes the command
   */
  public BreakpointApi(
      BreakpointEngine engine, Authenticator authenticator, Authorizer authorizer) {
    this.engine = engine;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
  }

  /** The routes above, on a new router. */
  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    r.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    r.route("/v1/*").handler(this::authenticate);
    r.get("/v1/breakpoints").handler(this::list);
    r.post("/v1/breakpoints/:namespace/:taskRun/:step/continue")
        .handler(ctx -> release(ctx, Action.CONTINUE));
    r.post("/v1/breakpoints/:namespace/:taskRun/:step/fail-continue")
        .handler(ctx -> release(ctx, Action.FAIL_CONTINUE));
    r.get("/v1/holds").handler(this::listHolds);
    r.post("/v1/holds/:namespace/:taskRun/continue")
        .handler(ctx -> releaseHold(ctx, Action.CONTINUE));
    r.post("/v1/holds/:namespace/:taskRun/fail-continue")
        .handler(ctx -> releaseHold(ctx, Action.FAIL_CONTINUE));
    r.get("/v1/commands/:id").handler(this::command);
    r.route("/v1/*")
        .handler(
            ctx ->
                error(
                    ctx,
                    404,
                    "no such resource: " + ctx.request().method() + " " + ctx.normalizedPath()));
    return r;
  }

  private void authenticate(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    String token = null;
    if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = h.substring(7).strip();
    }
    if (token == null || token.isEmpty() || token.length() > 8_192) {
      unauthorized(ctx);
      return;
    }
    authenticator
        .authenticate(token)
        .onSuccess(
            user -> {
              if (user.isEmpty()) {
                unauthorized(ctx);
              } else {
                ctx.put(IDENTITY, user.get());
                ctx.next();
              }
            })
        .onFailure(
            t -> {
              LOG.warn("could not authenticate a request: {}", t.toString());
              error(ctx, 503, "authentication is unavailable; try again");
            });
  }

  private void unauthorized(RoutingContext ctx) {
    LOG.info(
        "401 for {} {} from {}",
        ctx.request().method(),
        ctx.normalizedPath(),
        ctx.request().remoteAddress());
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"pitstop\"");
    error(ctx, 401, "a valid bearer token is required (Authorization: Bearer <token>)");
  }

  /** 403 with the reason when the caller may not release in the namespace; else runs next. */
  private void authorized(RoutingContext ctx, String namespace, Runnable next) {
    Identity by = ctx.get(IDENTITY);
    authorizer
        .mayRelease(by, namespace)
        .onSuccess(
            denied -> {
              if (denied == null) {
                next.run();
              } else {
                LOG.info("403 for {} {}: {}", by.username(), ctx.normalizedPath(), denied);
                error(ctx, 403, denied);
              }
            })
        .onFailure(
            t -> {
              LOG.warn("could not authorize {}: {}", by.username(), t.toString());
              error(ctx, 503, "authorization is unavailable; try again");
            });
  }

  private void list(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (Breakpoint b : engine.waiting()) {
      out.add(
          new JsonObject()
              .put("namespace", b.key().namespace())
              .put("taskRun", b.key().taskRun())
              .put("uid", b.run().uid())
              .put("pipelineRun", b.run().pipelineRun())
              .put("pipelineTask", b.run().pipelineTask())
              .put("step", b.key().step())
              .put("pod", b.pod())
              .put("container", b.container())
              .put("mechanism", b.mechanism().json())
              .put("state", b.state().name().toLowerCase(java.util.Locale.ROOT))
              .put("pausedAt", text(b.pausedAt()))
              .put("deadline", text(b.deadline()))
              .put("logTail", new JsonArray(b.logTail()))
              .put("exec", b.exec()));
    }
    json(ctx, 200, new JsonObject().put("breakpoints", out));
  }

  private void release(RoutingContext ctx, Action action) {
    String ns = ctx.pathParam("namespace");
    String tr = ctx.pathParam("taskRun");
    String step = ctx.pathParam("step");
    String bad =
        !LABEL.matcher(ns).matches()
            ? "namespace is not a DNS-1123 label"
            : !SUBDOMAIN.matcher(tr).matches()
                ? "taskRun is not a DNS-1123 subdomain"
                : !LABEL.matcher(step).matches() ? "step is not a DNS-1123 label" : null;
    if (bad != null) {
      error(ctx, 400, bad);
      return;
    }
    authorized(ctx, ns, () -> releaseAuthorized(ctx, action, ns, tr, step));
  }

  private void releaseAuthorized(
      RoutingContext ctx, Action action, String ns, String tr, String step) {
    Identity by = ctx.get(IDENTITY);
    Standing st = engine.standing(new BreakpointKey(ns, tr, step));
    switch (st.kind()) {
      case UNKNOWN -> error(ctx, 404, st.message());
      case NOT_PAUSED -> error(ctx, 409, st.message());
      case PAUSED ->
          engine
              .request(st.breakpoint(), action, by, "api")
              .onSuccess(
                  id ->
                      json(
                          ctx,
                          202,
                          new JsonObject()
                              .put("commandId", id)
                              .put("outcome", "/v1/commands/" + id)))
              .onFailure(
                  t -> {
                    LOG.warn(
                        "could not publish {} of {}: {}",
                        action.json(),
                        st.breakpoint().key(),
                        t.toString());
                    error(ctx, 503, "the command could not be published; try again");
                  });
    }
  }

  private void listHolds(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (Hold h : engine.held()) {
      out.add(
          new JsonObject()
              .put("namespace", h.run().namespace())
              .put("taskRun", h.run().name())
              .put("uid", h.run().uid())
              .put("pipelineRun", h.run().pipelineRun())
              .put("pipelineTask", h.run().pipelineTask())
              .put("breakpoint", h.breakpoint())
              .put("cause", h.cause())
              .put("state", h.state().name().toLowerCase(java.util.Locale.ROOT))
              .put("heldSince", text(h.heldSince())));
    }
    json(ctx, 200, new JsonObject().put("holds", out));
  }

  private void releaseHold(RoutingContext ctx, Action action) {
    String ns = ctx.pathParam("namespace");
    String tr = ctx.pathParam("taskRun");
    if (!LABEL.matcher(ns).matches()) {
      error(ctx, 400, "namespace is not a DNS-1123 label");
      return;
    }
    if (!SUBDOMAIN.matcher(tr).matches()) {
      error(ctx, 400, "taskRun is not a DNS-1123 subdomain");
      return;
    }
    authorized(ctx, ns, () -> releaseHoldAuthorized(ctx, action, ns, tr));
  }

  private void releaseHoldAuthorized(RoutingContext ctx, Action action, String ns, String tr) {
    Identity by = ctx.get(IDENTITY);
    Optional<Hold> h = engine.hold(ns, tr);
    if (h.isEmpty()) {
      error(ctx, 404, "no hold is known at " + ns + "/" + tr);
      return;
    }
    String why = HoldBook.notHeld(h.get());
    if (why != null) {
      error(ctx, 409, why);
      return;
    }
    engine
        .requestHold(h.get(), action, by, "api")
        .onSuccess(
            id ->
                json(
                    ctx,
                    202,
                    new JsonObject().put("commandId", id).put("outcome", "/v1/commands/" + id)))
        .onFailure(
            t -> {
              LOG.warn(
                  "could not publish {} of {}: {}", action.json(), h.get().key(), t.toString());
              error(ctx, 503, "the command could not be published; try again");
            });
  }

  private void command(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!UUID_LIKE.matcher(id).matches()) {
      error(ctx, 400, "a command id is a UUID");
      return;
    }
    Optional<CommandOutcome> o = engine.outcome(id);
    if (o.isEmpty()) {
      error(ctx, 404, "no command " + id + " is known");
      return;
    }
    CommandOutcome c = o.get();
    json(
        ctx,
        200,
        new JsonObject()
            .put("commandId", c.commandId())
            .put("status", c.status().json())
            .put("reason", c.reason())
            .put("message", c.message())
            .put("decidedAt", text(c.decidedAt())));
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
