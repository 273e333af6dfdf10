package dev.pitstop.tracer.span;

import static io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CICD_PIPELINE_NAME;
import static io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CICD_PIPELINE_RESULT;
import static io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CICD_PIPELINE_RUN_ID;
import static io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CICD_PIPELINE_RUN_URL_FULL;
import static io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CICD_PIPELINE_TASK_NAME;
import static io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CICD_PIPELINE_TASK_RUN_ID;
import static io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CICD_PIPELINE_TASK_RUN_RESULT;
import static io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CICD_PIPELINE_TASK_TYPE;
import static io.opentelemetry.semconv.incubating.K8sIncubatingAttributes.K8S_CONTAINER_NAME;
import static io.opentelemetry.semconv.incubating.K8sIncubatingAttributes.K8S_NAMESPACE_NAME;
import static io.opentelemetry.semconv.incubating.K8sIncubatingAttributes.K8S_POD_NAME;

import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.SkippedTask;
import dev.pitstop.tracer.span.ExportedSpans.Interval;
import dev.pitstop.tracer.span.RootRunFacts.AttemptKey;
import dev.pitstop.tracer.span.RootRunFacts.PauseFacts;
import dev.pitstop.tracer.span.RootRunFacts.StepFacts;
import dev.pitstop.tracer.span.RootRunFacts.TaskAttempt;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.semconv.ErrorAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the facts of one root run into finished spans. Pure.
 *
 * <p>The tree: the root run span (kind SERVER: a PipelineRun, or a standalone TaskRun) &gt; one
 * span per TaskRun attempt (INTERNAL) &gt; one span per step and per breakpoint pause (INTERNAL).
 * Names are low-cardinality: the root is named by its Pipeline (or Task) and falls back to the
 * run's name; a TaskRun by its PipelineTask (or Task, or run name); a step by the step name; a
 * pause {@code breakpoint onFailure} / {@code breakpoint beforeSteps}.
 *
 * <p>Times are the cluster's, from the events: runs from {@code startTime} to {@code
 * completionTime}; a step from {@code terminated.startedAt} (the real command start) to {@code
 * finishedAt}; a pause from its marker line's time to the release (or end) decision. A child whose
 * second-rounded times fall outside its parent is clamped into it, and its raw times are kept as
 * {@code pitstop.raw.start} / {@code pitstop.raw.end}. A span whose end was never seen ends with
 * its parent and carries {@code pitstop.incomplete=true}. Ids come from {@link SpanIds}.
 *
 * <p>A retried TaskRun's attempts are sibling spans; attempt n links to attempt n-1 ({@code
 * pitstop.link.type=previous_attempt}). PipelineTasks in {@code status.skippedTasks} are
 * zero-length spans at the run's end with result {@code skip}. When the root run carries a W3C span
 * context ({@link TraceParent}), the trace is Tekton's and the root span its child.
 *
 * <p>Not built yet (issue #5): Pod phase spans (scheduling, init containers, image pulls) and
 * sidecars: the events carry no Pod facts yet.
 */
public final class TraceBuilder {
  /** The instrumentation scope of every span. */
  public static final InstrumentationScopeInfo SCOPE =
      InstrumentationScopeInfo.create("dev.pitstop.tracer");

  /** Longest string value taken from an event (reasons, messages, user names), in characters. */
  private static final int MAX_DESCRIPTION = 256;

  private static final Set<String> TASK_TYPES = Set.of("build", "test", "deploy");

  private final Resource resource;
  private final RunUrlTemplate runUrl;

  /**
   * @param resource the resource of every span ({@code service.name=pitstop-tracer}, ...)
   * @param runUrl fills {@code cicd.pipeline.run.url.full} of the root span; null for none
   */
  public TraceBuilder(Resource resource, RunUrlTemplate runUrl) {
    this.resource = Objects.requireNonNull(resource);
    this.runUrl = runUrl;
  }

  /**
   * The spans of a root run that can be built now and were not built before; each is recorded in
   * {@code facts.built} (its placement is then fixed) and {@code facts.unconfirmed}.
   *
   * <p>{@code last=false} (progress, the run goes on): only spans whose end is known and whose
   * parent's start is known: a TaskRun attempt once it finished (or its retry started), with its
   * steps and pauses; a step once it finished, a pause once released or ended. Never the root span.
   *
   * <p>{@code last=true}: every span not built yet, the root first; spans whose end was never seen
   * end with their parent and carry {@code pitstop.incomplete=true}.
   *
   * <p>Placement: a child's start is clamped to its parent's start; a parent's end covers the ends
   * of its children (the raw end is then kept as {@code pitstop.raw.end}), so the result does not
   * depend on which spans were exported early. Only a child built after its parent is clamped to
   * the parent's end.
   */
  List<SpanData> build(RootRunFacts facts, boolean last) {
    List<SpanData> out = new ArrayList<>();
    if (facts.rootIsPipelineRun()) {
      if (facts.pipelineRun == null && facts.taskRuns.isEmpty()) {
        facts.walkAll = true;
        facts.clearTouched();
        return out;
      }
      String rootId = facts.spanId(SpanIds.runKey(facts.rootUid, 0));
      Interval root = facts.built.get(rootId);
      Instant rootStart = root != null ? root.start() : rootStart(facts, last);
      if (rootStart == null) {
        // progress needs the root's start; once known, the next progress build walks every attempt
        facts.walkAll = true;
        facts.clearTouched();
        return out;
      }
      String traceId = traceId(facts);
      SpanContext rootCtx = context(traceId, rootId);
      RunRef pr = pipelineRunRef(facts);
      if (root == null && last) {
        Instant end = null;
        for (var e : facts.attempts()) {
          end = max(end, attemptEnd(facts, e.getKey(), e.getValue(), rootStart));
        }
        root = pipelineRunSpan(facts, traceId, rootStart, end, out);
      }
      // Progress: only the attempts this event can have made buildable (RootRunFacts#touched).
      var attempts = last ? facts.attempts() : facts.attemptsToBuild();
      for (var e : attempts) {
        taskRunSpan(
            facts, e.getKey(), e.getValue(), traceId, pr, rootStart, root, rootCtx, last, out);
      }
      if (!last) {
        facts.walkAll = false;
      }
      if (last) {
        skippedSpans(facts, traceId, pr, root, rootCtx, out);
      }
    } else {
      facts.walkAll = true; // not walked as a PipelineRun's attempts
      facts.clearTouched();
      AttemptKey key = new AttemptKey(facts.rootUid, 0);
      taskRunSpan(
          facts, key, facts.rootTaskRun(), traceId(facts), null, null, null, null, last, out);
    }
    for (SpanData s : out) {
      facts.built.put(
          s.getSpanId(),
          new Interval(instant(s.getStartEpochNanos()), instant(s.getEndEpochNanos())));
      facts.unconfirmed.put(s.getSpanId(), s);
    }
    return out;
  }

  /**
   * The trace id: fixed by the first span built; else the root run's W3C {@code traceparent} (a
   * joined Tekton trace, {@link TraceParent}); else {@link SpanIds#traceId}.
   */
  static String traceId(RootRunFacts facts) {
    if (facts.built.traceId() != null) {
      return facts.built.traceId();
    }
    TraceParent joined = TraceParent.of(facts.rootRef());
    if (joined != null) {
      facts.built.fixTrace(joined.traceId(), joined.spanId());
    } else {
      facts.built.fixTrace(SpanIds.traceId(facts.rootUid), null);
    }
    return facts.built.traceId();
  }

  private static SpanContext rootParent(RootRunFacts facts) {
    String parent = facts.built.parentSpanId();
    return parent == null
        ? SpanContext.getInvalid()
        : SpanContext.createFromRemoteParent(
            facts.built.traceId(), parent, TraceFlags.getSampled(), TraceState.getDefault());
  }

  /** The PipelineRun's start; in progress only from its own events. */
  private static Instant rootStart(RootRunFacts facts, boolean last) {
    RunFinished fin = facts.pipelineRunFinished;
    Instant own =
        first(
            facts.pipelineRunStarted == null ? null : facts.pipelineRunStarted.startTime(),
            fin == null ? null : fin.startTime());
    if (own != null || !last) {
      return own;
    }
    Instant childStart =
        facts.taskRuns.values().stream()
            .map(TraceBuilder::rawStartIfKnown)
            .filter(Objects::nonNull)
            .min(Instant::compareTo)
            .orElse(null);
    Instant childEnd =
        facts.taskRuns.values().stream()
            .map(t -> t.finished == null ? null : t.finished.completionTime())
            .filter(Objects::nonNull)
            .max(Instant::compareTo)
            .orElse(null);
    return first(childStart, fin == null ? null : fin.completionTime(), childEnd, Instant.EPOCH);
  }

  private Interval pipelineRunSpan(
      RootRunFacts facts, String traceId, Instant start, Instant childrenEnd, List<SpanData> out) {
    RunRef ref = pipelineRunRef(facts);
    RunFinished fin = facts.pipelineRunFinished;
    AttributesBuilder a = Attributes.builder();
    Instant rawEnd = fin == null ? null : fin.completionTime();
    Instant end = max(max(rawEnd, childrenEnd), start);
    if (rawEnd != null && !end.equals(rawEnd)) {
      a.put(TektonAttributes.RAW_END, rawEnd.toString());
    }
    Interval placed = new Interval(start, end);
    a.put(K8S_NAMESPACE_NAME, ref.namespace());
    a.put(CICD_PIPELINE_NAME, first(ref.pipeline(), ref.name()));
    a.put(CICD_PIPELINE_RUN_ID, facts.rootUid);
    a.put(TektonAttributes.PIPELINERUN_NAME, ref.name());
    if (runUrl != null) {
      a.put(CICD_PIPELINE_RUN_URL_FULL, runUrl.expand(ref));
    }
    StatusData status = StatusData.unset();
    if (fin != null) {
      String result = TektonResults.of(fin);
      a.put(CICD_PIPELINE_RESULT, result);
      status = result(fin, result, a);
      List<String> skipped = fin.skippedTasks().stream().map(SkippedTask::name).toList();
      if (!skipped.isEmpty()) {
        a.put(TektonAttributes.SKIPPED_TASKS, skipped);
      }
    } else {
      a.put(TektonAttributes.INCOMPLETE, true);
    }
    out.add(
        span(
            first(ref.pipeline(), ref.name()),
            SpanKind.SERVER,
            context(traceId, facts.spanId(SpanIds.runKey(facts.rootUid, 0))),
            rootParent(facts),
            status,
            placed,
            a,
            List.of()));
    return placed;
  }

  /**
   * A PipelineTask the PipelineRun skipped: a zero-length span at the run's end (Tekton does not
   * record when it decided to skip), result {@code skip}.
   */
  private void skippedSpans(
      RootRunFacts facts,
      String traceId,
      RunRef pr,
      Interval root,
      SpanContext rootCtx,
      List<SpanData> out) {
    if (facts.pipelineRunFinished == null || root == null) {
      return;
    }
    int n = 0;
    for (SkippedTask sk : facts.pipelineRunFinished.skippedTasks()) {
      if (sk.name() == null || n++ >= RootRunFacts.MAX_TASK_RUNS) {
        continue;
      }
      String id = SpanIds.skippedSpanId(facts.rootUid, sk.name());
      if (facts.built.contains(id)) {
        continue;
      }
      AttributesBuilder a = Attributes.builder();
      String name = truncate(sk.name());
      a.put(K8S_NAMESPACE_NAME, pr.namespace());
      a.put(CICD_PIPELINE_NAME, first(pr.pipeline(), pr.name()));
      a.put(CICD_PIPELINE_RUN_ID, facts.rootUid);
      a.put(CICD_PIPELINE_TASK_NAME, name);
      a.put(CICD_PIPELINE_TASK_RUN_RESULT, TektonResults.SKIP);
      if (sk.reason() != null) {
        a.put(TektonAttributes.SKIP_REASON, truncate(sk.reason()));
      }
      out.add(
          span(
              name,
              SpanKind.INTERNAL,
              context(traceId, id),
              rootCtx,
              StatusData.unset(),
              new Interval(root.end(), root.end()),
              a,
              List.of()));
    }
  }

  private static RunRef pipelineRunRef(RootRunFacts facts) {
    if (facts.pipelineRun != null) {
      return facts.pipelineRun;
    }
    // Only TaskRuns were seen: what they say of their PipelineRun.
    RunRef child = facts.taskRuns.values().iterator().next().ref;
    return new RunRef(
        RunRef.PIPELINE_RUN,
        child.namespace(),
        first(child.pipelineRun(), facts.rootUid),
        facts.rootUid,
        null,
        null,
        child.pipeline(),
        null,
        null,
        0,
        Map.of(),
        Map.of());
  }

  /** The attempt's own end: its completion, else its retry's start; null when neither is known. */
  private static Instant ownEnd(RootRunFacts facts, AttemptKey key, TaskAttempt t) {
    if (t.finished != null && t.finished.completionTime() != null) {
      return t.finished.completionTime();
    }
    TaskAttempt next = facts.laterAttempt(key);
    return next == null ? null : rawStartIfKnown(next);
  }

  /** The attempt's start: its own, else its first step's, else its completion; null if unknown. */
  private static Instant attemptRawStart(TaskAttempt t) {
    return first(rawStartIfKnown(t), t.finished == null ? null : t.finished.completionTime());
  }

  /**
   * The end an attempt gets when built now, before clamping into a closed parent: its own end
   * covering its children's; null when nothing of its end is known. {@code parentStart} null: the
   * attempt is the root.
   */
  private static Instant attemptEnd(
      RootRunFacts facts, AttemptKey key, TaskAttempt t, Instant parentStart) {
    String id = facts.runId(key, t);
    Interval built = facts.built.get(id);
    if (built != null) {
      return built.end();
    }
    Instant start = attemptStart(t, parentStart);
    Instant end = ownEnd(facts, key, t);
    for (StepFacts s : t.steps.values()) {
      Interval b = facts.built.get(facts.stepId(key, s));
      if (b != null) {
        end = max(end, b.end());
      } else if (s.finished != null && s.finished.finishedAt() != null) {
        end = max(end, max(s.finished.finishedAt(), max(stepRawStart(s, start), start)));
      }
    }
    for (PodPhase ph : podPhases(t)) {
      Interval b =
          facts.built.get(facts.spanId(SpanIds.podPhaseKey(key.uid(), key.retry(), ph.key())));
      end = max(end, b != null ? b.end() : max(ph.end(), max(max(ph.start(), start), start)));
    }
    for (PauseFacts p : t.pauses.values()) {
      Interval b = facts.built.get(facts.pauseId(key, p));
      Instant pend = pauseRawEnd(p);
      if (b != null) {
        end = max(end, b.end());
      } else if (pend != null) {
        end = max(end, max(pend, max(first(p.pausedAt(), start), start)));
      }
    }
    Interval hb = facts.built.get(facts.holdId(key, t));
    if (hb != null) {
      end = max(end, hb.end());
    } else if (t.hold.end() != null) {
      end = max(end, max(t.hold.end(), start));
    }
    return end == null ? null : max(end, start);
  }

  /**
   * The attempt's start: its own (see {@link #attemptRawStart}), extended back to the start of its
   * hold (a held TaskRun gets its {@code startTime} only once released), clamped to its parent's.
   */
  private static Instant attemptStart(TaskAttempt t, Instant parentStart) {
    Instant raw = first(attemptRawStart(t), t.hold.heldSince(), parentStart, Instant.EPOCH);
    Instant heldSince = t.hold.heldSince();
    if (heldSince != null) {
      raw = min(raw, heldSince);
    }
    return parentStart == null ? raw : max(raw, parentStart);
  }

  /**
   * One TaskRun attempt with its steps and pauses, as far as they can be built now. {@code
   * parentStart} null: the TaskRun is the root. {@code parent} null: the parent is not built yet
   * (progress).
   */
  private void taskRunSpan(
      RootRunFacts facts,
      AttemptKey key,
      TaskAttempt t,
      String traceId,
      RunRef pipelineRun,
      Instant parentStart,
      Interval parent,
      SpanContext parentCtx,
      boolean last,
      List<SpanData> out) {
    if (t == null) {
      return;
    }
    boolean root = parentStart == null;
    RunRef ref = t.ref;
    SpanContext ctx = context(traceId, facts.runId(key, t));
    Interval built = facts.built.get(ctx.getSpanId());
    if (built != null) {
      childSpans(facts, t, key, traceId, ctx, built.start(), built, last, out);
      return;
    }
    Instant ownEnd = ownEnd(facts, key, t);
    boolean startKnown =
        t.started != null && t.started.startTime() != null
            || t.finished != null && t.finished.startTime() != null;
    if (!last && (root || ownEnd == null)) {
      // Not over yet (or the root): only its finished children, once its start is known.
      if (startKnown) {
        childSpans(facts, t, key, traceId, ctx, attemptStart(t, parentStart), null, false, out);
      }
      return;
    }
    AttributesBuilder a = Attributes.builder();
    Instant rawStart = first(attemptRawStart(t), parentStart, Instant.EPOCH);
    Instant start = attemptStart(t, parentStart);
    Instant end = attemptEnd(facts, key, t, parentStart);
    if (end == null) {
      end = parent != null ? parent.end() : start; // never seen to end: ends with its parent
    }
    if (parent != null) {
      start = min(start, parent.end());
      end = min(max(end, start), parent.end());
    }
    if (!start.equals(rawStart)) {
      a.put(TektonAttributes.RAW_START, rawStart.toString());
    }
    if (ownEnd != null && !end.equals(ownEnd)) {
      a.put(TektonAttributes.RAW_END, ownEnd.toString());
    }
    Interval placed = new Interval(start, end);
    a.put(K8S_NAMESPACE_NAME, ref.namespace());
    String taskName = first(ref.pipelineTask(), ref.task(), ref.name());
    a.put(CICD_PIPELINE_TASK_NAME, taskName);
    a.put(CICD_PIPELINE_TASK_RUN_ID, ref.uid());
    a.put(TektonAttributes.TASKRUN_NAME, ref.name());
    if (ref.task() != null) {
      a.put(TektonAttributes.TASK_NAME, ref.task());
    }
    List<LinkData> links = List.of();
    if (key.retry() > 0) {
      a.put(TektonAttributes.TASKRUN_RETRY, (long) key.retry());
      // The previous attempt, whose failure caused this one.
      links =
          List.of(
              LinkData.create(
                  context(traceId, facts.spanId(SpanIds.runKey(ref.uid(), key.retry() - 1))),
                  Attributes.of(TektonAttributes.LINK_TYPE, "previous_attempt")));
    }
    String type = taskType(ref);
    if (type != null) {
      a.put(CICD_PIPELINE_TASK_TYPE, type);
    }
    String pod = podName(t);
    if (pod != null) {
      a.put(K8S_POD_NAME, pod);
    }
    if (root) {
      a.put(CICD_PIPELINE_NAME, first(ref.task(), ref.name()));
      a.put(CICD_PIPELINE_RUN_ID, ref.uid());
      if (runUrl != null) {
        a.put(CICD_PIPELINE_RUN_URL_FULL, runUrl.expand(ref));
      }
    } else if (pipelineRun != null) {
      a.put(CICD_PIPELINE_NAME, first(pipelineRun.pipeline(), pipelineRun.name()));
      a.put(CICD_PIPELINE_RUN_ID, pipelineRun.uid());
    }
    StatusData status = StatusData.unset();
    if (t.finished != null) {
      String result = TektonResults.of(t.finished);
      a.put(CICD_PIPELINE_TASK_RUN_RESULT, result);
      if (root) {
        a.put(CICD_PIPELINE_RESULT, result);
      }
      status = result(t.finished, result, a);
    } else if (ownEnd != null) {
      a.put(TektonAttributes.REASON, "ToBeRetried");
    } else {
      a.put(TektonAttributes.INCOMPLETE, true);
    }
    out.add(
        span(
            root ? first(ref.task(), ref.name()) : taskName,
            root ? SpanKind.SERVER : SpanKind.INTERNAL,
            ctx,
            root ? rootParent(facts) : parentCtx,
            status,
            placed,
            a,
            links));
    childSpans(facts, t, key, traceId, ctx, placed.start(), placed, true, out);
  }

  /**
   * The steps and pauses of a TaskRun attempt not built yet. {@code parent} null: the attempt is
   * not built, so only finished children are built (not clamped to its end, which will cover them);
   * else every child, clamped into it, and when {@code last} also the unfinished ones.
   */
  private void childSpans(
      RootRunFacts facts,
      TaskAttempt t,
      AttemptKey key,
      String traceId,
      SpanContext ctx,
      Instant parentStart,
      Interval parent,
      boolean all,
      List<SpanData> out) {
    for (PodPhase ph : podPhases(t)) {
      String id = facts.spanId(SpanIds.podPhaseKey(key.uid(), key.retry(), ph.key()));
      if (!facts.built.contains(id)) {
        podPhaseSpan(ph, id, traceId, ctx, parentStart, parent, out);
      }
    }
    for (StepFacts s : t.steps.values()) {
      boolean done = s.finished != null && s.finished.finishedAt() != null;
      if (done || all) {
        String id = facts.stepId(key, s);
        if (!facts.built.contains(id)) {
          stepSpan(s, id, traceId, ctx, parentStart, parent, out);
        }
      }
    }
    for (PauseFacts p : t.pauses.values()) {
      boolean done = pauseRawEnd(p) != null && p.pausedAt() != null;
      if (done || all) {
        String id = facts.pauseId(key, p);
        if (!facts.built.contains(id)) {
          pauseSpan(p, id, traceId, ctx, parentStart, parent, out);
        }
      }
    }
    if (t.hold.seen()) {
      boolean done = t.hold.end() != null && t.hold.heldSince() != null;
      if (done || all) {
        String id = facts.holdId(key, t);
        if (!facts.built.contains(id)) {
          holdSpan(t.hold, id, traceId, ctx, parentStart, parent, out);
        }
      }
    }
  }

  /**
   * The hold of a TaskRun before it started: {@code hold <breakpoint>} from {@code heldSince} to
   * the release or end decision, child of the TaskRun's span (which is extended back to cover it).
   */
  private void holdSpan(
      RootRunFacts.HoldFacts h,
      String spanId,
      String traceId,
      SpanContext parentCtx,
      Instant parentStart,
      Interval parent,
      List<SpanData> out) {
    Instant rawStart = first(h.heldSince(), parentStart);
    Instant rawEnd = first(h.end(), parent == null ? null : parent.end(), rawStart);
    AttributesBuilder a = Attributes.builder();
    Interval placed = clamp(rawStart, rawEnd, parentStart, parent, a);
    String breakpoint =
        h.held == null || h.held.breakpoint() == null ? "unknown" : truncate(h.held.breakpoint());
    a.put(TektonAttributes.HOLD_BREAKPOINT, breakpoint);
    if (h.held != null && h.held.cause() != null) {
      a.put(TektonAttributes.HOLD_CAUSE, truncate(h.held.cause()));
    }
    if (h.released != null) {
      if (h.released.action() != null) {
        a.put(TektonAttributes.BREAKPOINT_ACTION, h.released.action().json());
      }
      if (h.released.by() != null && h.released.by().username() != null) {
        a.put(TektonAttributes.BREAKPOINT_RELEASED_BY, truncate(h.released.by().username()));
      }
      if (h.released.via() != null) {
        a.put(TektonAttributes.BREAKPOINT_VIA, truncate(h.released.via()));
      }
    } else if (h.ended != null) {
      if (h.ended.reason() != null) {
        a.put(TektonAttributes.BREAKPOINT_END_REASON, truncate(h.ended.reason()));
      }
    } else {
      a.put(TektonAttributes.INCOMPLETE, true);
    }
    out.add(
        span(
            "hold " + breakpoint,
            SpanKind.INTERNAL,
            context(traceId, spanId),
            parentCtx,
            StatusData.unset(),
            placed,
            a,
            List.of()));
  }

  /**
   * A phase of a TaskRun's Pod, with both Kubernetes times known.
   *
   * @param key the span id key: {@code scheduling}, {@code init/<i>}, {@code starting}
   * @param attributes a fresh builder of the span's attributes on each call: made only when the
   *     span is built (every event's progress build lists the phases of the attempts it touched,
   *     and building their attributes each time was 5 % of the tracer's CPU in {@code pitstop
   *     bench} part 2, JFR)
   */
  record PodPhase(
      String key,
      String name,
      Instant start,
      Instant end,
      java.util.function.Supplier<AttributesBuilder> attributes) {}

  /**
   * The Pod phases of an attempt whose both ends are known: {@code pod scheduling} (creation →
   * {@code PodScheduled}), {@code init <container>} per init container ({@code
   * terminated.startedAt} → {@code finishedAt}), {@code pod starting} ({@code Initialized} → {@code
   * ContainersReady} and Tekton's {@code tekton.dev/ready}: image pulls, container creation,
   * sidecars' readiness).
   */
  static List<PodPhase> podPhases(TaskAttempt t) {
    List<PodPhase> out = new java.util.ArrayList<>();
    var sched = t.podScheduled;
    if (sched != null && sched.createdAt() != null && sched.scheduledAt() != null) {
      java.util.function.Supplier<AttributesBuilder> a =
          () -> {
            AttributesBuilder b = podAttributes(sched.pod(), "scheduling");
            if (sched.node() != null) {
              b.put(TektonAttributes.NODE_NAME, sched.node());
            }
            return b;
          };
      // A creationTimestamp after the scheduling time is clock skew between the API server and the
      // scheduler (or rounding): the span then starts at the scheduling time rather than inverting.
      Instant created =
          sched.createdAt().isAfter(sched.scheduledAt()) ? sched.scheduledAt() : sched.createdAt();
      out.add(new PodPhase("scheduling", "pod scheduling", created, sched.scheduledAt(), a));
    }
    var init = t.podInitialized;
    if (init != null) {
      List<dev.pitstop.events.data.PodContainer> cs = init.initContainers();
      for (int i = 0; i < cs.size() && i < RootRunFacts.MAX_STEPS; i++) {
        var c = cs.get(i);
        if (c.name() == null || c.startedAt() == null || c.finishedAt() == null) {
          continue;
        }
        java.util.function.Supplier<AttributesBuilder> a =
            () -> {
              AttributesBuilder b = podAttributes(init.pod(), "init");
              b.put(K8S_CONTAINER_NAME, c.name());
              b.put(TektonAttributes.CONTAINER_EXIT_CODE, (long) c.exitCode());
              if (c.reason() != null) {
                b.put(TektonAttributes.CONTAINER_REASON, truncate(c.reason()));
              }
              return b;
            };
        out.add(
            new PodPhase(
                "init/" + i, "init " + truncate(c.name()), c.startedAt(), c.finishedAt(), a));
      }
    }
    var ready = t.podReady;
    Instant from =
        first(
            ready == null ? null : ready.initializedAt(),
            init == null ? null : init.initializedAt());
    if (ready != null && from != null && ready.readyAt() != null) {
      java.util.function.Supplier<AttributesBuilder> a =
          () -> {
            AttributesBuilder b = podAttributes(ready.pod(), "starting");
            if (!ready.waitingReasons().isEmpty()) {
              b.put(TektonAttributes.POD_WAITING_REASONS, ready.waitingReasons());
            }
            if (!ready.sidecars().isEmpty()) {
              b.put(TektonAttributes.POD_SIDECARS, ready.sidecars());
            }
            return b;
          };
      out.add(new PodPhase("starting", "pod starting", from, ready.readyAt(), a));
    }
    return out;
  }

  private static AttributesBuilder podAttributes(String pod, String phase) {
    AttributesBuilder a = Attributes.builder();
    a.put(TektonAttributes.POD_PHASE, phase);
    if (pod != null) {
      a.put(K8S_POD_NAME, pod);
    }
    return a;
  }

  private void podPhaseSpan(
      PodPhase ph,
      String spanId,
      String traceId,
      SpanContext parentCtx,
      Instant parentStart,
      Interval parent,
      List<SpanData> out) {
    AttributesBuilder a = ph.attributes().get();
    Interval placed = clamp(ph.start(), max(ph.end(), ph.start()), parentStart, parent, a);
    out.add(
        span(
            ph.name(),
            SpanKind.INTERNAL,
            context(traceId, spanId),
            parentCtx,
            StatusData.unset(),
            placed,
            a,
            List.of()));
  }

  private static Instant stepRawStart(StepFacts s, Instant parentStart) {
    return first(
        s.finished == null ? null : s.finished.startedAt(),
        s.started == null ? null : s.started.startedAt(),
        s.finished == null ? null : s.finished.finishedAt(),
        parentStart);
  }

  private static Instant pauseRawEnd(PauseFacts p) {
    return first(
        p.continued == null ? null : p.continued.decidedAt(),
        p.ended == null ? null : p.ended.decidedAt());
  }

  private void stepSpan(
      StepFacts s,
      String spanId,
      String traceId,
      SpanContext parentCtx,
      Instant parentStart,
      Interval parent,
      List<SpanData> out) {
    Instant rawStart = stepRawStart(s, parentStart);
    Instant rawEnd =
        first(
            s.finished == null ? null : s.finished.finishedAt(),
            parent == null ? null : parent.end(),
            rawStart);
    AttributesBuilder a = Attributes.builder();
    Interval placed = clamp(rawStart, rawEnd, parentStart, parent, a);
    a.put(TektonAttributes.STEP_NAME, s.ref.name());
    a.put(TektonAttributes.STEP_INDEX, (long) s.ref.index());
    if (s.ref.pod() != null) {
      a.put(K8S_POD_NAME, s.ref.pod());
    }
    if (s.ref.container() != null) {
      a.put(K8S_CONTAINER_NAME, s.ref.container());
    }
    StatusData status = StatusData.unset();
    if (s.finished != null) {
      a.put(TektonAttributes.STEP_EXIT_CODE, (long) s.finished.exitCode());
      String reason =
          s.finished.terminationReason() == null ? null : truncate(s.finished.terminationReason());
      if (reason != null) {
        a.put(TektonAttributes.STEP_TERMINATION_REASON, reason);
      }
      if (s.finished.exitCode() != 0) {
        String errorType = first(reason, "Error");
        a.put(ErrorAttributes.ERROR_TYPE, errorType);
        status =
            StatusData.create(
                StatusCode.ERROR,
                truncate(first(s.finished.message(), "exit code " + s.finished.exitCode())));
      }
    } else {
      a.put(TektonAttributes.INCOMPLETE, true);
    }
    out.add(
        span(
            s.ref.name(),
            SpanKind.INTERNAL,
            context(traceId, spanId),
            parentCtx,
            status,
            placed,
            a,
            List.of()));
  }

  private void pauseSpan(
      PauseFacts p,
      String spanId,
      String traceId,
      SpanContext parentCtx,
      Instant parentStart,
      Interval parent,
      List<SpanData> out) {
    Instant rawStart = first(p.pausedAt(), parentStart);
    Instant rawEnd = first(pauseRawEnd(p), parent == null ? null : parent.end(), rawStart);
    AttributesBuilder a = Attributes.builder();
    Interval placed = clamp(rawStart, rawEnd, parentStart, parent, a);
    a.put(TektonAttributes.BREAKPOINT_MECHANISM, p.mechanism.json());
    a.put(TektonAttributes.STEP_NAME, p.step.name());
    a.put(TektonAttributes.STEP_INDEX, (long) p.step.index());
    if (p.continued != null) {
      a.put(TektonAttributes.BREAKPOINT_ACTION, p.continued.action().json());
      if (p.continued.by() != null && p.continued.by().username() != null) {
        a.put(TektonAttributes.BREAKPOINT_RELEASED_BY, truncate(p.continued.by().username()));
      }
      if (p.continued.via() != null) {
        a.put(TektonAttributes.BREAKPOINT_VIA, truncate(p.continued.via()));
      }
    } else if (p.ended != null) {
      if (p.ended.reason() != null) {
        a.put(TektonAttributes.BREAKPOINT_END_REASON, truncate(p.ended.reason()));
      }
    } else {
      a.put(TektonAttributes.INCOMPLETE, true);
    }
    out.add(
        span(
            "breakpoint " + p.mechanism.json(),
            SpanKind.INTERNAL,
            context(traceId, spanId),
            parentCtx,
            StatusData.unset(),
            placed,
            a,
            List.of()));
  }

  /** ERROR with {@code error.type} = the reason when the result is not success or skip. */
  private static StatusData result(RunFinished fin, String result, AttributesBuilder a) {
    String reason = fin.reason() == null ? null : truncate(fin.reason());
    if (reason != null) {
      a.put(TektonAttributes.REASON, reason);
    }
    if (!TektonResults.isError(result)) {
      return StatusData.unset();
    }
    a.put(ErrorAttributes.ERROR_TYPE, first(reason, "Failed"));
    return StatusData.create(StatusCode.ERROR, truncate(first(fin.message(), "")));
  }

  /**
   * Places [rawStart, rawEnd] at or after {@code parentStart} and, when the parent is built ({@code
   * parent} not null), inside it; records the raw times that moved as {@code pitstop.raw.*}.
   */
  private static Interval clamp(
      Instant rawStart, Instant rawEnd, Instant parentStart, Interval parent, AttributesBuilder a) {
    Instant s = max(rawStart, parentStart);
    if (parent != null && s.isAfter(parent.end())) {
      s = parent.end();
    }
    Instant e = rawEnd;
    if (parent != null && e.isAfter(parent.end())) {
      e = parent.end();
    }
    if (e.isBefore(s)) {
      e = s;
    }
    if (!s.equals(rawStart)) {
      a.put(TektonAttributes.RAW_START, rawStart.toString());
    }
    if (!e.equals(rawEnd)) {
      a.put(TektonAttributes.RAW_END, rawEnd.toString());
    }
    return new Interval(s, e);
  }

  private static Instant rawStartIfKnown(TaskAttempt t) {
    if (t.started != null && t.started.startTime() != null) {
      return t.started.startTime();
    }
    if (t.finished != null && t.finished.startTime() != null) {
      return t.finished.startTime();
    }
    return t.steps.values().stream()
        .flatMap(
            s ->
                Stream.of(
                    s.finished == null ? null : s.finished.startedAt(),
                    s.started == null ? null : s.started.startedAt()))
        .filter(Objects::nonNull)
        .min(Instant::compareTo)
        .orElse(null);
  }

  private static String podName(TaskAttempt t) {
    if (t.started != null && t.started.podName() != null) {
      return t.started.podName();
    }
    return t.steps.values().stream()
        .map(s -> s.ref.pod())
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  private static String taskType(RunRef ref) {
    String v =
        first(
            ref.labels().get(TektonAttributes.TASK_TYPE_LABEL),
            ref.annotations().get(TektonAttributes.TASK_TYPE_LABEL));
    return v != null && TASK_TYPES.contains(v) ? v : null;
  }

  private SpanData span(
      String name,
      SpanKind kind,
      SpanContext ctx,
      SpanContext parent,
      StatusData status,
      Interval at,
      AttributesBuilder a,
      List<LinkData> links) {
    return new RunSpanData(
        name,
        kind,
        ctx,
        parent,
        status,
        nanos(at.start()),
        nanos(at.end()),
        a.build(),
        links,
        resource,
        SCOPE);
  }

  private static Instant max(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos);
  }

  private static SpanContext context(String traceId, String spanId) {
    return SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
  }

  static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  private static String truncate(String s) {
    return s.length() <= MAX_DESCRIPTION ? s : s.substring(0, MAX_DESCRIPTION - 1) + "…";
  }

  @SafeVarargs
  private static <T> T first(T... candidates) {
    for (T c : candidates) {
      if (c != null) {
        return c;
      }
    }
    return null;
  }
}
