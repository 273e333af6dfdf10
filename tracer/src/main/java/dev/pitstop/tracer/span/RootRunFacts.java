package dev.pitstop.tracer.span;

import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.events.data.StepStarted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the tracer knows about one root run (a PipelineRun or a standalone TaskRun) and its
 * TaskRuns, steps and pauses: the facts as they arrived, in any order. Mutable, not thread-safe;
 * owned by a {@link TraceAssembler}. Sizes are bounded so one odd run cannot exhaust memory.
 */
final class RootRunFacts {
  /** At most this many TaskRun attempts per root run; later ones are ignored. */
  static final int MAX_TASK_RUNS = 5_000;

  /** At most this many steps per TaskRun attempt; later ones are ignored. */
  static final int MAX_STEPS = 500;

  final String rootUid;
  RunRef pipelineRun;
  RunStarted pipelineRunStarted;
  RunFinished pipelineRunFinished;
  final Map<AttemptKey, TaskAttempt> taskRuns = new LinkedHashMap<>();

  /** Processing time when the root's finish was first seen (starts the grace period), or null. */
  Instant rootFinishedSeenAt;

  /** Processing time of the last event, for evicting the least recently updated run. */
  Instant lastEventAt;

  /**
   * The spans built so far (progress exports), or, for events that arrived after the root's last
   * export, everything built for the root then.
   */
  final ExportedSpans built;

  /** True for events that arrived after the root's last export. */
  final boolean late;

  /** Spans built (handed to the exporter) whose export was not confirmed yet, by span id. */
  final Map<String, io.opentelemetry.sdk.trace.data.SpanData> unconfirmed = new LinkedHashMap<>();

  /**
   * Span ids by {@link SpanIds} key, computed once per root: every event's progress build checks
   * which of the root's spans are built, by id, and hashing them again for each event (SHA-256) was
   * ~7 % of the tracer's CPU in {@code pitstop bench} part 2 (JFR). Dropped with the facts.
   */
  private final Map<String, String> spanIds = new java.util.HashMap<>();

  /** {@link SpanIds#spanId} of {@code key}, memoized for this root. */
  String spanId(String key) {
    String id = spanIds.get(key);
    if (id == null) {
      id = SpanIds.spanId(key);
      spanIds.put(key, id);
    }
    return id;
  }

  /**
   * TaskRun attempts whose facts changed since the last progress build: a progress build looks only
   * at these (and the attempts they retry, whose end is their start) unless {@link #walkAll}.
   * Walking every attempt of the root on every event, to find the few spans the event made
   * buildable, was ~19 % of the tracer's event loop in {@code pitstop bench} part 2 (JFR).
   */
  private final java.util.Set<AttemptKey> touched = new java.util.HashSet<>();

  /**
   * True until a progress build walked every attempt with the root's start known, and again when
   * the root's own facts change (its start places every attempt): the next progress build then
   * walks every attempt.
   */
  boolean walkAll = true;

  /**
   * The span id of an attempt's run span, kept on the attempt: progress builds ask for the ids of
   * the same attempts and children on every event of the attempt, and building the key to look the
   * memo up was most of what was left of the builder's cost (JFR).
   */
  String runId(AttemptKey key, TaskAttempt t) {
    if (t.runId == null) {
      t.runId = spanId(SpanIds.runKey(key.uid(), key.retry()));
    }
    return t.runId;
  }

  /** The span id of a step of the attempt {@code key}, kept on the step. */
  String stepId(AttemptKey key, StepFacts s) {
    if (s.spanId == null) {
      s.spanId = spanId(SpanIds.stepKey(key.uid(), key.retry(), s.ref.index()));
    }
    return s.spanId;
  }

  /** The span id of a pause of the attempt {@code key}, kept on the pause. */
  String pauseId(AttemptKey key, PauseFacts p) {
    if (p.spanId == null) {
      p.spanId =
          spanId(SpanIds.pauseKey(key.uid(), key.retry(), p.mechanism.json(), p.step.index()));
    }
    return p.spanId;
  }

  /** The span id of the hold of the attempt {@code key}, kept on the attempt. */
  String holdId(AttemptKey key, TaskAttempt t) {
    if (t.holdId == null) {
      t.holdId = spanId(SpanIds.holdKey(key.uid(), key.retry()));
    }
    return t.holdId;
  }

