package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI's release commands against a stand-in engine API speaking breakpoint-engine/API.md. */
class ReleaseCommandTest {
  Vertx vertx;
  HttpServer server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger polls = new AtomicInteger();
  volatile String finalStatus = "continued";

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Router r = Router.router(vertx);
    r.route()
        .handler(
            ctx -> {
              requests.add(
                  ctx.request().method()
                      + " "
                      + ctx.request().path()
                      + " "
                      + ctx.request().getHeader("Authorization"));
              ctx.next();
            });
    r.post("/v1/breakpoints/ci/done/s/continue")
        .handler(
            ctx ->
                ctx.response()
                    .setStatusCode(200)
                    .end(
                        new JsonObject()
                            .put("commandId", "c2")
                            .put("status", "continued")
                            .put("message", "ci/done step s: continue done")
                            .encode()));
    r.post("/v1/breakpoints/:ns/:tr/:step/:action")
        .handler(
            ctx ->
                ctx.response()
                    .setStatusCode(202)
                    .end(new JsonObject().put("commandId", "c1").encode()));
    r.post("/v1/holds/:ns/:tr/:action")
        .handler(
            ctx ->
                ctx.response()
                    .setStatusCode(409)
                    .end(
                        new JsonObject()
                            .put("error", "ci/x is not held: continue by bob")
                            .encode()));
    r.get("/v1/commands/c1")
        .handler(
            ctx ->
                ctx.response()
                    .end(
                        new JsonObject()
                            .put("status", polls.incrementAndGet() < 3 ? "pending" : finalStatus)
                            .put("reason", "continued".equals(finalStatus) ? null : "NotPaused")
                            .put("message", "ci/tr step s: continue done")
                            .encode()));
    r.get("/v1/breakpoints")
        .handler(
            ctx ->
                ctx.response()
                    .end(
                        new JsonObject()
                            .put(
                                "breakpoints",
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("namespace", "ci")
                                            .put("taskRun", "tr")
                                            .put("step", "s")
                                            .put("mechanism", "onFailure")
                                            .put("state", "paused")))
                            .encode()));
    r.get("/v1/holds").handler(ctx -> ctx.response().end("{\"holds\":[]}"));
    server = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  int run(String... args) {
    return new CommandLine(new PitstopCommand()).execute(args);
  }

  String engine() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Test
  void continueOfAStepPostsThenWaitsForTheOutcome() {
    assertThat(run("continue", "--engine", engine(), "--token", "tok", "ci/tr/s")).isEqualTo(0);
    assertThat(requests.get(0)).isEqualTo("POST /v1/breakpoints/ci/tr/s/continue Bearer tok");
    assertThat(polls.get()).isEqualTo(3);
  }

  @Test
  void anOutcomeAnsweredWithThePostNeedsNoPolling() {
    assertThat(run("continue", "--engine", engine(), "--token", "tok", "ci/done/s")).isEqualTo(0);
    assertThat(requests).containsExactly("POST /v1/breakpoints/ci/done/s/continue Bearer tok");
    assertThat(polls.get()).isZero();
  }

  @Test
  void aRejectionExitsOne() {
    finalStatus = "rejected";
    assertThat(run("fail-continue", "--engine", engine(), "--token", "tok", "ci/tr/s"))
        .isEqualTo(1);
    assertThat(requests.get(0)).startsWith("POST /v1/breakpoints/ci/tr/s/fail-continue");
  }

  @Test
  void aHoldTargetUsesTheHoldsApiAndA409ExitsOne() {
    assertThat(run("continue", "--engine", engine(), "--token", "tok", "ci/x")).isEqualTo(1);
    assertThat(requests.get(0)).startsWith("POST /v1/holds/ci/x/continue");
  }

  @Test
  void badTargetsAndMissingTokensAreUsageErrors() {
    assertThat(run("continue", "--engine", engine(), "--token", "tok", "ci")).isEqualTo(2);
    assertThat(run("continue", "--engine", engine(), "--token", "", "ci/x/y")).isEqualTo(2);
    assertThat(requests).isEmpty();
  }

  @Test
  void breakpointsLists() {
    assertThat(run("breakpoints", "--engine", engine(), "--token", "tok")).isEqualTo(0);
    assertThat(requests)
        .containsExactly("GET /v1/breakpoints Bearer tok", "GET /v1/holds Bearer tok");
  }
}
