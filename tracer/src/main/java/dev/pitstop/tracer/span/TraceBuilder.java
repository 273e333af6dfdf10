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
 * <p>Not built yet (issue #5): Pod phase spans, hold spans, links between retry attempts, joining
 * Tekton's own trace ({@code tekton.dev/pipelinerunSpanContext}).
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

  private record Interval(Instant start, Instant end) {}

  /**
   * The spans of a root run, root first. For events that arrived after the root's trace was
   * exported ({@code facts.exported} set), only the spans not exported yet, placed within the
   * exported parents.
   */
  List<SpanData> build(RootRunFacts facts) {
    String traceId = SpanIds.traceId(facts.rootUid);
    List<SpanData> out = new ArrayList<>();
    ExportedSpans prior = facts.exported;
    if (facts.rootIsPipelineRun()) {
      if (facts.pipelineRun == null && facts.taskRuns.isEmpty()) {
        return out;
      }
      String rootId = SpanIds.runSpanId(facts.rootUid, 0);
      Interval root =
          prior != null && prior.contains(rootId)
              ? new Interval(prior.start(rootId), prior.end(rootId))
              : pipelineRunSpan(facts, traceId, out);
      SpanContext rootCtx = context(traceId, rootId);
      RunRef pr = pipelineRunRef(facts);
      for (var e : facts.attempts()) {
        taskRunSpan(facts, e.getKey(), e.getValue(), traceId, pr, root, rootCtx, out);
      }
    } else {
      AttemptKey key = new AttemptKey(facts.rootUid, 0);
      taskRunSpan(facts, key, facts.rootTaskRun(), traceId, null, null, null, out);
    }
    return out;
  }

  private Interval pipelineRunSpan(RootRunFacts facts, String traceId, List<SpanData> out) {
    RunRef ref = pipelineRunRef(facts);
    RunFinished fin = facts.pipelineRunFinished;
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
    Instant rawStart =
        first(
            facts.pipelineRunStarted == null ? null : facts.pipelineRunStarted.startTime(),
            fin == null ? null : fin.startTime(),
            childStart,
            fin == null ? null : fin.completionTime(),
            childEnd,
            Instant.EPOCH);
    Instant rawEnd = first(fin == null ? null : fin.completionTime(), childEnd, rawStart);

    AttributesBuilder a = Attributes.builder();
    Interval placed = clamp(rawStart, rawEnd, new Interval(rawStart, Instant.MAX), a);
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
            context(traceId, SpanIds.runSpanId(facts.rootUid, 0)),
            SpanContext.getInvalid(),
            status,
            placed,
            a));
    return placed;
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

  /**
   * One TaskRun attempt with its steps and pauses. {@code parent} null: the TaskRun is the root.
   */
  private void taskRunSpan(
      RootRunFacts facts,
      AttemptKey key,
      TaskAttempt t,
      String traceId,
      RunRef pipelineRun,
      Interval parent,
      SpanContext parentCtx,
      List<SpanData> out) {
    boolean root = parent == null;
    RunRef ref = t.ref;
    TaskAttempt next = facts.laterAttempt(key);
    Instant nextStart = next == null ? null : rawStartIfKnown(next);
    Instant rawStart =
        first(
            rawStartIfKnown(t),
            t.finished == null ? null : t.finished.completionTime(),
            parent == null ? null : parent.start(),
            Instant.EPOCH);
    Instant rawEnd =
        first(
            t.finished == null ? null : t.finished.completionTime(),
            nextStart,
            parent == null ? null : parent.end(),
            rawStart);

    SpanContext ctx = context(traceId, SpanIds.runSpanId(ref.uid(), key.retry()));
    ExportedSpans prior = facts.exported;
    if (prior != null && prior.contains(ctx.getSpanId())) {
      Interval exported = new Interval(prior.start(ctx.getSpanId()), prior.end(ctx.getSpanId()));
      childSpans(t, key, traceId, ctx, exported, prior, out);
      return;
    }
    AttributesBuilder a = Attributes.builder();
    Interval placed =
        clamp(rawStart, rawEnd, root ? new Interval(rawStart, Instant.MAX) : parent, a);
    a.put(K8S_NAMESPACE_NAME, ref.namespace());
    String taskName = first(ref.pipelineTask(), ref.task(), ref.name());
    a.put(CICD_PIPELINE_TASK_NAME, taskName);
    a.put(CICD_PIPELINE_TASK_RUN_ID, ref.uid());
    a.put(TektonAttributes.TASKRUN_NAME, ref.name());
    if (ref.task() != null) {
      a.put(TektonAttributes.TASK_NAME, ref.task());
    }
    if (key.retry() > 0) {
      a.put(TektonAttributes.TASKRUN_RETRY, (long) key.retry());
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
    } else if (nextStart != null) {
      a.put(TektonAttributes.REASON, "ToBeRetried");
    } else {
      a.put(TektonAttributes.INCOMPLETE, true);
    }
    out.add(
        span(
            root ? first(ref.task(), ref.name()) : taskName,
            root ? SpanKind.SERVER : SpanKind.INTERNAL,
            ctx,
            root ? SpanContext.getInvalid() : parentCtx,
            status,
            placed,
            a));
    childSpans(t, key, traceId, ctx, placed, prior, out);
  }

  /** The steps and pauses of a TaskRun attempt, except those exported before. */
  private void childSpans(
      TaskAttempt t,
      AttemptKey key,
      String traceId,
      SpanContext ctx,
      Interval placed,
      ExportedSpans prior,
      List<SpanData> out) {
    for (StepFacts s : t.steps.values()) {
      if (prior == null
          || !prior.contains(SpanIds.stepSpanId(key.uid(), key.retry(), s.ref.index()))) {
        stepSpan(s, key, traceId, ctx, placed, out);
      }
    }
    for (PauseFacts p : t.pauses.values()) {
      String id = SpanIds.pauseSpanId(key.uid(), key.retry(), p.mechanism.json(), p.step.index());
      if (prior == null || !prior.contains(id)) {
        pauseSpan(p, key, traceId, ctx, placed, out);
      }
    }
  }

  private void stepSpan(
      StepFacts s,
      AttemptKey key,
      String traceId,
      SpanContext parentCtx,
      Interval parent,
      List<SpanData> out) {
    Instant rawStart =
        first(
            s.finished == null ? null : s.finished.startedAt(),
            s.started == null ? null : s.started.startedAt(),
            s.finished == null ? null : s.finished.finishedAt(),
            parent.start());
    Instant rawEnd = first(s.finished == null ? null : s.finished.finishedAt(), parent.end());
    AttributesBuilder a = Attributes.builder();
    Interval placed = clamp(rawStart, rawEnd, parent, a);
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
            context(traceId, SpanIds.stepSpanId(key.uid(), key.retry(), s.ref.index())),
            parentCtx,
            status,
            placed,
            a));
  }

  private void pauseSpan(
      PauseFacts p,
      AttemptKey key,
      String traceId,
      SpanContext parentCtx,
      Interval parent,
      List<SpanData> out) {
    Instant rawStart = first(p.pausedAt(), parent.start());
    Instant rawEnd =
        first(
            p.continued == null ? null : p.continued.decidedAt(),
            p.ended == null ? null : p.ended.decidedAt(),
            parent.end());
    AttributesBuilder a = Attributes.builder();
    Interval placed = clamp(rawStart, rawEnd, parent, a);
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
            context(
                traceId,
                SpanIds.pauseSpanId(key.uid(), key.retry(), p.mechanism.json(), p.step.index())),
            parentCtx,
            StatusData.unset(),
            placed,
            a));
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
   * Places [rawStart, rawEnd] inside parent; records the raw times that moved as {@code
   * pitstop.raw.*}.
   */
  private static Interval clamp(
      Instant rawStart, Instant rawEnd, Interval parent, AttributesBuilder a) {
    Instant s = rawStart;
    if (s.isBefore(parent.start())) {
      s = parent.start();
    }
    if (s.isAfter(parent.end())) {
      s = parent.end();
    }
    Instant e = rawEnd;
    if (e.isAfter(parent.end())) {
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
      AttributesBuilder a) {
    return new RunSpanData(
        name,
        kind,
        ctx,
        parent,
        status,
        nanos(at.start()),
        nanos(at.end()),
        a.build(),
        resource,
        SCOPE);
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
