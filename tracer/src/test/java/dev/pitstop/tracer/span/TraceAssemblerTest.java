package dev.pitstop.tracer.span;

import static dev.pitstop.tracer.span.RunScenario.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TraceAssemblerTest {
  private static final String PR_UID = "6f1c1f4e-58f5-4c0b-9d7e-0c1a2b3c4d5e";
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(3);

  private final RunScenario run = new RunScenario(PR_UID, false);

  private static TraceAssembler assembler() {
    return new TraceAssembler(
        new TraceBuilder(
            Resource.empty(),
            new RunUrlTemplate("https://dash.example/#/namespaces/{namespace}/{kind}/{name}")),
        GRACE,
        100);
  }

  /**
   * Feeds events; returns every export along the way (progress and last), each confirmed as an
   * exporter that succeeded would.
   */
  private static List<FinishedTrace> feed(TraceAssembler a, List<PitstopEvent> events) {
    List<FinishedTrace> out = new ArrayList<>();
    for (PitstopEvent e : events) {
      for (FinishedTrace t : a.accept(e, NOW)) {
        a.confirm(t.rootUid(), t.spans());
        out.add(t);
      }
    }
    return out;
  }

  private static List<FinishedTrace> lastOnly(List<FinishedTrace> traces) {
    return traces.stream().filter(FinishedTrace::last).toList();
  }

  /** Feeds events, lets every grace period run out, and merges what was exported per trace. */
  private static FinishedTrace feedAndMerge(TraceAssembler a, List<PitstopEvent> events) {
    List<FinishedTrace> all = new ArrayList<>(feed(a, events));
    all.addAll(a.expire(NOW.plus(GRACE)));
    assertThat(all).isNotEmpty();
    assertThat(all).extracting(FinishedTrace::traceId).containsOnly(all.get(0).traceId());
    return merge(all);
  }

  /** The exports of one trace as one: the last export's spans (root first), then progress ones. */
  private static FinishedTrace merge(List<FinishedTrace> all) {
    List<SpanData> spans = new ArrayList<>();
    all.stream().filter(FinishedTrace::last).forEach(t -> spans.addAll(t.spans()));
    all.stream().filter(t -> !t.last()).forEach(t -> spans.addAll(t.spans()));
    FinishedTrace first = all.get(0);
    return new FinishedTrace(
        first.rootUid(),
        first.traceId(),
        first.run(),
        spans,
        all.stream().filter(FinishedTrace::last).allMatch(FinishedTrace::complete));
  }

  /** Exactly one last export among the traces (all of one trace); merged with the progress ones. */
  private static FinishedTrace only(List<FinishedTrace> traces) {
    assertThat(lastOnly(traces)).hasSize(1);
    assertThat(traces).extracting(FinishedTrace::traceId).containsOnly(traces.get(0).traceId());
    return merge(traces);
  }

  private static SpanData named(FinishedTrace trace, String name) {
    return trace.spans().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  private static <T> T attr(SpanData s, AttributeKey<T> key) {
    return s.getAttributes().get(key);
  }

  @Test
  void buildsPipelineRunOverTaskRunsOverStepsWithCicdAttributes() {
    FinishedTrace trace = only(feed(assembler(), run.events()));

    assertThat(trace.complete()).isTrue();
    assertThat(trace.run()).isEqualTo("ci/build-x7k2p");
    assertThat(trace.spans())
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("build", "fetch", "clone", "verify", "compile", "build", "test");
    SpanData root = trace.spans().get(0);
    assertThat(root.getName()).isEqualTo("build");
    assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(attr(root, AttributeKey.stringKey("cicd.pipeline.name"))).isEqualTo("build");
    assertThat(attr(root, AttributeKey.stringKey("cicd.pipeline.run.id"))).isEqualTo(PR_UID);
    assertThat(attr(root, AttributeKey.stringKey("cicd.pipeline.result"))).isEqualTo("success");
    assertThat(attr(root, AttributeKey.stringKey("cicd.pipeline.run.url.full")))
        .isEqualTo("https://dash.example/#/namespaces/ci/pipelineruns/build-x7k2p");
    assertThat(attr(root, AttributeKey.stringKey("k8s.namespace.name"))).isEqualTo("ci");
    assertThat(root.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(t(0)));
    // completionTime 20, covering its last step's rounded end 21
    assertThat(root.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(21)));

    SpanData fetch = named(trace, "fetch");
    assertThat(fetch.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(fetch.getParentSpanId()).isEqualTo(root.getSpanId());
    assertThat(attr(fetch, AttributeKey.stringKey("cicd.pipeline.task.name"))).isEqualTo("fetch");
    assertThat(attr(fetch, AttributeKey.stringKey("cicd.pipeline.task.run.id")))
        .isEqualTo(run.fetchUid);
    assertThat(attr(fetch, AttributeKey.stringKey("cicd.pipeline.task.run.result")))
        .isEqualTo("success");
    assertThat(attr(fetch, AttributeKey.stringKey("cicd.pipeline.task.type"))).isEqualTo("build");
    assertThat(attr(fetch, AttributeKey.stringKey("k8s.pod.name")))
        .isEqualTo("build-x7k2p-fetch-pod");

    SpanData clone = named(trace, "clone");
    assertThat(clone.getParentSpanId()).isEqualTo(fetch.getSpanId());
    assertThat(clone.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(t(2)));
    assertThat(clone.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(5)));
    assertThat(attr(clone, TektonAttributes.STEP_EXIT_CODE)).isEqualTo(0L);
    assertThat(attr(clone, TektonAttributes.STEP_TERMINATION_REASON)).isEqualTo("Completed");
    assertThat(attr(clone, AttributeKey.stringKey("k8s.container.name"))).isEqualTo("step-clone");

    SpanData compile = named(trace, "compile");
    SpanData test = named(trace, "test");
    assertThat(test.getParentSpanId()).isEqualTo(compile.getSpanId());
  }

  @Test
  void everySpanLiesInsideItsParentForAnyArrivalOrder() {
    Random random = new Random(20261121L);
    for (int i = 0; i < 200; i++) {
      List<PitstopEvent> events = new ArrayList<>(run.events());
      Collections.shuffle(events, random);
      FinishedTrace trace = feedAndMerge(assembler(), events);
      assertWellFormed(trace);
      assertThat(trace.spans()).hasSize(7);
    }
  }

  @Test
  void arrivalOrderDoesNotChangeIdsNamesOrParents() {
    FinishedTrace inOrder = only(feed(assembler(), run.events()));
    List<PitstopEvent> reversed = new ArrayList<>(run.events());
    Collections.reverse(reversed);
    FinishedTrace backwards = feedAndMerge(assembler(), reversed);

    assertThat(tree(backwards)).isEqualTo(tree(inOrder));
  }

  @Test
  void finishedPartsAreExportedWhileTheRunGoesOnAndTheRootLastWithItsRealStart() {
    TraceAssembler a = assembler();
    List<PitstopEvent> events = run.events();
    List<List<String>> exports = new ArrayList<>();
    for (PitstopEvent e : events) {
      for (FinishedTrace t : a.accept(e, NOW)) {
        a.confirm(t.rootUid(), t.spans());
        exports.add(t.spans().stream().map(SpanData::getName).toList());
        if (!t.last()) {
          assertThat(t.spans()).noneMatch(s -> s.getSpanId().equals(SpanIds.runSpanId(PR_UID, 0)));
        }
      }
    }
    // each step when it finishes, each TaskRun when it finishes, the root with nothing repeated
    assertThat(exports)
        .containsExactly(
            List.of("clone"),
            List.of("verify"),
            List.of("fetch"),
            List.of("build"),
            List.of("test"),
            List.of("compile"),
            List.of("build"));
  }

  @Test
  void aProgressExportThatWasNotConfirmedIsRepeatedInTheLastExport() {
    TraceAssembler a = assembler();
    List<FinishedTrace> all = new ArrayList<>();
    for (PitstopEvent e : run.events()) {
      all.addAll(a.accept(e, NOW)); // nothing confirmed: the exporter failed every time
    }
    FinishedTrace last = all.get(all.size() - 1);
    assertThat(last.last()).isTrue();
    assertThat(last.spans()).hasSize(7);
    assertWellFormed(last);
  }

  @Test
  void retriesAreLinkedAndSkippedTasksAreZeroLengthSkipSpans() {
    EventFactory f = new EventFactory("sandbox", "watcher");
    RunRef retry1 =
        new RunRef(
            RunRef.TASK_RUN,
            "ci",
            run.compile.name(),
            run.compileUid,
            "build-x7k2p",
            PR_UID,
            "build",
            "compile",
            "maven",
            1,
            Map.of(),
            Map.of());
    List<PitstopEvent> events = new ArrayList<>();
    for (PitstopEvent e : run.events()) {
      if (e.type() == EventType.PIPELINERUN_FINISHED) {
        RunFinished d = e.data(RunFinished.class);
        events.add(
            f.create(
                EventType.TASKRUN_STARTED, new RunStarted(retry1, t(21), "pod-retry1"), t(21)));
        events.add(
            f.create(
                EventType.TASKRUN_FINISHED,
                new RunFinished(retry1, "True", "Succeeded", "done", t(21), t(24), null),
                t(24)));
        events.add(
            f.create(
                EventType.PIPELINERUN_FINISHED,
                new RunFinished(
                    d.run(),
                    d.succeeded(),
                    d.reason(),
                    d.message(),
                    t(0),
                    t(25),
                    List.of(
                        new dev.pitstop.events.data.SkippedTask(
                            "deploy", "When Expressions evaluated to false"))),
                t(25)));
      } else if (!(e.type() == EventType.TASKRUN_FINISHED && e.subject().endsWith("compile"))) {
        events.add(e);
      }
    }
    FinishedTrace trace = only(feed(assembler(), events));

    SpanData second =
        trace.spans().stream()
            .filter(s -> s.getSpanId().equals(SpanIds.runSpanId(run.compileUid, 1)))
            .findFirst()
            .orElseThrow();
    assertThat(second.getLinks()).hasSize(1);
    assertThat(second.getLinks().get(0).getSpanContext().getSpanId())
        .isEqualTo(SpanIds.runSpanId(run.compileUid, 0));
    assertThat(second.getLinks().get(0).getSpanContext().getTraceId()).isEqualTo(trace.traceId());
    SpanData deploy = named(trace, "deploy");
    SpanData root = trace.spans().get(0);
    assertThat(deploy.getParentSpanId()).isEqualTo(root.getSpanId());
    assertThat(deploy.getStartEpochNanos()).isEqualTo(deploy.getEndEpochNanos());
    assertThat(deploy.getEndEpochNanos()).isEqualTo(root.getEndEpochNanos());
    assertThat(attr(deploy, AttributeKey.stringKey("cicd.pipeline.task.run.result")))
        .isEqualTo("skip");
    assertThat(attr(deploy, TektonAttributes.SKIP_REASON))
        .isEqualTo("When Expressions evaluated to false");
    assertThat(deploy.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertWellFormed(trace);
  }

  @Test
  void aRunWithTektonsSpanContextJoinsThatTrace() {
    String carrier =
        "{\"traceparent\":\"00-0f57e0d3c8a94b6c9a1e2d3c4b5a6978-73d5a1b2c3d4e5f6-01\"}";
    RunRef pr =
        new RunRef(
            RunRef.PIPELINE_RUN,
            "ci",
            "build-x7k2p",
            PR_UID,
            null,
            null,
            "build",
            null,
            null,
            0,
            Map.of(),
            Map.of(TraceParent.PIPELINERUN_ANNOTATION, carrier));
    EventFactory f = new EventFactory("sandbox", "watcher");
    List<PitstopEvent> events = new ArrayList<>();
    for (PitstopEvent e : run.events()) {
      if (e.type() == EventType.PIPELINERUN_STARTED) {
        events.add(f.create(EventType.PIPELINERUN_STARTED, new RunStarted(pr, t(0), null), t(0)));
      } else if (e.type() == EventType.PIPELINERUN_FINISHED) {
        RunFinished d = e.data(RunFinished.class);
        events.add(
            f.create(
                EventType.PIPELINERUN_FINISHED,
                new RunFinished(pr, d.succeeded(), d.reason(), d.message(), t(0), t(20), null),
                t(20)));
      } else {
        events.add(e);
      }
    }
    FinishedTrace trace = only(feed(assembler(), events));

    assertThat(trace.traceId()).isEqualTo("0f57e0d3c8a94b6c9a1e2d3c4b5a6978");
    assertThat(trace.spans())
        .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(trace.traceId()));
    SpanData root = trace.spans().get(0);
    assertThat(root.getParentSpanContext().isValid()).isTrue();
    assertThat(root.getParentSpanContext().isRemote()).isTrue();
    assertThat(root.getParentSpanId()).isEqualTo("73d5a1b2c3d4e5f6");
    assertThat(root.getSpanId()).isEqualTo(SpanIds.runSpanId(PR_UID, 0));
    // A malformed carrier is ignored: Pitstop's own trace id.
    RunRef bad =
        new RunRef(
            RunRef.PIPELINE_RUN,
            "ci",
            "x",
            PR_UID,
            null,
            null,
            null,
            null,
            null,
            0,
            Map.of(),
            Map.of(TraceParent.PIPELINERUN_ANNOTATION, "{\"traceparent\":\"00-zz\"}"));
    assertThat(TraceParent.of(bad)).isNull();
    assertThat(
            TraceParent.parse(
                "{\"traceparent\":\"00-" + "0".repeat(32) + "-73d5a1b2c3d4e5f6-01\"}"))
        .isNull();
  }

  @Test
  void eventsArrivingAfterTheExportAddOnlyTheMissingSpansToTheSameTrace() {
    TraceAssembler a = assembler();
    List<PitstopEvent> late = run.compileEvents();
    List<PitstopEvent> early = new ArrayList<>(run.events());
    early.removeAll(late);
    FinishedTrace first = only(feed(a, early));
    assertThat(first.spans()).extracting(SpanData::getName).doesNotContain("compile");

    assertThat(feed(a, late)).isEmpty();
    assertThat(a.expire(NOW.plus(GRACE).minusMillis(1))).isEmpty();
    FinishedTrace second = only(a.expire(NOW.plus(GRACE)));

    assertThat(second.traceId()).isEqualTo(first.traceId());
    assertThat(second.spans())
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("compile", "build", "test");
    assertThat(named(second, "compile").getParentSpanId())
        .isEqualTo(first.spans().get(0).getSpanId());
    List<SpanData> all = new ArrayList<>(first.spans());
    all.addAll(second.spans());
    assertWellFormed(new FinishedTrace(PR_UID, first.traceId(), first.run(), all, true));
    // A repeat of an exported fact adds nothing.
    assertThat(feed(a, List.of(late.get(0)))).isEmpty();
    assertThat(a.expire(NOW.plus(GRACE.multipliedBy(3))))
        .allSatisfy(t -> assertThat(t.spans()).isEmpty());
  }

  @Test
  void waitsForTaskRunsThatFinishAfterThePipelineRunArrives() {
    TraceAssembler a = assembler();
    List<PitstopEvent> events = new ArrayList<>(run.events());
    PitstopEvent compileFinished =
        events.stream()
            .filter(
                e ->
                    e.type() == EventType.TASKRUN_FINISHED
                        && e.subject().endsWith("build-x7k2p-compile"))
            .findFirst()
            .orElseThrow();
    events.remove(compileFinished);

    assertThat(lastOnly(feed(a, events))).isEmpty();
    FinishedTrace trace = only(a.accept(compileFinished, NOW));

    assertThat(trace.complete()).isTrue();
    assertThat(attr(named(trace, "compile"), TektonAttributes.INCOMPLETE)).isNull();
    assertThat(a.openRuns()).isZero();
  }

  @Test
  void clampsSecondRoundedTimesIntoTheParentAndKeepsTheRawOnes() {
    FinishedTrace trace = only(feed(assembler(), run.events()));

    SpanData compile = named(trace, "compile");
    SpanData test = named(trace, "test");
    // Raw [15, 21] in a TaskRun [8, 20]: the TaskRun (and the run) end covers it, the raw kept.
    assertThat(test.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(21)));
    assertThat(compile.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(21)));
    assertThat(attr(compile, TektonAttributes.RAW_END)).isEqualTo("2026-11-21T09:00:20Z");
    assertThat(trace.spans().get(0).getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(21)));
    assertThat(attr(test, TektonAttributes.RAW_END)).isNull();
    assertThat(attr(test, TektonAttributes.RAW_START)).isNull();
    assertWellFormed(trace);
    // A child touching its parent's end is inside and keeps its times.
    SpanData verify = named(trace, "verify");
    assertThat(verify.getEndEpochNanos()).isEqualTo(named(trace, "fetch").getEndEpochNanos());
    assertThat(attr(verify, TektonAttributes.RAW_END)).isNull();
  }

  @Test
  void clampsATaskRunThatStartsBeforeItsPipelineRun() {
    TraceAssembler a = assembler();
    List<PitstopEvent> events = new ArrayList<>();
    EventFactory f = new EventFactory("sandbox", "watcher");
    for (PitstopEvent e : run.events()) {
      if (e.type() == EventType.PIPELINERUN_STARTED) {
        // The PipelineRun's startTime a second after its first TaskRun's (rounding).
        events.add(
            f.create(
                EventType.PIPELINERUN_STARTED, new RunStarted(run.pipelineRun, t(2), null), t(2)));
      } else if (e.type() == EventType.PIPELINERUN_FINISHED) {
        RunFinished d = e.data(RunFinished.class);
        events.add(
            f.create(
                EventType.PIPELINERUN_FINISHED,
                new RunFinished(
                    d.run(), d.succeeded(), d.reason(), d.message(), t(2), t(20), List.of()),
                t(20)));
      } else {
        events.add(e);
      }
    }

    FinishedTrace trace = only(feed(a, events));

    SpanData fetch = named(trace, "fetch");
    assertThat(fetch.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(t(2)));
    assertThat(attr(fetch, TektonAttributes.RAW_START)).isEqualTo("2026-11-21T09:00:01Z");
    assertWellFormed(trace);
  }

  @Test
  void derivesTheSameIdsFromUidsOnEveryReplay() throws Exception {
    FinishedTrace first = only(feed(assembler(), run.events()));
    FinishedTrace second = only(feed(assembler(), run.events()));

    assertThat(summary(second)).isEqualTo(summary(first));
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(PR_UID.getBytes(StandardCharsets.UTF_8));
    String expectedTrace = HexFormat.of().formatHex(digest, 0, 16);
    assertThat(first.traceId()).isEqualTo(expectedTrace);
    assertThat(first.spans()).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(expectedTrace));
    assertThat(first.spans().get(0).getSpanId()).isEqualTo(HexFormat.of().formatHex(digest, 0, 8));
    assertThat(first.spans()).allSatisfy(s -> assertThat(s.getSpanContext().isValid()).isTrue());
    assertThat(first.spans().stream().map(SpanData::getSpanId).distinct())
        .hasSize(first.spans().size());
  }

  @Test
  void aFailedRunGetsErrorStatusTheErrorTypeAndTheFailureResult() {
    FinishedTrace trace = only(feed(assembler(), new RunScenario(PR_UID, true).events()));

    SpanData root = trace.spans().get(0);
    assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(root, AttributeKey.stringKey("error.type"))).isEqualTo("Failed");
    assertThat(attr(root, AttributeKey.stringKey("cicd.pipeline.result"))).isEqualTo("failure");
    SpanData compile = named(trace, "compile");
    assertThat(compile.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(compile.getStatus().getDescription()).isEqualTo("\"step-test\" exited with code 1");
    assertThat(attr(compile, AttributeKey.stringKey("cicd.pipeline.task.run.result")))
        .isEqualTo("failure");
    SpanData test = named(trace, "test");
    assertThat(test.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(test, AttributeKey.stringKey("error.type"))).isEqualTo("Error");
    assertThat(attr(test, TektonAttributes.STEP_EXIT_CODE)).isEqualTo(1L);
    assertThat(named(trace, "fetch").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void exportsWhatItHasOnceTheGracePeriodAfterTheRootsFinishRunsOut() {
    TraceAssembler a = assembler();
    List<PitstopEvent> events =
        run.events().stream()
            .filter(
                e ->
                    !(e.type() == EventType.TASKRUN_FINISHED
                        && e.subject().endsWith("build-x7k2p-compile")))
            .toList();
    List<FinishedTrace> progress = feed(a, events);
    assertThat(lastOnly(progress)).isEmpty();

    assertThat(a.expire(NOW.plus(GRACE).minusMillis(1))).isEmpty();
    List<FinishedTrace> all = new ArrayList<>(a.expire(NOW.plus(GRACE)));
    assertThat(all).hasSize(1);
    all.addAll(progress);
    FinishedTrace trace = only(all);

    assertThat(trace.complete()).isFalse();
    SpanData compile = named(trace, "compile");
    assertThat(attr(compile, TektonAttributes.INCOMPLETE)).isTrue();
    assertThat(compile.getEndEpochNanos()).isEqualTo(trace.spans().get(0).getEndEpochNanos());
    assertWellFormed(trace);
    assertThat(a.openRuns()).isZero();
  }

  @Test
  void aReplayOfAnExportedRunExportsNothingAgain() {
    TraceAssembler a = assembler();
    only(feed(a, run.events()));

    assertThat(feed(a, run.events())).isEmpty();
    assertThat(a.expire(NOW.plus(GRACE))).allSatisfy(t -> assertThat(t.spans()).isEmpty());
    assertThat(a.openRuns()).isZero();
  }

  @Test
  void aStandaloneTaskRunIsItsOwnRootSpan() {
    String uid = "0b6e4c1d-2222-4a6b-8c7d-9e0f1a2b3c4d";
    RunRef tr =
        new RunRef(
            RunRef.TASK_RUN,
            "ci",
            "lint-abcde",
            uid,
            null,
            null,
            null,
            null,
            "golangci",
            0,
            Map.of(),
            Map.of());
    StepRef lint = new StepRef("lint", 0, "step-lint", "lint-abcde-pod");
    EventFactory f = new EventFactory("sandbox", "watcher");
    List<PitstopEvent> events =
        List.of(
            f.create(EventType.TASKRUN_STARTED, new RunStarted(tr, t(0), "lint-abcde-pod"), t(0)),
            f.create(
                EventType.STEP_FINISHED,
                new StepFinished(tr, lint, 0, "Completed", t(1), t(4), null),
                t(4)),
            f.create(
                EventType.TASKRUN_FINISHED,
                new RunFinished(tr, "False", "TaskRunTimeout", "timed out", t(0), t(5), null),
                t(5)));

    FinishedTrace trace = only(feed(assembler(), events));

    assertThat(trace.spans()).hasSize(2);
    SpanData root = trace.spans().get(0);
    assertThat(root.getName()).isEqualTo("golangci");
    assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(root.getTraceId()).isEqualTo(SpanIds.traceId(uid));
    assertThat(attr(root, AttributeKey.stringKey("cicd.pipeline.result"))).isEqualTo("timeout");
    assertThat(attr(root, AttributeKey.stringKey("cicd.pipeline.run.url.full")))
        .isEqualTo("https://dash.example/#/namespaces/ci/taskruns/lint-abcde");
    assertThat(attr(root, AttributeKey.stringKey("error.type"))).isEqualTo("TaskRunTimeout");
    assertThat(trace.spans().get(1).getParentSpanId()).isEqualTo(root.getSpanId());
  }

  @Test
  void aBreakpointPauseIsAChildOfItsTaskRunFromPauseToRelease() {
    EventFactory engine = new EventFactory("sandbox", "breakpoint-engine");
    StepRef test = new StepRef("test", 1, "step-test", "build-x7k2p-compile-pod");
    List<PitstopEvent> events = new ArrayList<>(run.events());
    events.add(
        0,
        engine.create(
            EventType.BREAKPOINT_CONTINUED,
            new BreakpointContinued(
                run.compile,
                test,
                Mechanism.ON_FAILURE,
                Action.CONTINUE,
                Identity.of("alice@example.com"),
                "slack",
                t(17),
                t(19)),
            t(19)));
    events.add(
        engine.create(
            EventType.BREAKPOINT_PAUSED,
            new BreakpointPaused(
                run.compile, test, Mechanism.ON_FAILURE, t(17), t(17), List.of(), null, "sh"),
            t(17)));
    List<FinishedTrace> traces = feed(assembler(), events);
    FinishedTrace trace = only(traces);

    SpanData pause = named(trace, "breakpoint onFailure");
    assertThat(pause.getParentSpanId()).isEqualTo(named(trace, "compile").getSpanId());
    assertThat(pause.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(t(17)));
    assertThat(pause.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(19)));
    assertThat(attr(pause, TektonAttributes.BREAKPOINT_ACTION)).isEqualTo("continue");
    assertThat(attr(pause, TektonAttributes.BREAKPOINT_RELEASED_BY)).isEqualTo("alice@example.com");
    assertWellFormed(trace);
  }

  @Test
  void aRetriedTaskRunGetsOneSpanPerAttemptAndTheFirstEndsWhenTheRetryStarts() {
    EventFactory f = new EventFactory("sandbox", "watcher");
    RunRef retry1 =
        new RunRef(
            RunRef.TASK_RUN,
            "ci",
            run.compile.name(),
            run.compileUid,
            "build-x7k2p",
            PR_UID,
            "build",
            "compile",
            "maven",
            1,
            Map.of(),
            Map.of());
    List<PitstopEvent> events = new ArrayList<>();
    for (PitstopEvent e : run.events()) {
      if (e.type() == EventType.TASKRUN_FINISHED && e.subject().endsWith("compile")) {
        continue; // attempt 0 never finishes: Tekton moves it to retriesStatus
      }
      if (e.type() == EventType.STEP_FINISHED
          && e.data(StepFinished.class).run().uid().equals(run.compileUid)
          && e.data(StepFinished.class).step().index() == 1) {
        continue; // attempt 0's step test never finished
      }
      events.add(e);
    }
    events.add(
        f.create(EventType.TASKRUN_STARTED, new RunStarted(retry1, t(12), "pod-retry1"), t(12)));
    events.add(
        f.create(
            EventType.TASKRUN_FINISHED,
            new RunFinished(retry1, "True", "Succeeded", "done", t(12), t(20), null),
            t(20)));

    FinishedTrace trace = only(feed(assembler(), events));

    List<SpanData> attempts =
        trace.spans().stream()
            .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
            .filter(s -> s.getName().equals("compile"))
            .toList();
    assertThat(attempts).hasSize(2);
    SpanData first = attempts.get(0);
    SpanData second = attempts.get(1);
    assertThat(first.getSpanId()).isEqualTo(SpanIds.runSpanId(run.compileUid, 0));
    assertThat(second.getSpanId()).isEqualTo(SpanIds.runSpanId(run.compileUid, 1));
    // ends when the retry starts (12), covering its step build [9, 15]
    assertThat(first.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(15)));
    assertThat(attr(first, TektonAttributes.RAW_END)).isEqualTo("2026-11-21T09:00:12Z");
    assertThat(attr(first, TektonAttributes.REASON)).isEqualTo("ToBeRetried");
    assertThat(attr(second, TektonAttributes.TASKRUN_RETRY)).isEqualTo(1L);
    assertThat(second.getParentSpanId()).isEqualTo(trace.spans().get(0).getSpanId());
    assertWellFormed(trace);
  }

  @Test
  void dropsTheLeastRecentlyUpdatedRunWhenTooManyAreOpen() {
    TraceAssembler a = new TraceAssembler(new TraceBuilder(Resource.empty(), null), GRACE, 1);
    RunScenario other = new RunScenario("11111111-2222-3333-4444-555555555555", false);
    a.accept(run.events().get(0), NOW);
    a.accept(other.events().get(0), NOW.plusSeconds(1));

    assertThat(a.openRuns()).isEqualTo(1);
    assertThat(a.evicted()).isEqualTo(1);
    assertThat(lastOnly(feed(a, other.events().subList(1, other.events().size())))).hasSize(1);
    assertThat(a.drainEvicted()).containsExactly(PR_UID);
  }

  @Test
  void theTypesItSkipsUndecodedAreExactlyTheOnesItIgnores() {
    // The consumer skips types outside RELEVANT without decoding them: none may carry a fact.
    for (EventType type : EventType.values()) {
      TraceAssembler a = assembler();
      PitstopEvent e = dev.pitstop.events.SampleEvents.of(type);
      boolean used = !a.accept(e, NOW).isEmpty() || a.isOpen(e.partitionKey());
      assertThat(used)
          .as("%s collected or exported", type)
          .isEqualTo(TraceAssembler.RELEVANT.contains(type));
    }
  }

  /** Every span but the root has its parent in the trace and lies within it. */
  static void assertWellFormed(FinishedTrace trace) {
    Map<String, SpanData> byId =
        trace.spans().stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    assertThat(byId).hasSameSizeAs(trace.spans());
    long roots = trace.spans().stream().filter(s -> !s.getParentSpanContext().isValid()).count();
    assertThat(roots).isEqualTo(1);
    for (SpanData s : trace.spans()) {
      assertThat(s.getEndEpochNanos()).isGreaterThanOrEqualTo(s.getStartEpochNanos());
      if (s.getParentSpanContext().isValid()) {
        SpanData p = byId.get(s.getParentSpanId());
        assertThat(p).as("parent of %s", s.getName()).isNotNull();
        assertThat(s.getStartEpochNanos()).isGreaterThanOrEqualTo(p.getStartEpochNanos());
        assertThat(s.getEndEpochNanos()).isLessThanOrEqualTo(p.getEndEpochNanos());
      }
    }
  }

  private static Map<String, String> tree(FinishedTrace trace) {
    return trace.spans().stream()
        .collect(
            Collectors.toMap(
                SpanData::getSpanId, s -> s.getName() + " parent=" + s.getParentSpanId()));
  }

  private static Map<String, String> summary(FinishedTrace trace) {
    return trace.spans().stream()
        .collect(
            Collectors.toMap(
                SpanData::getSpanId,
                s ->
                    s.getName()
                        + " parent="
                        + s.getParentSpanId()
                        + " ["
                        + s.getStartEpochNanos()
                        + ","
                        + s.getEndEpochNanos()
                        + "] "
                        + s.getAttributes()));
  }
}
