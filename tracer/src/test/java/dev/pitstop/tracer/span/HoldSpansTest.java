package dev.pitstop.tracer.span;

import static dev.pitstop.tracer.span.RunScenario.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.HoldEnded;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Identity;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hold spans: a TaskRun held before it started ({@code dev.pitstop.hold.*.v1}) gets a {@code hold
 * <breakpoint>} span under its task run span, which is extended back to cover the hold.
 */
class HoldSpansTest {
  private static final String PR_UID = "9a1c1f4e-58f5-4c0b-9d7e-0c1a2b3c4d5e";
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(3);

  private final RunScenario run = new RunScenario(PR_UID, false);
  private final EventFactory engine = new EventFactory("sandbox", "breakpoint-engine");

  private static TraceAssembler assembler() {
    return new TraceAssembler(new TraceBuilder(Resource.empty(), null), GRACE, 100);
  }

  /**
   * compile held (afterTasks) from 3 s, released by alice through the cli at 7 s; starts at 8 s.
   */
  private List<PitstopEvent> releasedHold() {
    return List.of(
        engine.create(
            EventType.HOLD_HELD,
            new HoldHeld(run.compile, "afterTasks", "afterTasks: [fetch]", t(3), t(3)),
            t(3)),
        engine.create(
            EventType.HOLD_RELEASED,
            new HoldReleased(
                run.compile,
                Action.CONTINUE,
                new Identity("alice", List.of("dev")),
                "cli",
                t(3),
                t(7)),
            t(7)));
  }

  /** The run's events with the hold's right before the compile TaskRun started. */
  private List<PitstopEvent> events(List<PitstopEvent> hold) {
    List<PitstopEvent> out = new ArrayList<>();
    for (PitstopEvent e : run.events()) {
      if (e.type() == EventType.TASKRUN_STARTED && e.data().run().uid().equals(run.compileUid)) {
        out.addAll(hold);
      }
      out.add(e);
    }
    return out;
  }

  private static List<FinishedTrace> feed(TraceAssembler a, List<PitstopEvent> events) {
    List<FinishedTrace> out = new ArrayList<>();
    for (PitstopEvent e : events) {
      for (FinishedTrace t : a.accept(e, NOW)) {
        a.confirm(t.rootUid(), t.spans());
        out.add(t);
      }
    }
    out.addAll(a.expire(NOW.plus(GRACE)));
    return out;
  }

  private static FinishedTrace merged(List<FinishedTrace> all) {
    List<SpanData> spans = new ArrayList<>();
    all.forEach(t -> spans.addAll(t.spans()));
    FinishedTrace first = all.get(0);
    return new FinishedTrace(first.rootUid(), first.traceId(), first.run(), spans, true);
  }

