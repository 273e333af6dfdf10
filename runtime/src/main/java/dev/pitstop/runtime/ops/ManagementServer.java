package dev.pitstop.runtime.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.BindException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's management endpoints, plain HTTP on their own port ({@link ManagementConfig}):
 *
 * <ul>
 *   <li>{@code GET /healthz} (liveness): 200 {@code {"status":"UP"}} while the event loop answers;
 *   <li>{@code GET /readyz} (readiness): 200 when every {@link Readiness} check of the Vert.x
 *       instance passes, else 503; the body lists each check's outcome ({@code ok} or the reason);
 *       a check has 2 s to answer;
 *   <li>{@code GET /metrics}: {@link PitstopMetrics} in Prometheus text format 0.0.4.
 * </ul>
 *
 * Other paths are 404, other methods 405. Nothing here reveals configuration or secrets.
 */
public final class ManagementServer {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
  static final long CHECK_TIMEOUT_MS = 2_000;

  private final HttpServer server;

  private ManagementServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens; a default port ({@link ManagementConfig#explicit()} false) that is taken falls back to
   * a free port with a warning.
   *
   * @param service the service's name, for the log
   * @return fails when the configured port cannot be bound
   */
  public static Future<ManagementServer> start(
      Vertx vertx, ManagementConfig config, String service) {
    Ops ops = Ops.of(vertx);
    return listen(vertx, ops, config.host(), config.port())
        .recover(
            t -> {
              if (config.explicit() || config.port() == 0 || !(bindFailure(t))) {
                return Future.failedFuture(t);
              }
              LOG.warn(
                  "{}: default management port {} is taken ({}); using a free port instead (set"
                      + " {} to choose)",
                  service,
                  config.port(),
                  t.toString(),
                  ManagementConfig.PORT_KEY);
              return listen(vertx, ops, config.host(), 0);
            })
        .map(ManagementServer::new)
        .onSuccess(
            m ->
                LOG.info(
                    "{}: /healthz, /readyz and /metrics on http://{}:{}",
                    service,
                    config.host(),
                    m.port()));
  }

  private static boolean bindFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BindException
          || String.valueOf(c.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static Future<HttpServer> listen(Vertx vertx, Ops ops, String host, int port) {
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(req -> handle(vertx, ops, req))
        .listen();
  }

  private static void handle(Vertx vertx, Ops ops, HttpServerRequest req) {
    String path = req.path();
    if (!path.equals("/healthz") && !path.equals("/readyz") && !path.equals("/metrics")) {
      req.response().setStatusCode(404).end();
      return;
    }
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().setStatusCode(405).putHeader("allow", "GET, HEAD").end();
      return;
    }
    switch (path) {
      case "/healthz" -> json(req, 200, new JsonObject().put("status", "UP"));
      case "/readyz" ->
          ops.readiness()
              .run(vertx, CHECK_TIMEOUT_MS)
              .onSuccess(
                  r -> {
                    JsonObject checks = new JsonObject();
                    r.checks().forEach(checks::put);
                    json(
                        req,
                        r.ready() ? 200 : 503,
                        new JsonObject()
                            .put("status", r.ready() ? "UP" : "DOWN")
                            .put("checks", checks));
                  });
      default ->
          req.response()
              .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
              .end(ops.metrics().scrape());
    }
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }

  /** The port it listens on (the actual one when configured 0). */
  public int port() {
    return server.actualPort();
  }

  /** Stops listening; never fails. */
  public Future<Void> stop() {
    return server.close().recover(t -> Future.succeededFuture());
  }
}
