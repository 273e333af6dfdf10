package dev.pitstop.tracer.span;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.PodContainer;
import dev.pitstop.events.data.PodInitialized;
import dev.pitstop.events.data.PodReady;
import dev.pitstop.events.data.PodScheduled;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.events.data.StepStarted;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Progress builds look only at the TaskRun attempts an event touched (and the attempts they retry);
 * walking every attempt of the root on every event is the reference. Seeded random PipelineRuns
 * (retries, steps, pauses, Pod phases, holds, missing events) in random arrival orders must give
 * the same exports, event by event, both ways.
 */
class IncrementalProgressTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  private final EventFactory watcher = new EventFactory("sandbox", "watcher");
  private final EventFactory engine = new EventFactory("sandbox", "breakpoint-engine");

  private static TraceAssembler assembler(boolean walkEveryAttempt) {
    TraceAssembler a = new TraceAssembler(new TraceBuilder(Resource.empty(), null), GRACE, 100);
    a.walkEveryAttempt = walkEveryAttempt;
    return a;
  }

  @Test
  void touchedAttemptsOnlyExportWhatWalkingEveryAttemptExportsForAnyArrivalOrder() {
    Random random = new Random(20261122L);
    int progressSpans = 0;
    for (int i = 0; i < 400; i++) {
      List<PitstopEvent> events = run("pr-" + i, random);
      shuffleSome(events, random);
      TraceAssembler incremental = assembler(false);
      TraceAssembler reference = assembler(true);
      for (int n = 0; n < events.size(); n++) {
        PitstopEvent e = events.get(n);
        List<FinishedTrace> got = incremental.accept(e, NOW);
        List<FinishedTrace> want = reference.accept(e, NOW);
        assertThat(render(got))
            .as("run %d, event %d: %s", i, n, e.subject())
            .isEqualTo(render(want));
        boolean confirm = random.nextInt(4) != 0; // some progress exports fail
        for (int k = 0; k < got.size(); k++) {
          if (!got.get(k).last()) {
            progressSpans += got.get(k).spans().size();
          }
          if (confirm) {
            incremental.confirm(got.get(k).rootUid(), got.get(k).spans());
            reference.confirm(want.get(k).rootUid(), want.get(k).spans());
          }
        }
      }
      assertThat(render(incremental.expire(NOW.plus(GRACE))))
          .isEqualTo(render(reference.expire(NOW.plus(GRACE))));
    }
    assertThat(progressSpans).as("progress exports were compared").isGreaterThan(1_000);
  }

  @Test
  void aRetrysStartExportsThePreviousAttemptWhileTheRunGoesOn() {
    RunRef pr = pipelineRun("pr-retry");
    RunRef a0 = taskRun(pr, "t0", 0);
    RunRef a1 = taskRun(pr, "t0", 1);
    List<PitstopEvent> events =
        List.of(
            watcher.create(EventType.PIPELINERUN_STARTED, new RunStarted(pr, t(0), null), t(0)),
            watcher.create(EventType.TASKRUN_STARTED, new RunStarted(a0, t(1), "pod-0"), t(1)));
    TraceAssembler a = assembler(false);
    for (PitstopEvent e : events) {
      assertThat(a.accept(e, NOW)).isEmpty();
    }
    // the retry's start is the first attempt's end: an event on attempt 1 builds attempt 0
    List<FinishedTrace> out =
        a.accept(
            watcher.create(EventType.TASKRUN_STARTED, new RunStarted(a1, t(5), "pod-1"), t(5)),
            NOW);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).spans())
        .extracting(SpanData::getSpanId)
        .containsExactly(SpanIds.runSpanId(a0.uid(), 0));
  }

  @Test
  void thePipelineRunsStartExportsEveryAttemptThatFinishedBefore() {
    RunRef pr = pipelineRun("pr-late-start");
    RunRef x = taskRun(pr, "x", 0);
    RunRef y = taskRun(pr, "y", 0);
    TraceAssembler a = assembler(false);
    for (RunRef r : List.of(x, y)) {
      assertThat(
              a.accept(
                  watcher.create(
                      EventType.TASKRUN_FINISHED,
                      new RunFinished(r, "True", "Succeeded", "done", t(1), t(4), null),
                      t(4)),
                  NOW))
          .isEmpty(); // the root's start is not known yet
    }
    List<FinishedTrace> out =
        a.accept(
            watcher.create(EventType.PIPELINERUN_STARTED, new RunStarted(pr, t(0), null), t(0)),
            NOW);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).spans())
        .extracting(SpanData::getSpanId)
        .containsExactlyInAnyOrder(SpanIds.runSpanId(x.uid(), 0), SpanIds.runSpanId(y.uid(), 0));
  }

  private static List<String> render(List<FinishedTrace> traces) {
    List<String> out = new ArrayList<>();
    for (FinishedTrace t : traces) {
      out.add("trace " + t.traceId() + " " + t.run() + " last=" + t.last() + " c=" + t.complete());
      for (SpanData s : t.spans()) {
        out.add(
            s.getSpanId()
                + " parent="
                + s.getParentSpanId()
                + " "
                + s.getName()
                + " "
                + s.getKind()
                + " ["
                + s.getStartEpochNanos()
                + ", "
                + s.getEndEpochNanos()
                + "] "
                + s.getStatus()
                + " "
                + s.getAttributes().asMap()
                + " links="
                + s.getLinks());
      }
    }
    return out;
  }

  /** Moves some events to random places: arrival order is the watcher's, not time's. */
  private static void shuffleSome(List<PitstopEvent> events, Random random) {
    int moves = random.nextInt(events.size() + 1);
    for (int i = 0; i < moves; i++) {
      PitstopEvent e = events.remove(random.nextInt(events.size()));
      events.add(random.nextInt(events.size() + 1), e);
    }
  }

  private static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private static RunRef pipelineRun(String uid) {
    return new RunRef(
        RunRef.PIPELINE_RUN,
        "ci",
        uid,
        uid,
        null,
        null,
        "build",
        null,
        null,
        0,
        Map.of(),
        Map.of());
  }

  private static RunRef taskRun(RunRef pr, String task, int retry) {
    return new RunRef(
        RunRef.TASK_RUN,
        "ci",
        pr.name() + "-" + task,
        pr.uid() + "-" + task,
        pr.name(),
        pr.uid(),
        "build",
        task,
        "task-" + task,
        retry,
        Map.of(),
        Map.of());
  }

  /** A PipelineRun's events in time order, some left out. */
  private List<PitstopEvent> run(String uid, Random random) {
    RunRef pr = pipelineRun(uid);
    List<PitstopEvent> out = new ArrayList<>();
    long time = 0;
    maybe(
        out,
        random,
        watcher.create(EventType.PIPELINERUN_STARTED, new RunStarted(pr, t(0), null), t(0)));
    int tasks = 1 + random.nextInt(4);
    for (int task = 0; task < tasks; task++) {
      long taskTime = time + random.nextInt(3);
      int retries = random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 0;
      for (int retry = 0; retry <= retries; retry++) {
        RunRef ref = taskRun(pr, "t" + task, retry);
        String pod = ref.name() + "-pod-" + retry;
        long start = taskTime + random.nextInt(2);
        if (random.nextInt(5) == 0) {
          maybe(
              out,
              random,
              engine.create(
                  EventType.HOLD_HELD,
                  new HoldHeld(ref, "afterTasks", "afterTasks: [t0]", t(start), t(start)),
                  t(start)));
          start += 1 + random.nextInt(3);
          maybe(
              out,
              random,
              engine.create(
                  EventType.HOLD_RELEASED,
                  new HoldReleased(
                      ref, Action.CONTINUE, Identity.of("alice"), "cli", t(taskTime), t(start)),
                  t(start)));
        }
        maybe(
            out,
            random,
            watcher.create(
                EventType.TASKRUN_STARTED, new RunStarted(ref, t(start), pod), t(start)));
        if (random.nextBoolean()) {
          maybe(
              out,
              random,
              watcher.create(
                  EventType.POD_SCHEDULED,
                  new PodScheduled(ref, pod, t(start), t(start + 1), "node-1"),
                  t(start + 1)));
          maybe(
              out,
              random,
              watcher.create(
                  EventType.POD_INITIALIZED,
                  new PodInitialized(
                      ref,
                      pod,
                      t(start + 2),
                      List.of(new PodContainer("prepare", t(start + 1), t(start + 2), 0, null))),
                  t(start + 2)));
          maybe(
              out,
              random,
              watcher.create(
                  EventType.POD_READY,
                  new PodReady(ref, pod, t(start + 2), t(start + 3), List.of(), List.of()),
                  t(start + 3)));
        }
        long stepTime = start + 3;
        int steps = 1 + random.nextInt(3);
        boolean failed = false;
        for (int s = 0; s < steps; s++) {
          StepRef step = new StepRef("s" + s, s, "step-s" + s, pod);
          maybe(
              out,
              random,
              watcher.create(
                  EventType.STEP_STARTED, new StepStarted(ref, step, t(stepTime)), t(stepTime)));
          long end = stepTime + random.nextInt(4);
          int exit = random.nextInt(6) == 0 ? 1 : 0;
          if (exit != 0 && random.nextBoolean()) {
            Mechanism m = Mechanism.ON_FAILURE;
            maybe(
                out,
                random,
                engine.create(
                    EventType.BREAKPOINT_PAUSED,
                    new BreakpointPaused(ref, step, m, t(end), t(end), List.of(), null, "sh"),
                    t(end)));
            long released = end + 1 + random.nextInt(3);
            maybe(
                out,
                random,
                random.nextBoolean()
                    ? engine.create(
                        EventType.BREAKPOINT_CONTINUED,
                        new BreakpointContinued(
                            ref,
                            step,
                            m,
                            Action.CONTINUE,
                            Identity.of("bob"),
                            "slack",
                            t(end),
                            t(released)),
                        t(released))
                    : engine.create(
                        EventType.BREAKPOINT_ENDED,
                        new BreakpointEnded(ref, step, m, "timeout", t(end), t(released)),
                        t(released)));
            end = released;
          }
          maybe(
              out,
              random,
              watcher.create(
                  EventType.STEP_FINISHED,
                  new StepFinished(
                      ref,
                      step,
                      exit,
                      exit == 0 ? "Completed" : "Error",
                      t(stepTime),
                      t(end),
                      null),
                  t(end)));
          failed |= exit != 0;
          stepTime = end + random.nextInt(2) - (random.nextInt(8) == 0 ? 2 : 0);
        }
        if (retry < retries) {
          taskTime = stepTime; // Tekton reports no finish for an attempt it retries
          continue;
        }
        maybe(
            out,
            random,
            watcher.create(
                EventType.TASKRUN_FINISHED,
                new RunFinished(
                    ref,
                    failed ? "False" : "True",
                    failed ? "Failed" : "Succeeded",
                    "done",
                    t(start),
                    t(stepTime),
                    null),
                t(stepTime)));
        time = Math.max(time, stepTime);
      }
    }
    maybe(
        out,
        random,
        watcher.create(
            EventType.PIPELINERUN_FINISHED,
            new RunFinished(pr, "True", "Succeeded", "done", t(0), t(time), null),
            t(time)));
    return out;
  }

  /** Adds {@code e} but one time in twenty (a watcher that missed it). */
  private static void maybe(List<PitstopEvent> out, Random random, PitstopEvent e) {
    if (random.nextInt(20) != 0) {
      out.add(e);
    }
  }
}
