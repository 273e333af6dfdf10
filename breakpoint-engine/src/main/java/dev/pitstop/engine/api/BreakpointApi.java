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
import dev.pitstop.engine.state.GlobalView;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
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
 *       requestedBy} the caller) keyed by the root run's uid, waits for the owning instance's
 *       decision and answers it ({@link #statusOf}: 200 continued, 409/403/502 rejected), or 202
 *       {@code {"commandId":..., "status":"pending", "outcome":"/v1/commands/<id>"}} when none came
 *       in time; 404 when no breakpoint is known there; 409 when it is known but nothing waits (the
 *       message says why, e.g. who continued it); 400 when a path segment is not a Kubernetes name;
 *       503 when Kafka did not take the command.
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
 * <p>With several engine instances ({@link Cluster}) every instance answers for every run: its own
 * runs from its books, the others' from a {@link GlobalView} of the whole state topic (eventually
 * consistent: lists carry {@code consistency} and each item {@code ownedHere}); a release of any
 * run is published to the commands topic, decided by the owner, and its outcome matched by command
 * id from the decisions topic ({@link PendingCommands}). A 202 means the command was published but
 * not decided within {@link Cluster#commandWait}; {@code GET /v1/commands/{id}} tells the outcome
 * later.
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

  /** What the {@code consistency} field of the lists says when other instances' runs are listed. */
  static final String EVENTUAL =
      "eventual: runs owned by other engine instances are listed from the state topic, which"
          + " lags their owners' changes (by the time a tailing consumer takes, typically well"
          + " under a second)";

  private final BreakpointEngine engine;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final Cluster cluster;
  private Vertx vertx;

  /**
   * What makes this instance's API complete when several engine instances share the partitions.
   *
   * @param global every root run's state, from the whole state topic (eventually consistent)
   * @param ownedHere whether a root run (by uid) is owned by this instance now: such runs are
   *     answered from the engine's own books, the others from {@code global}
   * @param outcomes commands waiting for the decision of whichever instance owns the run
   * @param commandWait how long a release request waits for its outcome before answering 202
   *     ({@code ENGINE_API_COMMAND_WAIT})
   */
  public record Cluster(
      GlobalView global,
      Predicate<String> ownedHere,
      PendingCommands outcomes,
      Duration commandWait) {}

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
    this(engine, authenticator, authorizer, null);
  }

  /**
   * @param cluster the global view and command outcomes of all instances; null: this engine's own
   *     runs only, and a release answers 202 as soon as its command is published
   */
  public BreakpointApi(
      BreakpointEngine engine,
      Authenticator authenticator,
      Authorizer authorizer,
      Cluster cluster) {
    this.engine = engine;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.cluster = cluster;
  }

  /** The routes above, on a new router. */
  public Router router(Vertx vertx) {
    this.vertx = vertx;
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
    Map<String, Breakpoint> byKey = new LinkedHashMap<>();
    Map<String, Boolean> here = new java.util.HashMap<>();
    for (Breakpoint b : engine.waiting()) {
      byKey.put(b.key() + " " + b.run().uid(), b);
      here.put(b.key() + " " + b.run().uid(), true);
    }
    if (cluster != null) {
      for (Breakpoint b : cluster.global().waiting(root -> !cluster.ownedHere().test(root))) {
        byKey.putIfAbsent(b.key() + " " + b.run().uid(), b); // this instance's own copy wins
      }
    }
    List<Map.Entry<String, Breakpoint>> all = new ArrayList<>(byKey.entrySet());
    all.sort(
        Comparator.comparing(
                (Map.Entry<String, Breakpoint> e) -> e.getValue().pausedAt(),
                Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Map.Entry::getKey));
    JsonArray out = new JsonArray();
    for (Map.Entry<String, Breakpoint> e : all) {
      Breakpoint b = e.getValue();
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
              .put("exec", b.exec())
              .put("ownedHere", here.containsKey(e.getKey())));
    }
    JsonObject body = new JsonObject().put("breakpoints", out);
    if (cluster != null) {
      body.put("consistency", EVENTUAL);
    }
    json(ctx, 200, body);
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
    BreakpointKey key = new BreakpointKey(ns, tr, step);
    Standing st = engine.standing(key);
    if (st.kind() == Standing.Kind.UNKNOWN && cluster != null) {
      st = cluster.global().breakpoint(key).map(BreakpointApi::standingOf).orElse(null);
      if (st == null) {
        error(
            ctx,
            404,
            "no breakpoint is known at "
                + key
                + " by any engine instance (a pause is known once the instance owning its run"
                + " has handled it and written its state)");
        return;
      }
    }
    Standing s = st;
    switch (s.kind()) {
      case UNKNOWN -> error(ctx, 404, s.message());
      case NOT_PAUSED -> error(ctx, 409, s.message());
      case PAUSED ->
          answer(
              ctx,
              engine.request(s.breakpoint(), action, by, "api"),
              action.json() + " of " + s.breakpoint().key());
    }
  }

  /** Where a command would stand for a breakpoint of the global view (as the owner's book says). */
  static Standing standingOf(Breakpoint bp) {
    String describe =
        bp.release() == null
            ? "a command"
            : bp.release().action().json()
                + " by "
                + (bp.release().requestedBy() == null ? "?" : bp.release().requestedBy().username())
                + " via "
                + bp.release().via();
    return switch (bp.state()) {
      case PAUSED ->
          new Standing(
              Standing.Kind.PAUSED, bp, bp.key() + " is paused (" + bp.mechanism().json() + ")");
      case RELEASING ->
          new Standing(
              Standing.Kind.NOT_PAUSED,
              bp,
              bp.key()
                  + " is being released: "
                  + describe
                  + (bp.release() == null ? "" : " requested at " + bp.release().requestedAt()));
      case CONTINUED ->
          new Standing(
              Standing.Kind.NOT_PAUSED,
              bp,
              bp.key() + " is not paused: " + describe + " at " + bp.decidedAt());
      case ENDED ->
          new Standing(
              Standing.Kind.NOT_PAUSED,
              bp,
              bp.key()
                  + " is not paused: the pause ended ("
                  + bp.endReason()
                  + ") at "
                  + bp.decidedAt());
    };
  }

  /**
   * Answers a release once its command is published: at once with 202 without a {@link Cluster};
   * else with the owner's decision when it comes within {@link Cluster#commandWait} ({@link
   * #statusOf}), or 202 when it does not.
   */
  private void answer(RoutingContext ctx, Future<String> published, String what) {
    published
        .onSuccess(
            id -> {
              if (cluster == null || cluster.outcomes() == null) {
                json(ctx, 202, accepted(id));
                return;
              }
              Duration wait = cluster.commandWait();
              cluster
                  .outcomes()
                  .expect(id, Instant.now().plus(wait))
                  .onSuccess(o -> json(ctx, statusOf(o), outcomeJson(o)));
              vertx.setTimer(wait.toMillis() + 5, t -> cluster.outcomes().expire(Instant.now()));
            })
        .onFailure(
            t -> {
              LOG.warn("could not publish {}: {}", what, t.toString());
              error(ctx, 503, "the command could not be published; try again");
            });
  }

  private static JsonObject accepted(String id) {
    return new JsonObject()
        .put("commandId", id)
        .put("status", CommandOutcome.Status.PENDING.json())
        .put("outcome", "/v1/commands/" + id);
  }

  /**
   * The HTTP status of a release answered with its outcome: 200 continued (released); 202 still
   * pending (the owner has not decided in time); for a rejection 409 {@code NotPaused}/{@code
   * NotHeld}, 403 {@code Forbidden}, 502 otherwise ({@code ExecFailed}, {@code ReleaseFailed}: the
   * engine's action on Kubernetes failed; the step or TaskRun still waits).
   */
  static int statusOf(CommandOutcome o) {
    return switch (o.status()) {
      case PENDING -> 202;
      case CONTINUED -> 200;
      case REJECTED ->
          switch (String.valueOf(o.reason())) {
            case "NotPaused", "NotHeld" -> 409;
            case "Forbidden" -> 403;
            default -> 502;
          };
    };
  }

  private static JsonObject outcomeJson(CommandOutcome c) {
    JsonObject o =
        new JsonObject()
            .put("commandId", c.commandId())
            .put("status", c.status().json())
            .put("reason", c.reason())
            .put("message", c.message())
            .put("decidedAt", text(c.decidedAt()))
            .put("outcome", "/v1/commands/" + c.commandId());
    if (c.status() == CommandOutcome.Status.REJECTED) {
      o.put("error", c.message() == null ? c.reason() : c.message());
    }
    return o;
  }

  private void listHolds(RoutingContext ctx) {
    Map<String, Hold> byKey = new LinkedHashMap<>();
    Map<String, Boolean> here = new java.util.HashMap<>();
    for (Hold h : engine.held()) {
      byKey.put(h.key() + " " + h.run().uid(), h);
      here.put(h.key() + " " + h.run().uid(), true);
    }
    if (cluster != null) {
      for (Hold h : cluster.global().held(root -> !cluster.ownedHere().test(root))) {
        byKey.putIfAbsent(h.key() + " " + h.run().uid(), h);
      }
    }
    List<Map.Entry<String, Hold>> all = new ArrayList<>(byKey.entrySet());
    all.sort(
        Comparator.comparing(
                (Map.Entry<String, Hold> e) -> e.getValue().heldSince(),
                Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Map.Entry::getKey));
    JsonArray out = new JsonArray();
    for (Map.Entry<String, Hold> e : all) {
      Hold h = e.getValue();
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
              .put("heldSince", text(h.heldSince()))
              .put("ownedHere", here.containsKey(e.getKey())));
    }
    JsonObject body = new JsonObject().put("holds", out);
    if (cluster != null) {
      body.put("consistency", EVENTUAL);
    }
    json(ctx, 200, body);
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
    if (h.isEmpty() && cluster != null) {
      h = cluster.global().hold(ns, tr);
    }
    if (h.isEmpty()) {
      error(
          ctx,
          404,
          "no hold is known at "
              + ns
              + "/"
              + tr
              + (cluster == null
                  ? ""
                  : " by any engine instance (a hold is known once the instance owning its run"
                      + " has handled it and written its state)"));
      return;
    }
    String why = HoldBook.notHeld(h.get());
    if (why != null) {
      error(ctx, 409, why);
      return;
    }
    answer(
        ctx,
        engine.requestHold(h.get(), action, by, "api"),
        action.json() + " of " + h.get().key());
  }

  private void command(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!UUID_LIKE.matcher(id).matches()) {
      error(ctx, 400, "a command id is a UUID");
      return;
    }
    Optional<CommandOutcome> o = engine.outcome(id);
    if (cluster != null
        && cluster.outcomes() != null
        && (o.isEmpty() || o.get().status() == CommandOutcome.Status.PENDING)) {
      Optional<CommandOutcome> seen = cluster.outcomes().seen(id);
      if (seen.isPresent()) {
        o = seen;
      }
    }
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
