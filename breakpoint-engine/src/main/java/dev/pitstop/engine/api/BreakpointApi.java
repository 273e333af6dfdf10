package dev.pitstop.engine.api;

import dev.pitstop.engine.BreakpointEngine;
import dev.pitstop.engine.breakpoint.Breakpoint;
import dev.pitstop.engine.breakpoint.BreakpointBook.Standing;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.CommandOutcome;
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
 *   <li>{@code GET /v1/commands/{id}} → 200 {@code {"commandId", "status":
 *       pending|continued|rejected, "reason", "message", "decidedAt"}}, or 404 when not known (this
 *       engine remembers the last 10,000).
 * </ul>
 *
 * <p>Every {@code /v1} request needs {@code Authorization: Bearer <token>} with a token of {@link
 * ApiTokens}; else 401 with {@code WWW-Authenticate: Bearer}. Tokens are never logged.
 * Authorization per namespace (SubjectAccessReview) is issue #3, not done. Errors are {@code
 * {"error": "..."}}.
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
  private final ApiTokens tokens;

  public BreakpointApi(BreakpointEngine engine, ApiTokens tokens) {
    this.engine = engine;
    this.tokens = tokens;
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
    Optional<String> user = Optional.empty();
    if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      user = tokens.userOf(h.substring(7).strip());
    }
    if (user.isEmpty()) {
      LOG.info(
          "401 for {} {} from {}",
          ctx.request().method(),
          ctx.normalizedPath(),
          ctx.request().remoteAddress());
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"pitstop\"");
      error(ctx, 401, "a valid bearer token is required (Authorization: Bearer <token>)");
      return;
    }
    ctx.put(IDENTITY, Identity.of(user.get()));
    ctx.next();
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
