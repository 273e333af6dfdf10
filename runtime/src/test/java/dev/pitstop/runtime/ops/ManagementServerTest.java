package dev.pitstop.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.runtime.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManagementServerTest {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = vertx.createHttpClient();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  record Answer(int status, String body) {}

  private Answer get(int port, String path) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(r -> r.send())
        .compose(
            (HttpClientResponse r) -> r.body().map(b -> new Answer(r.statusCode(), b.toString())))
        .await();
  }

  @Test
  void readyOnlyWhenEveryCheckPasses() {
    ManagementServer server =
        ManagementServer.start(vertx, ManagementConfig.anyPort(), "test").await();
    int port = server.port();
    assertThat(get(port, "/healthz").status()).isEqualTo(200);
    Answer none = get(port, "/readyz");
    assertThat(none.status()).as("no check registered yet").isEqualTo(503);

    AtomicBoolean kafka = new AtomicBoolean(false);
    Readiness readiness = Ops.of(vertx).readiness();
    readiness.register(
        "kafka", () -> kafka.get() ? Future.succeededFuture() : Future.failedFuture("broker down"));
    Runnable removeOk = readiness.register("other", Future::succeededFuture);
    Answer down = get(port, "/readyz");
    assertThat(down.status()).isEqualTo(503);
    JsonObject body = new JsonObject(down.body());
    assertThat(body.getString("status")).isEqualTo("DOWN");
    assertThat(body.getJsonObject("checks").getMap())
        .containsEntry("kafka", "broker down")
        .containsEntry("other", "ok");

    kafka.set(true);
    assertThat(get(port, "/readyz").status()).isEqualTo(200);

    // A check that never answers fails after the timeout instead of hanging the probe.
    readiness.register("hanging", () -> Promise.<Void>promise().future());
    Answer hanging = get(port, "/readyz");
    assertThat(hanging.status()).isEqualTo(503);
    assertThat(new JsonObject(hanging.body()).getJsonObject("checks").getString("hanging"))
        .startsWith("no answer within");
    removeOk.run();
    assertThat(readiness.names()).containsExactly("hanging", "kafka");

    assertThat(get(port, "/nope").status()).isEqualTo(404);
    server.stop().await();
  }

  @Test
  void metricsAreServedInPrometheusFormat() {
    ManagementServer server =
        ManagementServer.start(vertx, ManagementConfig.anyPort(), "test").await();
    PitstopMetrics m = Ops.of(vertx).metrics();
    m.slackRateLimited("chat.postMessage");
    m.decisionLatency(Duration.ofMillis(30));
    m.deliveryLatency("delivered", Duration.ofSeconds(2));
    m.pausedBreakpoints(() -> 3);
    m.lag("c", java.util.List.of(new PitstopMetrics.Lag("t", 0, 7)));
    String text = get(server.port(), "/metrics").body();
    assertThat(text)
        .contains("pitstop_slack_rate_limited_total{method=\"chat.postMessage\"} 1.0")
        .contains("pitstop_decision_latency_seconds_bucket{le=\"0.05\"} 1")
        .contains("pitstop_delivery_latency_seconds_count{outcome=\"delivered\"} 1")
        .contains("pitstop_breakpoints_paused 3.0")
        .contains("pitstop_consumer_lag_records{consumer=\"c\",partition=\"0\",topic=\"t\"} 7.0");
  }

  @Test
  void aTakenDefaultPortFallsBackButATakenConfiguredPortFails() {
    ManagementServer first =
        ManagementServer.start(vertx, ManagementConfig.anyPort(), "first").await();
    int taken = first.port();
    ManagementServer fallback =
        ManagementServer.start(vertx, new ManagementConfig("127.0.0.1", taken, false), "second")
            .await();
    assertThat(fallback.port()).isNotEqualTo(taken);
    assertThatThrownBy(
            () ->
                ManagementServer.start(
                        vertx, new ManagementConfig("127.0.0.1", taken, true), "third")
                    .await())
        .isNotNull();
  }

  @Test
  void servicesOnTheirOwnVertxReportThroughTheHostsManagementServer() {
    Vertx service = Vertx.vertx();
    try {
      ManagementServer server =
          ManagementServer.start(vertx, ManagementConfig.anyPort(), "host").await();
      assertThat(Ops.share(vertx, service)).isSameAs(Ops.of(vertx));
      Ops.of(service).readiness().register("consumer:notifier", () -> Future.failedFuture("no"));
      Ops.of(service).metrics().registry().counter("pitstop_guest_total").increment();

      Answer ready = get(server.port(), "/readyz");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(new JsonObject(ready.body()).getJsonObject("checks").getMap())
          .containsEntry("consumer:notifier", "no");
      assertThat(get(server.port(), "/metrics").body()).contains("pitstop_guest_total 1.0");
    } finally {
      service.close().await();
    }
  }

  @Test
  void aVertxWithOpsOfItsOwnIsNotSharedOver() {
    Vertx service = Vertx.vertx();
    try {
      Ops.of(service).readiness().register("kafka:own", Future::succeededFuture);
      assertThatThrownBy(() -> Ops.share(vertx, service))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("of its own");
      assertThat(Ops.of(service).readiness().names()).containsExactly("kafka:own");
    } finally {
      service.close().await();
    }
  }

  @Test
  void configReadsHostAndPortWithServiceDefaults() {
    assertThat(ManagementConfig.fromMap(Map.of(), ManagementConfig.NOTIFIER_PORT))
        .isEqualTo(new ManagementConfig("0.0.0.0", 9403, false));
    assertThat(
            ManagementConfig.fromMap(
                Map.of("PITSTOP_MANAGEMENT_PORT", "0", "PITSTOP_MANAGEMENT_HOST", "127.0.0.1"),
                9403))
        .isEqualTo(new ManagementConfig("127.0.0.1", 0, true));
    assertThatThrownBy(() -> ManagementConfig.fromMap(Map.of("PITSTOP_MANAGEMENT_PORT", "x"), 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PITSTOP_MANAGEMENT_PORT");
  }
}
