package dev.pitstop.engine;

import static dev.pitstop.engine.SandboxEngine.ALICE;
import static dev.pitstop.engine.SandboxEngine.BEFORE_STEP_MARKER;
import static dev.pitstop.engine.SandboxEngine.NS;
import static dev.pitstop.engine.SandboxEngine.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.sandbox.k8s.AccessTable;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's review cache against the sandbox's TokenReview and SubjectAccessReview endpoints,
 * counted where they are answered: releases by one user cost one TokenReview and one
 * SubjectAccessReview in all (the API's review before publishing and the consumer's for each
 * command share the cache), and a permission removed in the cluster takes effect once the allowed
 * answer's time to live is over.
 */
class ReviewCacheSandboxIT {
  SandboxEngine s;

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void releasesByOneUserCostOneTokenReviewAndOneSubjectAccessReview() throws Exception {
    s =
        SandboxEngine.start(
            "review-cache",
            Map.of(
                "ENGINE_AUTH_CACHE_TOKEN_TTL", "10m",
                "ENGINE_AUTH_CACHE_ALLOWED_TTL", "10m"));
    int n = 3;
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String tr = "cached-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
      runs.add(tr);
      s.sim.apply(SandboxEngine.pausingBeforeTest(tr));
    }
    for (String tr : runs) {
      s.awaitMarker(tr, "test", BEFORE_STEP_MARKER);
      s.reached(tr, "test", 1, Mechanism.BEFORE_STEPS);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  s.events(EventType.BREAKPOINT_PAUSED, BreakpointPaused.class).stream()
                      .anyMatch(p -> p.run().name().equals(tr)));
    }
    long tokenReviews = s.api.tokenReviewRequests();
    long accessReviews = s.api.subjectAccessReviewRequests();

    for (String tr : runs) {
      assertThat(s.releaseStep(tr, "test", "continue")).isIn(200, 202);
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                s.events(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class).stream()
                        .filter(c -> runs.contains(c.run().name()))
                        .count()
                    == n);
    runs.forEach(s::awaitDone);

    assertThat(s.api.tokenReviewRequests() - tokenReviews).isEqualTo(1);
    // n releases, each reviewed by the API and again by the consumer: one request in all.
    assertThat(s.api.subjectAccessReviewRequests() - accessReviews).isEqualTo(1);
    // As the bench reads them: the in-process registry of the engine's Vert.x.
    MeterRegistry registry = Ops.of(s.engineVertx).metrics().registry();
    assertThat(
            registry
                .get("pitstop.auth.reviews")
                .tags("review", "subjectaccessreview", "result", "miss")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("pitstop.auth.reviews")
                .tags("review", "subjectaccessreview", "result", "hit")
                .counter()
                .count())
        .isEqualTo(2L * n - 1);
    assertThat(
            registry
                .get("pitstop.kubernetes.request")
                .tags("call", "subjectaccessreview")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("pitstop.kubernetes.request")
                .tags("call", "exec", "outcome", "ok")
                .timer()
                .count())
        .isEqualTo(n);
    for (String stage : List.of("consumed", "decided", "exec_started", "exec_opened")) {
      assertThat(registry.get("pitstop.release.latency").tags("stage", stage).timer().count())
          .as(stage)
          .isEqualTo(n);
    }
    assertThat(Ops.of(s.engineVertx).metrics().scrape())
        .contains("pitstop_kubernetes_request_seconds_bucket{call=\"exec\"")
        .contains("pitstop_release_latency_seconds_bucket{stage=\"exec_opened\"");
  }

  @Test
  void aRevokedPermissionTakesEffectOnceTheAllowedAnswerExpired() throws Exception {
    s = SandboxEngine.start("review-revoke", Map.of("ENGINE_AUTH_CACHE_ALLOWED_TTL", "2s"));
    // The API authorizes before it looks the breakpoint up: allowed is 404 (no such pause).
    String path = "/v1/breakpoints/" + NS + "/no-such-run/test/continue";
    assertThat(s.post(path, ALICE)).isEqualTo(404);
    assertThat(s.api.subjectAccessReviewRequests()).isEqualTo(1);

    s.api.setAuthorizer(new AccessTable().addUser(ALICE, "alice"));
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> s.post(path, ALICE), code -> code == 403);
    // Every answer before the expiry came from the cache; one review after it saw the revocation.
    assertThat(s.api.subjectAccessReviewRequests()).isEqualTo(2);
  }
}
