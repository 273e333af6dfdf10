package dev.pitstop.bench.jmh;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tracer.span.FinishedTrace;
import dev.pitstop.tracer.span.TraceAssembler;
import dev.pitstop.tracer.span.TraceBuilder;
import dev.pitstop.watcher.mapping.Allowlist;
import dev.pitstop.watcher.mapping.ObservationMapper;
import dev.pitstop.watcher.mapping.RunRefs;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The tracer's pure span building ({@link TraceAssembler} over {@link TraceBuilder}): every
 * observation of a finished PipelineRun of {@code tasks} TaskRuns (four steps each), as the
 * watcher's mapper produces them, fed in order to a fresh assembler until the trace is exported.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpanBenchmark {
  @Param({"20"})
  public int tasks;

  List<PitstopEvent> events;
  TraceBuilder builder;
  Instant now = Fixtures.T0.plusSeconds(3600);

  @Setup
  public void setup() {
    ObservationMapper mapper =
        new ObservationMapper(
            new EventFactory("bench", "watcher"),
            new RunRefs(
                new Allowlist(List.of("app.kubernetes.io/", "tekton.dev/")),
                new Allowlist(List.of("pitstop.dev/"))));
    PipelineRun pr = Fixtures.pipelineRun("release-x7k2p", tasks, true);
    List<PitstopEvent> all = new ArrayList<>();
    List<PitstopEvent> prEvents = mapper.pipelineRun(null, pr);
    all.add(prEvents.get(0)); // started
    for (int i = 0; i < tasks; i++) {
      all.addAll(mapper.taskRun(null, Fixtures.taskRun("release-x7k2p", Fixtures.task(i), 4, 4)));
    }
    all.addAll(prEvents.subList(1, prEvents.size())); // finished
    events = List.copyOf(all);
    builder = new TraceBuilder(Resource.getDefault(), null);
  }

  /** The spans of the whole run (progress exports and the last one). */
  @Benchmark
  public List<FinishedTrace> buildRunTrace() {
    TraceAssembler assembler = new TraceAssembler(builder, Duration.ZERO, 16);
    List<FinishedTrace> out = new ArrayList<>();
    for (PitstopEvent e : events) {
      out.addAll(assembler.accept(e, now));
    }
    return out;
  }
}
