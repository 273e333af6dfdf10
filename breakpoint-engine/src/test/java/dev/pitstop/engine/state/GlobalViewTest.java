package dev.pitstop.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Breakpoint;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.engine.hold.HoldBook;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API's copy of the whole state topic: latest value per root run, tombstones forget. */
class GlobalViewTest {
  final RootStateTest t = new RootStateTest();
  final EventFactory engine = new EventFactory("c", "breakpoint-engine");
  final Clock clock = Clock.fixed(RootStateTest.T0, ZoneOffset.UTC);

  static byte[] key(String root) {
    return root.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] json(RootState s) throws Exception {
    return EventCodec.mapper().writeValueAsBytes(s);
  }

  @Test
  void listsWhatWaitsOfTheAcceptedRootRunsAndFindsAnyStateUntilTheTombstone() throws Exception {
    BreakpointBook b = new BreakpointBook(engine, clock);
    HoldBook h = new HoldBook(engine, clock);
    RunRef compile = RootStateTest.run("build-compile", "u1", Map.of());
    RunRef lint = RootStateTest.run("build-lint", "u3", Map.of());
    RunRef deploy =
        RootStateTest.run(
            "build-deploy", "u2", Map.of("pitstop.dev/held-by", "beforeTasks:deploy"));
    b.onEvent(t.reached(compile));
    b.onEvent(t.reached(lint));
    h.onEvent(
        t.watcher.create(
            EventType.TASKRUN_PENDING,
            new RunPending(deploy, RootStateTest.T0, null),
            RootStateTest.T0));
    b.onEvent(t.command(lint, "test", "c-lint"));
    b.onExecResult(new ExecOutcome(new BreakpointKey("ci", "build-lint", "test"), "c-lint", 0, ""));

    GlobalView v = new GlobalView();
    v.apply(key("root"), json(new RootState("root", b.ofRoot("root"), h.ofRoot("root"))));
    assertThat(v.size()).isEqualTo(1);
    assertThat(v.waiting(r -> true))
        .extracting(bp -> bp.key().taskRun())
        .containsExactly("build-compile");
    assertThat(v.waiting(r -> !r.equals("root"))).as("owned here: not from the view").isEmpty();
    assertThat(v.held(r -> true)).extracting(x -> x.key()).containsExactly("ci/build-deploy");
    assertThat(v.breakpoint(new BreakpointKey("ci", "build-lint", "test")))
        .map(Breakpoint::state)
        .contains(Breakpoint.State.CONTINUED);
    assertThat(v.hold("ci", "build-deploy")).isPresent();
    assertThat(v.hold("ci", "nope")).isEmpty();

    v.apply(key("other"), "not json".getBytes(StandardCharsets.UTF_8));
    assertThat(v.size()).as("unreadable state is skipped").isEqualTo(1);
    v.apply(key("root"), null);
    assertThat(v.size()).isZero();
    assertThat(v.breakpoint(new BreakpointKey("ci", "build-compile", "test"))).isEmpty();
  }

  @Test
  void keepsNoCopyOfTheRootRunsOwnedHereAndAdoptsTheirLastStateWhenHandedOver() throws Exception {
    BreakpointBook b = new BreakpointBook(engine, clock);
    b.onEvent(t.reached(RootStateTest.run("build-compile", "u1", Map.of())));
    RootState state = new RootState("root", b.ofRoot("root"), List.of());
    java.util.Set<String> owned = new java.util.concurrent.CopyOnWriteArraySet<>();
    GlobalView v = new GlobalView(owned::contains);

    v.apply(key("root"), json(state));
    assertThat(v.size()).as("owned elsewhere: kept").isEqualTo(1);

    owned.add("root"); // installed here: the books hold it now
    assertThat(v.forget(owned::contains)).isEqualTo(1);
    v.apply(key("root"), json(state));
    assertThat(v.size()).as("a record of a root run owned here is not kept").isZero();
    assertThat(v.waiting(r -> true)).isEmpty();

    owned.remove("root"); // handed over: the books' last state is adopted
    v.adopt(List.of(state));
    assertThat(v.waiting(r -> true))
        .extracting(bp -> bp.key().taskRun())
        .containsExactly("build-compile");
    // The new owner's writes replace it as usual.
    v.apply(key("root"), null);
    assertThat(v.size()).isZero();

    owned.add("root");
    v.adopt(List.of(state));
    assertThat(v.size()).as("nothing adopted while owned here").isZero();
  }

  @Test
  void whatItKeepsReadsBackAsWritten() throws Exception {
    BreakpointBook b = new BreakpointBook(engine, clock);
    b.onEvent(t.reached(RootStateTest.run("build-compile", "u1", Map.of("a", "b"))));
    RootState state = new RootState("root", b.ofRoot("root"), List.of());
    GlobalView v = new GlobalView();
    v.apply(key("root"), json(state));
    Breakpoint kept = v.waiting(r -> true).get(0);
    assertThat(kept).isEqualTo(state.breakpoints().get(0));
    assertThat(kept.exec()).isEqualTo("kubectl exec -it -n ci pod -c step-test -- sh");
    assertThat(kept.logTail()).containsExactly("x");
    assertThat(json(new RootState("root", List.of(kept), List.of()))).isEqualTo(json(state));
  }
}
