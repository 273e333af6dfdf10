package dev.pitstop.bench.jmh;

import dev.pitstop.engine.admission.AdmissionDecider;
import dev.pitstop.engine.admission.AdmissionDecision;
import dev.pitstop.engine.admission.AdmissionInput;
import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineTask;
import dev.pitstop.tekton.model.Step;
import dev.pitstop.tekton.model.TaskRun;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The engine's pure decisions on a large Pipeline: the admission webhook's decision ({@link
 * AdmissionDecider}: parse the PipelineRun's annotation, build the DAG of {@code tasks}
 * pipelineTasks, decide holds and step breakpoints) for a TaskRun that is held (a direct dependent
 * of an {@code afterTasks} task) and for one that is not; and the breakpoint book's pause then
 * continue ({@link BreakpointBook}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecisionBenchmark {
  @Param({"200"})
  public int tasks;

  AdmissionInput held;
  AdmissionInput plain;
  EventFactory watcher;
  EventFactory api;
  PitstopEvent reached;
  PitstopEvent command;

  @Setup
  public void setup() {
    PipelineRun pr = Fixtures.pipelineRun("release-x7k2p", tasks, false);
    Map<String, List<String>> steps = new HashMap<>();
    for (PipelineTask t : pr.getSpec().pipelineSpec.tasks) {
      List<String> names = new ArrayList<>();
      for (Step s : t.taskSpec.steps) {
        names.add(s.name);
      }
      steps.put(t.name, names);
    }
    // The direct dependent of the afterTasks task (the middle one) is held.
    TaskRun dependent = Fixtures.taskRun("release-x7k2p", Fixtures.task(tasks / 2 + 1), 3, 0);
    dependent.setStatus(null);
    TaskRun other = Fixtures.taskRun("release-x7k2p", Fixtures.task(3), 3, 0);
    other.setStatus(null);
    held =
        new AdmissionInput(
            dependent, pr, pr.getSpec().pipelineSpec, steps::get, t -> Map.of(), true);
    plain =
        new AdmissionInput(other, pr, pr.getSpec().pipelineSpec, steps::get, t -> Map.of(), true);

    watcher = new EventFactory("bench", "watcher");
    api = new EventFactory("bench", "breakpoint-engine-api");
    RunRef run =
        new RunRef(
            RunRef.TASK_RUN,
            Fixtures.NS,
            "release-x7k2p-t101",
            Fixtures.uid("release-x7k2p-t101"),
            "release-x7k2p",
            Fixtures.uid("release-x7k2p"),
            "release",
            "t101",
            "maven",
            0,
            Map.of("tekton.dev/pipeline", "release", "app.kubernetes.io/part-of", "shop"),
            Map.of());
    StepRef step = new StepRef("s1", 1, "step-s1", "release-x7k2p-t101-pod");
    reached =
        watcher.create(
            EventType.STEP_BREAKPOINT_REACHED,
            new BreakpointReached(
                run,
                step,
                Mechanism.ON_FAILURE,
                Fixtures.T0,
                List.of("[ERROR] Tests run: 12, Failures: 1"),
                Fixtures.T0.plusSeconds(3600)),
            Fixtures.T0);
    Command c =
        new Command(
            run,
            "s1",
            dev.pitstop.events.data.Action.CONTINUE,
            Identity.of("alice"),
            "api",
            Fixtures.T0.plusSeconds(60),
            "c0ffee00-0000-4000-8000-000000000001");
    command = api.create(EventType.COMMAND_CONTINUE, c, c.requestedAt());
  }

  /** A TaskRun held because it depends directly on the afterTasks task. */
  @Benchmark
  public AdmissionDecision admitHeldTaskRun() {
    return AdmissionDecider.decide(held);
  }

  /** A TaskRun of the same PipelineRun with no breakpoint of its own (onFailure only). */
  @Benchmark
  public AdmissionDecision admitPlainTaskRun() {
    return AdmissionDecider.decide(plain);
  }

  /** A step reaches its breakpoint (paused), then a continue releases it (an exec). */
  @Benchmark
  public List<Action> pauseThenContinue() {
    BreakpointBook book =
        new BreakpointBook(
            watcher, Clock.fixed(Fixtures.T0.plusSeconds(61), ZoneOffset.UTC), 16, 16);
    List<Action> out = new ArrayList<>(book.onEvent(reached));
    out.addAll(book.onEvent(command));
    return out;
  }
}
