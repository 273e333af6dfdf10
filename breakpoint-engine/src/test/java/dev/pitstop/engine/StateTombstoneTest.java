package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.engine.state.RootState;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the engine writes to its state topic when a root run ends: a tombstone only when state of
 * that root was written (or restored) and not yet deleted; nothing for the many runs that never
 * paused.
 */
class StateTombstoneTest {
  final List<Map.Entry<String, RootState>> writes = new ArrayList<>();

  BreakpointEngine engine() {
    BreakpointEngine e =
        new BreakpointEngine(
            new BreakpointBook(new EventFactory("c1", "breakpoint-engine"), Clock.systemUTC()),
            new EventFactory("c1", "breakpoint-engine-api"),
            Clock.systemUTC(),
            ev -> Future.succeededFuture(),
            x -> Future.succeededFuture(new ExecOutcome(x.key(), x.commandId(), 0, "")));
    e.keepStateIn(
        (root, st) -> {
          writes.add(new java.util.AbstractMap.SimpleEntry<>(root, st));
          return Future.succeededFuture();
        });
    return e;
  }

  static boolean tombstone(RootState s) {
    return s == null || s.isEmpty();
  }

  @Test
  void aRootThatNeverHadStateEndsWithoutAWrite() {
    PitstopEvent end = SampleEvents.of(EventType.PIPELINERUN_FINISHED);
    engine().handle(end).await();
    assertThat(writes).isEmpty();
  }

  @Test
  void aRootWithStateEndsWithOneTombstone() {
    PitstopEvent reached = SampleEvents.of(EventType.STEP_BREAKPOINT_REACHED);
    PitstopEvent end = SampleEvents.of(EventType.PIPELINERUN_FINISHED);
    assertThat(end.partitionKey()).isEqualTo(reached.partitionKey());
    BreakpointEngine engine = engine();

    engine.handle(reached).await();
    assertThat(writes).isNotEmpty();
    assertThat(writes.get(writes.size() - 1).getValue()).matches(s -> !tombstone(s));

    writes.clear();
    engine.handle(end).await();
    assertThat(writes).hasSize(1);
    assertThat(writes.get(0).getKey()).isEqualTo(end.partitionKey());
    assertThat(writes.get(0).getValue()).matches(StateTombstoneTest::tombstone);

    // Ended once: a repeated end (or a late event) writes nothing more.
    writes.clear();
    engine.handle(SampleEvents.of(EventType.PIPELINERUN_FINISHED)).await();
    assertThat(writes).isEmpty();
  }

  @Test
  void aRestoredRootGetsItsTombstoneWhenItEnds() {
    PitstopEvent reached = SampleEvents.of(EventType.STEP_BREAKPOINT_REACHED);
    BreakpointEngine first = engine();
    first.handle(reached).await();
    RootState saved = writes.get(writes.size() - 1).getValue();

    writes.clear();
    BreakpointEngine second = engine();
    second.restore(List.of(saved));
    second.handle(SampleEvents.of(EventType.PIPELINERUN_FINISHED)).await();
    assertThat(writes).hasSize(1);
    assertThat(writes.get(0).getValue()).matches(StateTombstoneTest::tombstone);
  }
}
