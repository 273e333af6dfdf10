package dev.pitstop.notifier.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
  private static final Endpoint A = Endpoint.webhook(URI.create("https://a.example.com/hook"));
  private static final Endpoint B = Endpoint.webhook(URI.create("http://b.example.com:8080/x"));

  private final Router router = new Router(List.of(Subscription.toAll(A), Subscription.toAll(B)));

  @Test
  void deliversBreakpointDecisionsAndPipelineRunFinishesToEveryEndpoint() {
    for (EventType t :
        List.of(
            EventType.BREAKPOINT_PAUSED,
            EventType.BREAKPOINT_CONTINUED,
            EventType.BREAKPOINT_ENDED,
            EventType.PIPELINERUN_FINISHED)) {
      assertThat(router.route(SampleEvents.of(t))).as(t.type()).containsExactly(A, B);
    }
  }

  @Test
  void deliversTheFinishOfAStandaloneTaskRunButNotOfAPipelineRunsChild() {
    PitstopEvent child = SampleEvents.of(EventType.TASKRUN_FINISHED);
    assertThat(child.data().run().pipelineRun()).isNotNull();
    assertThat(router.route(child)).isEmpty();

    RunRef standalone =
        new RunRef(
            RunRef.TASK_RUN,
            "ci",
            "lint-8fj2k",
            "uid-lint",
            null,
            null,
            null,
            null,
            "lint",
            0,
            Map.of(),
            Map.of());
    RunFinished finished =
        new RunFinished(
            standalone,
            "False",
            "Failed",
            "\"step-lint\" exited with code 1",
            null,
            java.time.Instant.parse("2026-11-21T09:00:00Z"),
            List.of());
    PitstopEvent e =
        new EventFactory("sandbox", "watcher")
            .create(EventType.TASKRUN_FINISHED, finished, finished.completionTime());
    assertThat(router.route(e)).containsExactly(A, B);
  }

  @Test
  void dropsEveryOtherType() {
    EnumSet<EventType> others = EnumSet.allOf(EventType.class);
    others.removeAll(Router.NOTABLE);
    assertThat(others).isNotEmpty();
    for (EventType t : others) {
      assertThat(Router.isNotable(SampleEvents.of(t))).as(t.type()).isFalse();
      assertThat(router.route(SampleEvents.of(t))).as(t.type()).isEmpty();
    }
  }

  @Test
  void aSubscriptionNarrowsByTypeAndEachEndpointIsNamedOnce() {
    Router r =
        new Router(
            List.of(
                new Subscription(A, EnumSet.of(EventType.BREAKPOINT_PAUSED)),
                Subscription.toAll(B),
                Subscription.toAll(A)));
    assertThat(r.route(SampleEvents.of(EventType.BREAKPOINT_PAUSED))).containsExactly(A, B);
    assertThat(r.route(SampleEvents.of(EventType.PIPELINERUN_FINISHED))).containsExactly(B, A);
    assertThat(r.endpoints()).containsExactly(A, B);
  }

  @Test
  void anEndpointIsNamedWithoutSecretsAndMustBeAbsoluteHttp() {
    Endpoint e =
        Endpoint.webhook(URI.create("https://user:pw@hooks.example.com:8443/p/q?token=s3cret#f"));
    assertThat(e.name()).isEqualTo("https://hooks.example.com:8443/p/q");
    assertThat(e.toString()).doesNotContain("s3cret").doesNotContain("pw");
    assertThatThrownBy(() -> Endpoint.webhook(URI.create("ftp://x.example.com/")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Endpoint.webhook(URI.create("/relative")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