  RootRunFacts(String rootUid, ExportedSpans exported) {
    this.rootUid = rootUid;
    this.late = exported != null;
    this.built = exported != null ? exported : new ExportedSpans();
  }

  record AttemptKey(String uid, int retry) {}

  /** One attempt of a TaskRun (Tekton retries reuse the TaskRun object, hence the same UID). */
  static final class TaskAttempt {
    RunRef ref;
    RunStarted started;
    RunFinished finished;
    final TreeMap<Integer, StepFacts> steps = new TreeMap<>();
    final Map<String, PauseFacts> pauses = new LinkedHashMap<>();
    dev.pitstop.events.data.PodScheduled podScheduled;
    dev.pitstop.events.data.PodInitialized podInitialized;
    dev.pitstop.events.data.PodReady podReady;
    final HoldFacts hold = new HoldFacts();

    /** Span ids, once asked for ({@link #runId}, {@link #holdId}). */
    String runId;

    String holdId;

    TaskAttempt(RunRef ref) {
      this.ref = ref;
    }

    StepFacts step(StepRef step) {
      StepFacts s = steps.get(step.index());
      if (s == null && steps.size() < MAX_STEPS) {
        s = new StepFacts(step);
        steps.put(step.index(), s);
      }
      return s;
    }

    PauseFacts pause(StepRef step, Mechanism mechanism) {
      String key = mechanism.json() + "/" + step.index();
      PauseFacts p = pauses.get(key);
      if (p == null && pauses.size() < MAX_STEPS * 2) {
        p = new PauseFacts(step, mechanism);
        pauses.put(key, p);
      }
      return p;
    }
  }

  static final class StepFacts {
    StepRef ref;
    StepStarted started;
    StepFinished finished;

    /** The step's span id, once asked for ({@link #stepId}); its index never changes. */
    String spanId;

    StepFacts(StepRef ref) {
      this.ref = ref;
    }
  }

  /** A step's wait at one breakpoint: paused, then continued or ended. */
  static final class PauseFacts {
    final StepRef step;
    final Mechanism mechanism;
    BreakpointPaused paused;
    BreakpointContinued continued;
    BreakpointEnded ended;

    /** The pause's span id, once asked for ({@link #pauseId}). */
    String spanId;

    PauseFacts(StepRef step, Mechanism mechanism) {
      this.step = step;
      this.mechanism = mechanism;
    }

    Instant pausedAt() {
      if (paused != null) {
        return paused.pausedAt();
      }
      if (continued != null) {
        return continued.pausedAt();
      }
      return ended == null ? null : ended.pausedAt();
    }
  }

  /**
   * A TaskRun's hold before it started (created pending by Pitstop's admission webhook): held, then
   * released or ended (the engine's {@code dev.pitstop.hold.*.v1} decisions).
   */
  static final class HoldFacts {
    dev.pitstop.events.data.HoldHeld held;
    dev.pitstop.events.data.HoldReleased released;
    dev.pitstop.events.data.HoldEnded ended;

    /** True when any of the hold's events was seen. */
    boolean seen() {
      return held != null || released != null || ended != null;
    }

    /** When the hold began ({@code heldSince} of whichever event carries it), or null. */
    Instant heldSince() {
      if (held != null && held.heldSince() != null) {
        return held.heldSince();
      }
      if (released != null && released.heldSince() != null) {
        return released.heldSince();
      }
      return ended == null ? null : ended.heldSince();
    }

    /** When the hold was released or ended (the decision's time), or null while held. */
    Instant end() {
      if (released != null && released.decidedAt() != null) {
        return released.decidedAt();
      }
      return ended == null ? null : ended.decidedAt();
    }
  }

  /** True when the root is a PipelineRun (its UID is not one of a standalone TaskRun). */
  boolean rootIsPipelineRun() {
    if (pipelineRun != null) {
      return true;
    }
    return taskRuns.keySet().stream().noneMatch(k -> k.uid().equals(rootUid));
  }

  /** The standalone TaskRun that is the root, or null. */
  TaskAttempt rootTaskRun() {
    return taskRuns.get(new AttemptKey(rootUid, 0));
  }

  /**
   * The root run's reference as its own events carry it (the PipelineRun's, or the standalone
   * TaskRun's), or null when none of its own events was seen.
   */
  RunRef rootRef() {
    if (pipelineRun != null) {
      return pipelineRun;
    }
    TaskAttempt root = rootTaskRun();
    return root == null ? null : root.ref;
  }

