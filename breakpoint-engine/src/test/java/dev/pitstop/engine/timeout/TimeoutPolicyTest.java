package dev.pitstop.engine.timeout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.BreakpointEngine;
import dev.pitstop.engine.auth.Authorizer;
import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.engine.hold.HoldBook;
import dev.pitstop.engine.hold.PatchOutcome;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Timeout policy paths: warned ahead once; at the debug timeout continue, fail-continue or leave.
 */
class TimeoutPolicyTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  final EventFactory watcher = new EventFactory("c", "watcher");
  final EventFactory decisions = new EventFactory("c", "breakpoint-engine");
  final List<PitstopEvent> published = new CopyOnWriteArrayList<>();
  final List<Action> carriedOut = new CopyOnWriteArrayList<>();

  BreakpointEngine engine() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    return new BreakpointEngine(
        new BreakpointBook(decisions, clock),
        new HoldBook(decisions, clock),
        new EventFactory("c", "breakpoint-engine-api"),
        clock,
        e -> {
          published.add(e);
          return Future.succeededFuture();
        },
        x -> {
          carriedOut.add(x);
          return Future.succeededFuture(new ExecOutcome(x.key(), x.commandId(), 0, ""));
        },
        r -> {
          carriedOut.add(r);
          return Future.succeededFuture(
              new PatchOutcome(r.namespace(), r.taskRun(), r.commandId(), null));
        },
        Authorizer.ALLOW_ALL);
  }

  static RunRef run(String name, String uid, String annotation) {
    return new RunRef(
        RunRef.TASK_RUN,
        "ci",
        name,
        uid,
        "build",
        "root",
        "p",
        name,
        null,
        0,
        Map.of(),
        Map.of(
            "pitstop.dev/breakpoints", annotation, "pitstop.dev/held-by", "beforeTasks:" + name));
  }

  void pause(BreakpointEngine e, RunRef r, Instant tektonDeadline) {
    e.handle(
            watcher.create(
                EventType.STEP_BREAKPOINT_REACHED,
                new BreakpointReached(
                    r,
                    new StepRef("test", 0, "step-test", "pod"),
                    Mechanism.ON_FAILURE,
                    T0,
                    List.of(),
                    tektonDeadline),
                T0))
        .await();
  }

  List<BreakpointWarning> warnings(String reason) {
    return published.stream()
        .filter(p -> p.type() == EventType.BREAKPOINT_WARNING)
        .map(p -> p.data(BreakpointWarning.class))
        .filter(w -> w.reason().equals(reason))
        .toList();
  }

  @Test
  void warnsAheadOnceThenContinuesAtTheDebugTimeout() {
    BreakpointEngine e = engine();
    TimeoutPlanner p = new TimeoutPlanner(Duration.ofMinutes(5));
    pause(
        e,
        run("a", "ua", "{\"timeout\":\"30m\",\"onTimeout\":\"continue\",\"warnBefore\":\"10m\"}"),
        null);
    e.tick(p, decisions, T0.plus(Duration.ofMinutes(19))).await();
    assertThat(warnings("TimeoutAhead")).isEmpty();
    e.tick(p, decisions, T0.plus(Duration.ofMinutes(20))).await();
    e.tick(p, decisions, T0.plus(Duration.ofMinutes(21))).await();
    assertThat(warnings("TimeoutAhead"))
        .singleElement()
        .satisfies(w -> assertThat(w.deadline()).isEqualTo(T0.plus(Duration.ofMinutes(30))));
    e.tick(p, decisions, T0.plus(Duration.ofMinutes(30))).await();
    e.tick(p, decisions, T0.plus(Duration.ofMinutes(31))).await();
    assertThat(warnings("TimeoutAction"))
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("policy onTimeout continue"));
    assertThat(carriedOut)
        .singleElement()
        .isInstanceOfSatisfying(
            Action.Exec.class,
            x -> assertThat(x.command()).containsExactly("/tekton/debug/scripts/debug-continue"));
    assertThat(published.stream().filter(x -> x.type() == EventType.BREAKPOINT_CONTINUED))
        .singleElement()
        .satisfies(x -> assertThat(x.data(BreakpointContinued.class).via()).isEqualTo("auto"));
  }

  @Test
  void failContinueCancelsAHeldTaskAtItsDebugTimeout() {
    BreakpointEngine e = engine();
    TimeoutPlanner p = new TimeoutPlanner(Duration.ofMinutes(5));
    RunRef r = run("deploy", "ud", "{\"timeout\":\"1h\",\"onTimeout\":\"fail-continue\"}");
    e.handle(watcher.create(EventType.TASKRUN_PENDING, new RunPending(r, T0, null), T0)).await();
    e.tick(p, decisions, T0.plus(Duration.ofHours(1))).await();
    assertThat(carriedOut)
        .singleElement()
        .isInstanceOfSatisfying(Action.ReleaseHold.class, x -> assertThat(x.cancel()).isTrue());
    assertThat(published.stream().filter(x -> x.type() == EventType.HOLD_RELEASED))
        .singleElement()
        .satisfies(
            x ->
                assertThat(x.data(HoldReleased.class).by().username())
                    .isEqualTo("system:pitstop:timeout-policy"));
  }

  @Test
  void leaveOnlySaysSoAndTektonsOwnDeadlineIsWarnedToo() {
    BreakpointEngine e = engine();
    TimeoutPlanner p = new TimeoutPlanner(Duration.ofMinutes(5));
    pause(
        e,
        run("b", "ub", "{\"timeout\":\"10m\",\"onTimeout\":\"leave\"}"),
        T0.plus(Duration.ofMinutes(60)));
    e.tick(p, decisions, T0.plus(Duration.ofMinutes(10))).await();
    assertThat(warnings("TimeoutAction"))
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("left waiting"));
    assertThat(carriedOut).isEmpty();
    e.tick(p, decisions, T0.plus(Duration.ofMinutes(56))).await();
    assertThat(warnings("TimeoutAhead"))
        .anySatisfy(w -> assertThat(w.message()).contains("the TaskRun times out"));
    assertThat(e.waiting()).hasSize(1);
  }
}
