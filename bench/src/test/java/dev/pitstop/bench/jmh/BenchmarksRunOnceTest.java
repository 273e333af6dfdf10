package dev.pitstop.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.tracer.span.FinishedTrace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each benchmark method once, directly (not through JMH), with its setup: a benchmark that throws
 * or measures nothing (an empty result) fails the build.
 */
class BenchmarksRunOnceTest {

  @Test
  void mapperProducesTheObservationsOfATaskRunAndAPipelineRun() {
    MapperBenchmark b = new MapperBenchmark();
    b.setup();
    List<PitstopEvent> first = b.taskRunFirstSight();
    // started, 4 x (step started, step finished), finished
    assertThat(first).extracting(PitstopEvent::type).startsWith(EventType.TASKRUN_STARTED);
    assertThat(first).extracting(PitstopEvent::type).endsWith(EventType.TASKRUN_FINISHED);
    assertThat(first.stream().filter(e -> e.type() == EventType.STEP_FINISHED)).hasSize(4);
    List<PitstopEvent> update = b.taskRunUpdate();
    assertThat(update)
        .extracting(PitstopEvent::type)
        .containsExactly(
            EventType.STEP_FINISHED,
            EventType.STEP_STARTED,
            EventType.STEP_FINISHED,
            EventType.TASKRUN_FINISHED);
    assertThat(b.pipelineRunFirstSight())
        .extracting(PitstopEvent::type)
        .containsExactly(EventType.PIPELINERUN_STARTED, EventType.PIPELINERUN_FINISHED);
  }

  @Test
  void decisionsHoldTheDependentOfTheAfterTasksTaskOnA200TaskDagAndReleaseAPause() {
    DecisionBenchmark b = new DecisionBenchmark();
    b.tasks = 200;
    b.setup();
    assertThat(b.admitHeldTaskRun().heldBy()).contains("afterTasks:" + Fixtures.task(100));
    assertThat(b.admitHeldTaskRun().patch()).isNotEmpty();
    assertThat(b.admitPlainTaskRun().heldBy()).isNull();
    assertThat(b.admitPlainTaskRun().patch()).isNotEmpty(); // onFailure: enabled
    List<Action> actions = b.pauseThenContinue();
    assertThat(actions)
        .anySatisfy(
            a ->
                assertThat(a)
                    .isInstanceOfSatisfying(
                        Action.Publish.class,
                        p -> assertThat(p.event().type()).isEqualTo(EventType.BREAKPOINT_PAUSED)));
    assertThat(actions).anySatisfy(a -> assertThat(a).isInstanceOf(Action.Exec.class));
  }

  @Test
  void serdeRoundTripsTheSampleEvents() throws Exception {
    for (String type : List.of("STEP_FINISHED", "BREAKPOINT_PAUSED")) {
      SerdeBenchmark b = new SerdeBenchmark();
      b.type = type;
      b.setup();
      assertThat(b.encodeStructured()).contains(EventType.valueOf(type).type());
      assertThat(b.decodeStructured()).isEqualTo(b.event);
      assertThat(b.encodeRecord().value()).isNotEmpty();
      assertThat(b.decodeRecord()).isEqualTo(b.event);
      assertThat(EventCodec.toStructuredJson(b.decodeRecord())).isEqualTo(b.json);
    }
  }

  @Test
  void spanBuildingExportsTheWholeTraceOfTheRun() {
    SpanBenchmark b = new SpanBenchmark();
    b.tasks = 20;
    b.setup();
    List<FinishedTrace> traces = b.buildRunTrace();
    assertThat(traces).isNotEmpty();
    assertThat(traces.get(traces.size() - 1).last()).isTrue();
    long spans = traces.stream().mapToLong(t -> t.spans().size()).sum();
    // the root, 20 TaskRuns, 4 steps each
    assertThat(spans).isGreaterThanOrEqualTo(1 + 20 + 20 * 4);
  }
}