  /** True when the root run's finish was seen. */
  boolean rootFinished() {
    if (pipelineRunFinished != null) {
      return true;
    }
    TaskAttempt root = rootTaskRun();
    return root != null && root.finished != null;
  }

  /**
   * The attempt, created on first sight; null when the run already has {@link #MAX_TASK_RUNS}
   * attempts.
   */
  TaskAttempt taskRun(RunRef ref) {
    AttemptKey key = new AttemptKey(ref.uid(), ref.retry());
    TaskAttempt t = taskRuns.get(key);
    if (t == null) {
      if (taskRuns.size() >= MAX_TASK_RUNS) {
        return null;
      }
      t = new TaskAttempt(ref);
      taskRuns.put(key, t);
    } else {
      t.ref = ref;
    }
    touched.add(key);
    return t;
  }

  /**
   * The attempt a Pod event names, created on first sight (with the Pod's reference); an attempt
   * already known keeps its reference, which came from the TaskRun's own events. Null when the run
   * already has {@link #MAX_TASK_RUNS} attempts.
   */
  TaskAttempt taskRunOfPod(RunRef ref) {
    AttemptKey key = new AttemptKey(ref.uid(), ref.retry());
    TaskAttempt t = taskRuns.get(key);
    if (t == null) {
      return taskRun(ref);
    }
    touched.add(key);
    return t;
  }

  /**
   * True when every TaskRun attempt seen has finished; an attempt followed by a later attempt of
   * the same TaskRun counts as finished (Tekton moves it to {@code retriesStatus} and never reports
   * its end as a finish).
   */
  boolean allTaskRunsFinished() {
    for (Map.Entry<AttemptKey, TaskAttempt> e : taskRuns.entrySet()) {
      if (e.getValue().finished == null
          && laterAttempt(e.getKey()) == null
          && !exportedBefore(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  private boolean exportedBefore(AttemptKey key) {
    return built.contains(runId(key, taskRuns.get(key)));
  }

  /** The next attempt of the same TaskRun, or null. */
  TaskAttempt laterAttempt(AttemptKey key) {
    return taskRuns.get(new AttemptKey(key.uid(), key.retry() + 1));
  }

  private static final java.util.Comparator<Map.Entry<AttemptKey, TaskAttempt>> ATTEMPT_ORDER =
      Map.Entry.comparingByKey(
          java.util.Comparator.comparing(AttemptKey::uid).thenComparingInt(AttemptKey::retry));

  /** The TaskRun attempts in a stable order: by UID, then retry. */
  List<Map.Entry<AttemptKey, TaskAttempt>> attempts() {
    List<Map.Entry<AttemptKey, TaskAttempt>> list = new ArrayList<>(taskRuns.entrySet());
    list.sort(ATTEMPT_ORDER);
    return list;
  }

  /**
   * The attempts a progress build has to look at, in the order of {@link #attempts()}, and forgets
   * which were touched: every attempt when {@link #walkAll}; else the attempts whose facts changed
   * since the last progress build, each with its previous attempt (its end is the retry's start,
   * {@code TraceBuilder}). The others can have nothing new to build: what makes a span buildable is
   * the facts of its own attempt, its retry's start, and the root's start ({@link #walkAll}).
   */
  List<Map.Entry<AttemptKey, TaskAttempt>> attemptsToBuild() {
    if (walkAll) {
      touched.clear();
      return attempts();
    }
    List<Map.Entry<AttemptKey, TaskAttempt>> list = new ArrayList<>(touched.size() * 2);
    for (AttemptKey k : touched) {
      addAttempt(list, k);
      if (k.retry() > 0) {
        AttemptKey previous = new AttemptKey(k.uid(), k.retry() - 1);
        if (!touched.contains(previous)) {
          addAttempt(list, previous);
        }
      }
    }
    touched.clear();
    if (list.size() > 1) {
      list.sort(ATTEMPT_ORDER);
    }
    return list;
  }

  private void addAttempt(List<Map.Entry<AttemptKey, TaskAttempt>> list, AttemptKey k) {
    TaskAttempt t = taskRuns.get(k);
    if (t != null) {
      list.add(Map.entry(k, t));
    }
  }

  /** Forgets the touched attempts (a build that walked none of them, or all). */
  void clearTouched() {
    touched.clear();
  }
}