  private static SpanData named(FinishedTrace trace, String name) {
    return trace.spans().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aReleasedHoldIsAChildOfTheTaskRunSpanWhichCoversIt() {
    FinishedTrace trace = merged(feed(assembler(), events(releasedHold())));

    SpanData compile = named(trace, "compile");
    SpanData hold = named(trace, "hold afterTasks");
    assertThat(hold.getParentSpanId()).isEqualTo(compile.getSpanId());
    assertThat(hold.getSpanId()).isEqualTo(SpanIds.holdSpanId(run.compileUid, 0));
    assertThat(hold.getTraceId()).isEqualTo(compile.getTraceId());
    assertThat(hold.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(t(3)));
    assertThat(hold.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(7)));
    assertThat(hold.getAttributes().get(TektonAttributes.HOLD_BREAKPOINT)).isEqualTo("afterTasks");
    assertThat(hold.getAttributes().get(TektonAttributes.HOLD_CAUSE))
        .isEqualTo("afterTasks: [fetch]");
    assertThat(hold.getAttributes().get(TektonAttributes.BREAKPOINT_ACTION)).isEqualTo("continue");
    assertThat(hold.getAttributes().get(TektonAttributes.BREAKPOINT_RELEASED_BY))
        .isEqualTo("alice");
    assertThat(hold.getAttributes().get(TektonAttributes.BREAKPOINT_VIA)).isEqualTo("cli");
    assertThat(hold.getAttributes().get(TektonAttributes.BREAKPOINT_END_REASON)).isNull();
    assertThat(hold.getAttributes().get(TektonAttributes.INCOMPLETE)).isNull();

    // The TaskRun's startTime (8 s) comes after the release: its span starts at the hold.
    assertThat(compile.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(t(3)));
    assertThat(compile.getAttributes().get(TektonAttributes.RAW_START)).isEqualTo(t(8).toString());
    assertThat(compile.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(21)));
    TraceAssemblerTest.assertWellFormed(trace);
  }

  @Test
  void anEndedHoldCarriesItsReason() {
    List<PitstopEvent> hold =
        List.of(
            engine.create(
                EventType.HOLD_HELD,
                new HoldHeld(run.compile, "beforeTasks", "beforeTasks: [compile]", t(3), t(3)),
                t(3)),
            engine.create(
                EventType.HOLD_ENDED,
                new HoldEnded(run.compile, "StartedOutsidePitstop", t(3), t(6)),
                t(6)));
    FinishedTrace trace = merged(feed(assembler(), events(hold)));

    SpanData hs = named(trace, "hold beforeTasks");
    assertThat(hs.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(6)));
    assertThat(hs.getAttributes().get(TektonAttributes.BREAKPOINT_END_REASON))
        .isEqualTo("StartedOutsidePitstop");
    assertThat(hs.getAttributes().get(TektonAttributes.BREAKPOINT_RELEASED_BY)).isNull();
    TraceAssemblerTest.assertWellFormed(trace);
  }

  @Test
  void aHoldStillHeldWhenTheRunEndsIsIncompleteAndEndsWithItsTaskRun() {
    List<PitstopEvent> hold =
        List.of(
            engine.create(
                EventType.HOLD_HELD,
                new HoldHeld(run.compile, "onTasks", "onTasks: [compile]", t(3), t(3)),
                t(3)));
    FinishedTrace trace = merged(feed(assembler(), events(hold)));

    SpanData compile = named(trace, "compile");
    SpanData hs = named(trace, "hold onTasks");
    assertThat(hs.getParentSpanId()).isEqualTo(compile.getSpanId());
    assertThat(hs.getAttributes().get(TektonAttributes.INCOMPLETE)).isTrue();
    assertThat(hs.getEndEpochNanos()).isEqualTo(compile.getEndEpochNanos());
    TraceAssemblerTest.assertWellFormed(trace);
  }

  @Test
  void theReleasedHoldIsExportedBeforeTheTaskRunEnds() {
    TraceAssembler a = assembler();
    List<String> beforeCompileEnded = new ArrayList<>();
    for (PitstopEvent e : events(releasedHold())) {
      if (e.type() == EventType.TASKRUN_FINISHED && e.data().run().uid().equals(run.compileUid)) {
        break;
      }
      for (FinishedTrace t : a.accept(e, NOW)) {
        a.confirm(t.rootUid(), t.spans());
        t.spans().forEach(s -> beforeCompileEnded.add(s.getName()));
      }
    }
    assertThat(beforeCompileEnded).contains("hold afterTasks").doesNotContain("compile");
  }

  @Test
  void anyArrivalOrderGivesTheSameWellFormedTree() {
    FinishedTrace inOrder = merged(feed(assembler(), events(releasedHold())));
    SpanData inOrderHold = named(inOrder, "hold afterTasks");
    Random random = new Random(7L);
    for (int i = 0; i < 100; i++) {
      List<PitstopEvent> shuffled = new ArrayList<>(events(releasedHold()));
      Collections.shuffle(shuffled, random);
      FinishedTrace trace = merged(feed(assembler(), shuffled));
      TraceAssemblerTest.assertWellFormed(trace);
      assertThat(trace.spans())
          .extracting(SpanData::getSpanId)
          .containsExactlyInAnyOrderElementsOf(
              inOrder.spans().stream().map(SpanData::getSpanId).toList());
      assertThat(trace.spans())
          .filteredOn(s -> s.getSpanId().equals(inOrderHold.getSpanId()))
          .singleElement()
          .satisfies(h -> assertThat(h.getParentSpanId()).isEqualTo(inOrderHold.getParentSpanId()));
    }
  }
}
