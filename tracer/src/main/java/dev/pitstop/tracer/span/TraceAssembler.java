package dev.pitstop.tracer.span;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepStarted;
import dev.pitstop.tracer.span.RootRunFacts.PauseFacts;
import dev.pitstop.tracer.span.RootRunFacts.StepFacts;
import dev.pitstop.tracer.span.RootRunFacts.TaskAttempt;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects observations and decisions per root run (the events' partition key) and hands back the
 * run's spans once it is over. Pure (no I/O, no clock: the caller passes the processing time), not
 * thread-safe.
 *
 * <p>Runs in progress: each event may return a progress export with the spans of parts it finished
 * (a TaskRun with its steps and pauses, a step, a released pause), once the root run's start is
 * known; the root span comes last, with its real start. See {@link TraceBuilder#build}.
 *
 * <p>A root run is over when its finish was seen (a PipelineRun finished, or a standalone TaskRun
 * finished) and every TaskRun seen has finished; or, when some TaskRun's finish is still missing,
 * once {@code finishGrace} (processing time) has passed since the root's finish arrived ({@link
 * #expire}). Then its spans are returned and its state dropped. Events of one root arrive in the
 * order the watcher published them, which across subjects need not be the order in time (a relist
 * may publish a PipelineRun's finish before its TaskRuns' events): only the events' Kubernetes
 * times place spans, never arrival order, and events arriving after a root's trace was exported are
 * collected for another {@code finishGrace} and then exported as the spans still missing from that
 * trace (same trace id, parents from the first export; a bounded memory of {@value
 * #REMEMBERED_DONE} exported roots, beyond which late events start a trace that never finishes and
 * is eventually evicted).
 *
 * <p>Memory is bounded: at most {@code maxOpenRuns} roots are collected at once; beyond that the
 * least recently updated root is dropped without export (a root whose finish never arrives would
 * otherwise stay forever).
 */
public final class TraceAssembler {
  private static final Logger LOG = LoggerFactory.getLogger(TraceAssembler.class);

  /** How many finished roots are remembered to ignore their late events. */
  static final int REMEMBERED_DONE = 2_000;

  private final TraceBuilder builder;
  private final Duration finishGrace;
  private final int maxOpenRuns;
  private final Map<String, RootRunFacts> open = new HashMap<>();
  private final Map<String, ExportedSpans> done =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ExportedSpans> eldest) {
          return size() > REMEMBERED_DONE;
        }
      };
  private long evicted;

  /**
   * Tests only: every progress build walks every attempt of the root (the behaviour before progress
   * builds looked only at the attempts an event touched), as the reference to compare to.
   */
  boolean walkEveryAttempt;

  private final List<String> evictedRoots = new ArrayList<>();
  private final Duration maxIdle;

  /**
   * @param finishGrace how long to wait for missing TaskRun finishes after the root finished
   * @param maxOpenRuns at most this many roots are collected at once (at least 1)
   */
  public TraceAssembler(TraceBuilder builder, Duration finishGrace, int maxOpenRuns) {
    this(builder, finishGrace, maxOpenRuns, DEFAULT_MAX_IDLE);
  }

  /**
   * @param maxIdle a root whose finish never arrived is exported (incomplete) after this long
   *     without an event (e.g. late events of a run exported before a restart)
   */
  public TraceAssembler(
      TraceBuilder builder, Duration finishGrace, int maxOpenRuns, Duration maxIdle) {
    if (maxOpenRuns < 1 || finishGrace.isNegative() || maxIdle.isZero() || maxIdle.isNegative()) {
      throw new IllegalArgumentException(
          "maxOpenRuns must be >= 1, finishGrace >= 0 and maxIdle > 0");
    }
    this.builder = Objects.requireNonNull(builder);
    this.finishGrace = finishGrace;
    this.maxOpenRuns = maxOpenRuns;
    this.maxIdle = maxIdle;
  }

  /** Default of {@code maxIdle}. */
  public static final Duration DEFAULT_MAX_IDLE = Duration.ofHours(24);

  /**
   * Takes in one event.
   *
   * @param now the processing time (starts the grace period when the event finishes the root)
   * @return the root's last export when this event completed it; else the spans of parts that this
   *     event finished (a progress export, {@link FinishedTrace#last()} false); else empty. Events
   *     that carry nothing for traces (commands, rejections, breakpoint-reached) return empty.
   */
  public List<FinishedTrace> accept(PitstopEvent e, Instant now) {
    String root = e.partitionKey();
    if (!relevant(e)) {
      return List.of();
    }
    RootRunFacts facts = open.get(root);
    if (facts == null) {
      evictIfFull();
      ExportedSpans exported = done.get(root);
      facts = new RootRunFacts(root, exported);
      if (exported != null) {
        LOG.debug(
            "late event {} {} after the trace of {} was exported: collecting the spans missing",
            e.id(),
            e.subject(),
            root);
        facts.rootFinishedSeenAt = now;
      }
      open.put(root, facts);
    }
    facts.lastEventAt = now;
    record(facts, e);
    if (facts.late) {
      return List.of(); // late events: exported once their grace period runs out
    }
    if (facts.rootFinished() && facts.rootFinishedSeenAt == null) {
      facts.rootFinishedSeenAt = now;
    }
    if (facts.rootFinished() && facts.allTaskRunsFinished()) {
      return List.of(finish(facts, true));
    }
    if (walkEveryAttempt) {
      facts.walkAll = true;
    }
    List<SpanData> progress = builder.build(facts, false);
    if (progress.isEmpty()) {
      return List.of();
    }
    return List.of(
        new FinishedTrace(
            facts.rootUid, TraceBuilder.traceId(facts), display(facts), progress, true, false));
  }

  /**
   * The last exports of roots whose finish arrived at least {@code finishGrace} before {@code now}
   * (complete or not), and of roots whose finish never arrived and that had no event for {@code
   * maxIdle}; their state is dropped.
   */
  public List<FinishedTrace> expire(Instant now) {
    List<RootRunFacts> due = new ArrayList<>();
    for (RootRunFacts f : open.values()) {
      if (f.rootFinishedSeenAt != null && !now.isBefore(f.rootFinishedSeenAt.plus(finishGrace))
          || f.rootFinishedSeenAt == null && !now.isBefore(f.lastEventAt.plus(maxIdle))) {
        due.add(f);
      }
    }
    List<FinishedTrace> out = new ArrayList<>();
    for (RootRunFacts f : due) {
      if (f.rootFinishedSeenAt == null) {
        LOG.warn(
            "root {} had no event for {} and never finished: exporting what it has",
            f.rootUid,
            maxIdle);
      }
      out.add(finish(f, f.rootFinished() && f.allTaskRunsFinished()));
    }
    return out;
  }

  /**
   * Records that these spans of a root were exported, so its last export does not repeat them.
   * Spans of a progress export that was not confirmed are exported again with the root.
   */
  public void confirm(String rootUid, List<SpanData> spans) {
    RootRunFacts f = open.get(rootUid);
    if (f != null) {
      for (SpanData s : spans) {
        f.unconfirmed.remove(s.getSpanId());
      }
    }
  }

  /** True when the root is being collected (not exported yet, not dropped). */
  public boolean isOpen(String rootUid) {
    return open.containsKey(rootUid);
  }

  /** Roots dropped unexported (too many open) since the last call. */
  public List<String> drainEvicted() {
    List<String> out = List.copyOf(evictedRoots);
    evictedRoots.clear();
    return out;
  }

  /** How many roots are being collected. */
  public int openRuns() {
    return open.size();
  }

  /** How many roots were dropped without export because {@code maxOpenRuns} was reached. */
  public long evicted() {
    return evicted;
  }

  private FinishedTrace finish(RootRunFacts facts, boolean complete) {
    open.remove(facts.rootUid);
    builder.build(facts, true);
    List<SpanData> spans = new ArrayList<>(facts.unconfirmed.values());
    done.remove(facts.rootUid);
    done.put(facts.rootUid, facts.built);
    return new FinishedTrace(
        facts.rootUid, TraceBuilder.traceId(facts), display(facts), spans, complete, true);
  }

  private static String display(RootRunFacts facts) {
    if (facts.pipelineRun != null) {
      return facts.pipelineRun.display();
    }
    TaskAttempt root = facts.rootTaskRun();
    if (root != null) {
      return root.ref.display();
    }
    if (facts.taskRuns.isEmpty()) {
      return facts.rootUid;
    }
    RunRef any = facts.taskRuns.values().iterator().next().ref;
    return any.namespace() + "/" + any.pipelineRun();
  }

  private void evictIfFull() {
    if (open.size() < maxOpenRuns) {
      return;
    }
    RootRunFacts oldest =
        open.values().stream().min(Comparator.comparing(f -> f.lastEventAt)).orElseThrow();
    open.remove(oldest.rootUid);
    evicted++;
    evictedRoots.add(oldest.rootUid);
    LOG.warn(
        "{} runs collected at once: dropped the least recently updated, root {}",
        maxOpenRuns,
        oldest.rootUid);
  }

  /**
   * The event types that contribute to traces; {@link #accept} ignores every other, so the tracer's
   * consumer need not decode them ({@link dev.pitstop.runtime.kafka.EventConsumer#onlyTypes}).
   */
  public static final java.util.Set<dev.pitstop.events.EventType> RELEVANT =
      java.util.Collections.unmodifiableSet(
          java.util.EnumSet.of(
              dev.pitstop.events.EventType.PIPELINERUN_STARTED,
              dev.pitstop.events.EventType.PIPELINERUN_FINISHED,
              dev.pitstop.events.EventType.TASKRUN_STARTED,
              dev.pitstop.events.EventType.TASKRUN_FINISHED,
              dev.pitstop.events.EventType.STEP_STARTED,
              dev.pitstop.events.EventType.STEP_FINISHED,
              dev.pitstop.events.EventType.BREAKPOINT_PAUSED,
              dev.pitstop.events.EventType.BREAKPOINT_CONTINUED,
              dev.pitstop.events.EventType.BREAKPOINT_ENDED,
              dev.pitstop.events.EventType.POD_SCHEDULED,
              dev.pitstop.events.EventType.POD_INITIALIZED,
              dev.pitstop.events.EventType.POD_READY,
              dev.pitstop.events.EventType.HOLD_HELD,
              dev.pitstop.events.EventType.HOLD_RELEASED,
              dev.pitstop.events.EventType.HOLD_ENDED));

  /** True for the event types that contribute to traces ({@link #RELEVANT}). */
  public static boolean relevant(PitstopEvent e) {
    return RELEVANT.contains(e.type());
  }

  private static void record(RootRunFacts facts, PitstopEvent e) {
    switch (e.type()) {
      case PIPELINERUN_STARTED -> {
        RunStarted s = e.data(RunStarted.class);
        facts.pipelineRun = s.run();
        facts.pipelineRunStarted = s;
        facts.walkAll = true; // the root's start places every attempt
      }
      case PIPELINERUN_FINISHED -> {
        RunFinished f = e.data(RunFinished.class);
        facts.pipelineRun = f.run();
        facts.pipelineRunFinished = f;
        facts.walkAll = true; // the root's start places every attempt
      }
      case TASKRUN_STARTED -> {
        RunStarted s = e.data(RunStarted.class);
        TaskAttempt t = facts.taskRun(s.run());
        if (t != null) {
          t.started = s;
        }
      }
      case TASKRUN_FINISHED -> {
        RunFinished f = e.data(RunFinished.class);
        TaskAttempt t = facts.taskRun(f.run());
        if (t != null) {
          t.finished = f;
        }
      }
      case STEP_STARTED -> {
        StepStarted s = e.data(StepStarted.class);
        StepFacts step = step(facts, s.run(), s.step());
        if (step != null) {
          step.ref = s.step();
          step.started = s;
        }
      }
      case STEP_FINISHED -> {
        StepFinished s = e.data(StepFinished.class);
        StepFacts step = step(facts, s.run(), s.step());
        if (step != null) {
          step.ref = s.step();
          step.finished = s;
        }
      }
      case BREAKPOINT_PAUSED -> {
        BreakpointPaused p = e.data(BreakpointPaused.class);
        PauseFacts pause = pause(facts, p.run(), p.step(), p.mechanism());
        if (pause != null) {
          pause.paused = p;
        }
      }
      case BREAKPOINT_CONTINUED -> {
        BreakpointContinued c = e.data(BreakpointContinued.class);
        PauseFacts pause = pause(facts, c.run(), c.step(), c.mechanism());
        if (pause != null) {
          pause.continued = c;
        }
      }
      case BREAKPOINT_ENDED -> {
        BreakpointEnded x = e.data(BreakpointEnded.class);
        PauseFacts pause = pause(facts, x.run(), x.step(), x.mechanism());
        if (pause != null) {
          pause.ended = x;
        }
      }
      case POD_SCHEDULED -> {
        var p = e.data(dev.pitstop.events.data.PodScheduled.class);
        TaskAttempt t = facts.taskRunOfPod(p.run());
        if (t != null) {
          t.podScheduled = p;
        }
      }
      case POD_INITIALIZED -> {
        var p = e.data(dev.pitstop.events.data.PodInitialized.class);
        TaskAttempt t = facts.taskRunOfPod(p.run());
        if (t != null) {
          t.podInitialized = p;
        }
      }
      case POD_READY -> {
        var p = e.data(dev.pitstop.events.data.PodReady.class);
        TaskAttempt t = facts.taskRunOfPod(p.run());
        if (t != null) {
          t.podReady = p;
        }
      }
      case HOLD_HELD -> {
        var h = e.data(dev.pitstop.events.data.HoldHeld.class);
        TaskAttempt t = facts.taskRunOfPod(h.run());
        if (t != null) {
          t.hold.held = h;
        }
      }
      case HOLD_RELEASED -> {
        var h = e.data(dev.pitstop.events.data.HoldReleased.class);
        TaskAttempt t = facts.taskRunOfPod(h.run());
        if (t != null) {
          t.hold.released = h;
        }
      }
      case HOLD_ENDED -> {
        var h = e.data(dev.pitstop.events.data.HoldEnded.class);
        TaskAttempt t = facts.taskRunOfPod(h.run());
        if (t != null) {
          t.hold.ended = h;
        }
      }
      default -> {}
    }
  }

  private static StepFacts step(
      RootRunFacts facts, RunRef run, dev.pitstop.events.data.StepRef step) {
    if (step == null) {
      return null;
    }
    TaskAttempt t = facts.taskRun(run);
    return t == null ? null : t.step(step);
  }

  private static PauseFacts pause(
      RootRunFacts facts,
      RunRef run,
      dev.pitstop.events.data.StepRef step,
      dev.pitstop.events.data.Mechanism mechanism) {
    if (step == null || mechanism == null) {
      return null;
    }
    TaskAttempt t = facts.taskRun(run);
    return t == null ? null : t.pause(step, mechanism);
  }
}
