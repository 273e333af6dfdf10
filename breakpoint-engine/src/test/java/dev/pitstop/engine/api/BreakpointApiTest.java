package dev.pitstop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.BreakpointEngine;
import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BreakpointApiTest {
  static final String TOKEN = "s3cret-token-of-alice";
  static final RunRef RUN =
      new RunRef(
          RunRef.TASK_RUN,
          "ci",
          "build-compile",
          "uid-tr",
          null,
          null,
          null,
          null,
          null,
          0,
          Map.of(),
          Map.of());
  static final StepRef STEP = new StepRef("test", 1, "step-test", "build-compile-pod");

  Vertx vertx;
  HttpServer server;
  WebClient web;
  BreakpointEngine engine;
  final List<PitstopEvent> published = new CopyOnWriteArrayList<>();
  final List<Action.Exec> execs = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    engine =
        new BreakpointEngine(
            new BreakpointBook(new EventFactory("c1", "breakpoint-engine"), Clock.systemUTC()),
            new EventFactory("c1", "breakpoint-engine-api"),
            Clock.systemUTC(),
            e -> {
              published.add(e);
              return Future.succeededFuture();
            },
            x -> {
              execs.add(x);
              return Future.succeededFuture(new ExecOutcome(x.key(), x.commandId(), 0, ""));
            });
    ApiTokens tokens = ApiTokens.parse("alice=" + TOKEN + ",bob=another-token-of-bob", "T");
    server =
        vertx
            .createHttpServer()
            .requestHandler(new BreakpointApi(engine, tokens).router(vertx))
            .listen(0, "127.0.0.1")
            .await();
    web =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void everyV1RequestNeedsAKnownBearerTokenButHealthzDoesNot() {
    assertThat(call(HttpMethod.GET, "/v1/breakpoints", null).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> wrong = call(HttpMethod.GET, "/v1/breakpoints", "not-a-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(
            call(HttpMethod.POST, "/v1/breakpoints/ci/build-compile/test/continue", TOKEN + "x")
                .statusCode())
        .isEqualTo(401);
    assertThat(published).isEmpty();
    assertThat(call(HttpMethod.GET, "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/v1/breakpoints", TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void continueOfAnUnknownBreakpointIs404() {
    HttpResponse<Buffer> r =
        call(HttpMethod.POST, "/v1/breakpoints/ci/build-compile/test/continue", TOKEN);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("no breakpoint is known");
    assertThat(published).isEmpty();
  }

  @Test
  void malformedPathsAre400WithAReason() {
    HttpResponse<Buffer> r =
        call(HttpMethod.POST, "/v1/breakpoints/CI/build-compile/test/continue", TOKEN);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("namespace");
    assertThat(
            call(HttpMethod.POST, "/v1/breakpoints/ci/build_compile/test/continue", TOKEN)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            call(
                    HttpMethod.POST,
                    "/v1/breakpoints/ci/build-compile/" + "s".repeat(64) + "/continue",
                    TOKEN)
                .statusCode())
        .isEqualTo(400);
    assertThat(published).isEmpty();
  }

  @Test
  void listsPausedBreakpoints() {
    pause();
    JsonObject b =
        call(HttpMethod.GET, "/v1/breakpoints", TOKEN)
            .bodyAsJsonObject()
            .getJsonArray("breakpoints")
            .getJsonObject(0);
    assertThat(b.getString("namespace")).isEqualTo("ci");
    assertThat(b.getString("taskRun")).isEqualTo("build-compile");
    assertThat(b.getString("step")).isEqualTo("test");
    assertThat(b.getString("mechanism")).isEqualTo("onFailure");
    assertThat(b.getString("state")).isEqualTo("paused");
    assertThat(b.getString("pausedAt")).isEqualTo("2026-11-21T09:00:00Z");
    assertThat(b.getString("deadline")).isEqualTo("2026-11-21T10:00:00Z");
    assertThat(b.getJsonArray("logTail").getList()).containsExactly("FAIL");
    assertThat(b.getString("exec"))
        .isEqualTo("kubectl exec -it -n ci build-compile-pod -c step-test -- sh");
  }

  @Test
  void continueOfAPausedStepPublishesACommandAnswers202AndASecondContinueIs409SayingWho() {
    pause();
    HttpResponse<Buffer> r =
        call(HttpMethod.POST, "/v1/breakpoints/ci/build-compile/test/continue", TOKEN);
    assertThat(r.statusCode()).isEqualTo(202);
    String id = r.bodyAsJsonObject().getString("commandId");
    PitstopEvent cmd = published.get(published.size() - 1);
    assertThat(cmd.type()).isEqualTo(EventType.COMMAND_CONTINUE);
    assertThat(cmd.id()).isEqualTo(id);
    Command c = cmd.data(Command.class);
    assertThat(c.requestedBy()).isEqualTo(Identity.of("alice"));
    assertThat(c.via()).isEqualTo("api");
    assertThat(c.step()).isEqualTo("test");
    assertThat(cmd.partitionKey()).isEqualTo("uid-tr");
    assertThat(
            call(HttpMethod.GET, "/v1/commands/" + id, TOKEN)
                .bodyAsJsonObject()
                .getString("status"))
        .isEqualTo("pending");

    engine.handle(cmd).await(); // the consumer's turn: exec (fake, exit 0) → continued
    assertThat(execs)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.container()).isEqualTo("step-test");
              assertThat(x.command()).containsExactly("/tekton/debug/scripts/debug-continue");
            });
    JsonObject outcome = call(HttpMethod.GET, "/v1/commands/" + id, TOKEN).bodyAsJsonObject();
    assertThat(outcome.getString("status")).isEqualTo("continued");

    HttpResponse<Buffer> again =
        call(HttpMethod.POST, "/v1/breakpoints/ci/build-compile/test/fail-continue", TOKEN);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("error")).contains("continue by alice via api");
    assertThat(
            call(HttpMethod.GET, "/v1/commands/00000000-0000-0000-0000-000000000000", TOKEN)
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void failContinuePublishesAFailContinueCommandAsTheCaller() {
    pause();
    HttpResponse<Buffer> r =
        call(
            HttpMethod.POST,
            "/v1/breakpoints/ci/build-compile/test/fail-continue",
            "another-token-of-bob");
    assertThat(r.statusCode()).isEqualTo(202);
    PitstopEvent cmd = published.get(published.size() - 1);
    assertThat(cmd.type()).isEqualTo(EventType.COMMAND_FAIL_CONTINUE);
    assertThat(cmd.data(Command.class).requestedBy().username()).isEqualTo("bob");
  }

  private void pause() {
    BreakpointReached r =
        new BreakpointReached(
            RUN,
            STEP,
            Mechanism.ON_FAILURE,
            Instant.parse("2026-11-21T09:00:00Z"),
            List.of("FAIL"),
            Instant.parse("2026-11-21T10:00:00Z"));
    engine
        .handle(
            new EventFactory("c1", "watcher")
                .create(EventType.STEP_BREAKPOINT_REACHED, r, r.reachedAt()))
        .await();
  }

  private HttpResponse<Buffer> call(HttpMethod method, String path, String token) {
    var req = web.request(method, path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.send().await();
  }
}
