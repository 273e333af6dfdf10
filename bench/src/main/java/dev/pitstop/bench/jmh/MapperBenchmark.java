package dev.pitstop.bench.jmh;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.watcher.mapping.Allowlist;
import dev.pitstop.watcher.mapping.ObservationMapper;
import dev.pitstop.watcher.mapping.RunRefs;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The watcher's object → observations mapper ({@link ObservationMapper}) on a child TaskRun with
 * four steps as Tekton writes it: first sight of a finished TaskRun (a relist: every observation),
 * an update (one step finished, the next started, the run finished), and a finished PipelineRun.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MapperBenchmark {
  ObservationMapper mapper;
  TaskRun running;
  TaskRun finished;
  PipelineRun pipelineRun;

  @Setup
  public void setup() {
    mapper =
        new ObservationMapper(
            new EventFactory("bench", "watcher"),
            new RunRefs(
                new Allowlist(List.of("app.kubernetes.io/", "tekton.dev/")),
                new Allowlist(List.of("pitstop.dev/"))));
    running = Fixtures.taskRun("release-x7k2p", "unit-tests", 4, 2);
    finished = Fixtures.taskRun("release-x7k2p", "unit-tests", 4, 4);
    pipelineRun = Fixtures.pipelineRun("release-x7k2p", 8, true);
  }

  /** A relist or first sight: all nine observations of a finished four-step TaskRun. */
  @Benchmark
  public List<PitstopEvent> taskRunFirstSight() {
    return mapper.taskRun(null, finished);
  }

  /** An informer update: steps 2 and 3 finished, step 3 started, the TaskRun finished. */
  @Benchmark
  public List<PitstopEvent> taskRunUpdate() {
    return mapper.taskRun(running, finished);
  }

  /** A finished PipelineRun (started, finished) of eight tasks, first sight. */
  @Benchmark
  public List<PitstopEvent> pipelineRunFirstSight() {
    return mapper.pipelineRun(null, pipelineRun);
  }
}
