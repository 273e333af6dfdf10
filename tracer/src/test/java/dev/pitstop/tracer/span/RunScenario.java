package dev.pitstop.tracer.span;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.events.data.StepStarted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The watcher's events for a PipelineRun {@code build-x7k2p} (Pipeline {@code build}) in {@code ci}
 * with two tasks, as a real cluster reports them: whole seconds, steps of {@code compile} ending a
 * second after their TaskRun (rounding), the PipelineRun ending with its last TaskRun.
 *
 * <pre>
 * build-x7k2p   [0, 20]   PipelineRun
 *   fetch       [1, 8]    clone [2, 5], verify [5, 8]
 *   compile     [8, 20]   build [9, 15], test [15, 21]  (test ends after its TaskRun)
 * </pre>
 *
 * With {@code failing}, {@code test} exits 1, {@code compile} is Failed and so is the run.
 */
public final class RunScenario {
  public static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  public final String prUid;
  public final String fetchUid;
  public final String compileUid;
  public final RunRef pipelineRun;
  public final RunRef fetch;
  public final RunRef compile;
  private final EventFactory watcher;
  private final boolean failing;

  public RunScenario(String prUid, boolean failing) {
    this.prUid = prUid;
    this.fetchUid = prUid + "-fetch";
    this.compileUid = prUid + "-compile";
    this.failing = failing;
    this.watcher = new EventFactory("sandbox", "watcher");
    this.pipelineRun =
        new RunRef(
            RunRef.PIPELINE_RUN,
            "ci",
            "build-x7k2p",
            prUid,
            null,
            null,
            "build",
            null,
            null,
            0,
            Map.of("app", "shop"),
            Map.of());
    this.fetch = child("build-x7k2p-fetch", fetchUid, "fetch", "git-clone");
    this.compile = child("build-x7k2p-compile", compileUid, "compile", "maven");
  }

  private RunRef child(String name, String uid, String pipelineTask, String task) {
    return new RunRef(
        RunRef.TASK_RUN,
        "ci",
        name,
        uid,
        "build-x7k2p",
        prUid,
        "build",
        pipelineTask,
        task,
        0,
        Map.of("app", "shop", "pitstop.dev/task-type", "build"),
        Map.of());
  }

  public static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private static StepRef step(RunRef run, String name, int index) {
    return new StepRef(name, index, "step-" + name, run.name() + "-pod");
  }

  /** Every observation, in the order a watcher would publish them. */
  public List<PitstopEvent> events() {
    List<PitstopEvent> out = new ArrayList<>();
    add(out, EventType.PIPELINERUN_STARTED, new RunStarted(pipelineRun, t(0), null), t(0));
    out.addAll(fetchEvents());
    out.addAll(compileEvents());
    out.add(pipelineRunFinished());
    return out;
  }

  public List<PitstopEvent> fetchEvents() {
    List<PitstopEvent> out = new ArrayList<>();
    add(out, EventType.TASKRUN_STARTED, new RunStarted(fetch, t(1), "build-x7k2p-fetch-pod"), t(1));
    StepRef clone = step(fetch, "clone", 0);
    StepRef verify = step(fetch, "verify", 1);
    add(out, EventType.STEP_STARTED, new StepStarted(fetch, clone, t(2)), t(2));
    add(
        out,
        EventType.STEP_FINISHED,
        new StepFinished(fetch, clone, 0, "Completed", t(2), t(5), null),
        t(5));
    add(out, EventType.STEP_STARTED, new StepStarted(fetch, verify, t(5)), t(5));
    add(
        out,
        EventType.STEP_FINISHED,
        new StepFinished(fetch, verify, 0, "Completed", t(5), t(8), null),
        t(8));
    add(
        out,
        EventType.TASKRUN_FINISHED,
        new RunFinished(
            fetch, "True", "Succeeded", "All Steps have completed executing", t(1), t(8), null),
        t(8));
    return out;
  }

  public List<PitstopEvent> compileEvents() {
    List<PitstopEvent> out = new ArrayList<>();
    add(
        out,
        EventType.TASKRUN_STARTED,
        new RunStarted(compile, t(8), "build-x7k2p-compile-pod"),
        t(8));
    StepRef build = step(compile, "build", 0);
    StepRef test = step(compile, "test", 1);
    add(out, EventType.STEP_STARTED, new StepStarted(compile, build, t(9)), t(9));
    add(
        out,
        EventType.STEP_FINISHED,
        new StepFinished(compile, build, 0, "Completed", t(9), t(15), null),
        t(15));
    add(out, EventType.STEP_STARTED, new StepStarted(compile, test, t(15)), t(15));
    add(
        out,
        EventType.STEP_FINISHED,
        failing
            ? new StepFinished(compile, test, 1, "Error", t(15), t(21), "tests failed")
            : new StepFinished(compile, test, 0, "Completed", t(15), t(21), null),
        t(21));
    out.add(compileFinished());
    return out;
  }

  public PitstopEvent compileFinished() {
    RunFinished f =
        failing
            ? new RunFinished(
                compile, "False", "Failed", "\"step-test\" exited with code 1", t(8), t(20), null)
            : new RunFinished(
                compile,
                "True",
                "Succeeded",
                "All Steps have completed executing",
                t(8),
                t(20),
                null);
    return watcher.create(EventType.TASKRUN_FINISHED, f, t(20));
  }

  public PitstopEvent pipelineRunFinished() {
    RunFinished f =
        failing
            ? new RunFinished(
                pipelineRun,
                "False",
                "Failed",
                "Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 0",
                t(0),
                t(20),
                null)
            : new RunFinished(
                pipelineRun,
                "True",
                "Succeeded",
                "Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0",
                t(0),
                t(20),
                null);
    return watcher.create(EventType.PIPELINERUN_FINISHED, f, t(20));
  }

  private void add(List<PitstopEvent> out, EventType type, EventData data, Instant time) {
    out.add(watcher.create(type, data, time));
  }
}
