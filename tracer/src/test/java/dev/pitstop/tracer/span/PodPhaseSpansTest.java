package dev.pitstop.tracer.span;

import static dev.pitstop.tracer.span.RunScenario.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.PodContainer;
import dev.pitstop.events.data.PodInitialized;
import dev.pitstop.events.data.PodReady;
import dev.pitstop.events.data.PodScheduled;
import dev.pitstop.events.data.RunRef;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pod phase spans (scheduling, init containers, starting) under the TaskRun attempt's span. */
class PodPhaseSpansTest {
  private static final String PR_UID = "6f1c1f4e-58f5-4c0b-9d7e-0c1a2b3c4d5e";
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final String POD = "build-x7k2p-compile-pod";

  private final RunScenario run = new RunScenario(PR_UID, false);
  private final EventFactory watcher = new EventFactory("sandbox", "watcher");

  private static TraceAssembler assembler() {
    return new TraceAssembler(new TraceBuilder(Resource.empty(), null), GRACE, 100);
  }

  private static Instant ms(long millis) {
    return RunScenario.T0.plusMillis(millis);
  }

  /**
   * The compile Pod: created 7.5 s (before its TaskRun's start at 8 s: another clock), scheduled
   * 8.2, prepare 8.2-8.5, place-scripts 8.5-8.9, initialized 8.9, containers ready 9.0.
   */
  private List<PitstopEvent> podEvents(RunRef ref) {
    return List.of(
        watcher.create(
            EventType.POD_SCHEDULED,
            new PodScheduled(ref, POD, ms(7_500), ms(8_200), "node-1"),
            ms(8_200)),
        watcher.create(
            EventType.POD_INITIALIZED,
            new PodInitialized(
                ref,
                POD,
                ms(8_900),
                List.of(
                    new PodContainer("prepare", ms(8_200), ms(8_500), 0, "Completed"),
                    new PodContainer("place-scripts", ms(8_500), ms(8_900), 0, "Completed"))),
            ms(8_900)),
        watcher.create(
            EventType.POD_READY,
            new PodReady(
                ref, POD, ms(8_900), t(9), List.of("sidecar-db"), List.of("ContainerCreating")),
            t(9)));
  }

  /** The run's events with the compile Pod's right after the compile TaskRun started. */
  private List<PitstopEvent> events(RunRef podRef) {
    List<PitstopEvent> out = new ArrayList<>();
    for (PitstopEvent e : run.events()) {
      out.add(e);
      if (e.type() == EventType.TASKRUN_STARTED && e.data().run().uid().equals(run.compileUid)) {
        out.addAll(podEvents(podRef));
      }
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
  void podPhasesAreChildrenOfTheTaskRunSpanWithKubernetesTimesAndDerivedIds() {
    FinishedTrace trace = merged(feed(assembler(), events(run.compile)));

    SpanData compile = named(trace, "compile");
    assertThat(trace.spans())
        .filteredOn(s -> s.getParentSpanId().equals(compile.getSpanId()))
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "pod scheduling",
            "init prepare",
            "init place-scripts",
            "pod starting",
            "build",
            "test");
    SpanData scheduling = named(trace, "pod scheduling");
    // created 7.5 s, before the TaskRun's start at 8 s: clamped, the raw time kept
    assertThat(scheduling.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(t(8)));
    assertThat(scheduling.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(ms(8_200)));
    assertThat(scheduling.getAttributes().get(TektonAttributes.RAW_START))
        .isEqualTo(ms(7_500).toString());
    assertThat(scheduling.getAttributes().get(TektonAttributes.NODE_NAME)).isEqualTo("node-1");
    assertThat(scheduling.getAttributes().get(AttributeKey.stringKey("k8s.pod.name")))
        .isEqualTo(POD);
    assertThat(scheduling.getSpanId())
        .isEqualTo(SpanIds.podPhaseSpanId(run.compileUid, 0, "scheduling"));

    SpanData prepare = named(trace, "init prepare");
    assertThat(prepare.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(ms(8_200)));
    assertThat(prepare.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(ms(8_500)));
    assertThat(prepare.getAttributes().get(AttributeKey.stringKey("k8s.container.name")))
        .isEqualTo("prepare");
    assertThat(prepare.getSpanId()).isEqualTo(SpanIds.podPhaseSpanId(run.compileUid, 0, "init/0"));
    SpanData place = named(trace, "init place-scripts");
    assertThat(place.getStartEpochNanos()).isEqualTo(prepare.getEndEpochNanos());
    assertThat(place.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(ms(8_900)));

    SpanData starting = named(trace, "pod starting");
    assertThat(starting.getStartEpochNanos()).isEqualTo(TraceBuilder.nanos(ms(8_900)));
    assertThat(starting.getEndEpochNanos()).isEqualTo(TraceBuilder.nanos(t(9)));
    assertThat(starting.getAttributes().get(TektonAttributes.POD_WAITING_REASONS))
        .containsExactly("ContainerCreating");
    assertThat(starting.getAttributes().get(TektonAttributes.POD_SIDECARS))
        .containsExactly("sidecar-db");
    TraceAssemblerTest.assertWellFormed(trace);
  }

  @Test
  void podPhasesAreExportedBeforeTheTaskRunEnds() {
    TraceAssembler a = assembler();
    List<String> beforeCompileEnded = new ArrayList<>();
    for (PitstopEvent e : events(run.compile)) {
      if (e.type() == EventType.TASKRUN_FINISHED && e.data().run().uid().equals(run.compileUid)) {
        break;
      }
      for (FinishedTrace t : a.accept(e, NOW)) {
        a.confirm(t.rootUid(), t.spans());
        t.spans().forEach(s -> beforeCompileEnded.add(s.getName()));
      }
    }
    assertThat(beforeCompileEnded)
        .contains("pod scheduling", "init prepare", "init place-scripts", "pod starting")
        .doesNotContain("compile");
  }

  @Test
  void anyArrivalOrderGivesTheSameWellFormedTree() {
    FinishedTrace inOrder = merged(feed(assembler(), events(run.compile)));
    Random random = new Random(5L);
    for (int i = 0; i < 100; i++) {
      List<PitstopEvent> shuffled = new ArrayList<>(events(run.compile));
      Collections.shuffle(shuffled, random);
      FinishedTrace trace = merged(feed(assembler(), shuffled));
      TraceAssemblerTest.assertWellFormed(trace);
      assertThat(trace.spans())
          .extracting(SpanData::getSpanId)
          .containsExactlyInAnyOrderElementsOf(
              inOrder.spans().stream().map(SpanData::getSpanId).toList());
    }
  }

  @Test
  void aPodsPoorerReferenceDoesNotReplaceTheTaskRunsOwn() {
    RunRef fromLabels =
        new RunRef(
            RunRef.TASK_RUN,
            "ci",
            run.compile.name(),
            run.compileUid,
            "build-x7k2p",
            PR_UID,
            null,
            null,
            null,
            0,
            Map.of(),
            Map.of());
    FinishedTrace trace = merged(feed(assembler(), events(fromLabels)));
    SpanData compile = named(trace, "compile");
    assertThat(compile.getAttributes().get(AttributeKey.stringKey("cicd.pipeline.task.type")))
        .isEqualTo("build");
    assertThat(named(trace, "init prepare").getParentSpanId()).isEqualTo(compile.getSpanId());
  }
}
