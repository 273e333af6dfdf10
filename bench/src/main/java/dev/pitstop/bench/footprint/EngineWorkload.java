package dev.pitstop.bench.footprint;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.events.data.StepStarted;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The observations that make one live run of the engine footprint: a PipelineRun whose TaskRun ran
 * its first step, started its second and paused in it on failure ({@code onFailure}), as the
 * watcher reports it (Tekton's labels, a run annotation, a five-line log tail, a deadline one hour
 * on). Six events per run; run {@code i} is distinct in names and uids, deterministic in content.
 */
public final class EngineWorkload {
  /** The namespace of every run. */
  public static final String NAMESPACE = "bench-engine";

  /** The step that pauses in every run. */
  public static final String PAUSED_STEP = "test";

  private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  private final EventFactory watcher;

  public EngineWorkload(String cluster) {
    this.watcher = new EventFactory(cluster, "watcher");
  }

  /** The PipelineRun's name of run {@code i}. */
  public static String pipelineRun(int i) {
    return "release-" + String.format("%05d", i);
  }

  /** The TaskRun (the one that pauses) of run {@code i}. */
  public static String taskRun(int i) {
    return pipelineRun(i) + "-unit-tests";
  }

  /** Its Pod. */
  public static String pod(int i) {
    return taskRun(i) + "-pod";
  }

  /** The paused step's container. */
  public static String container() {
    return "step-" + PAUSED_STEP;
  }

  /** The six observations of run {@code i}, in the order the watcher publishes them. */
  public List<PitstopEvent> observations(int i) {
    String prUid = UUID.nameUUIDFromBytes(("bench-pr-" + i).getBytes()).toString();
    String trUid = UUID.nameUUIDFromBytes(("bench-tr-" + i).getBytes()).toString();
    Map<String, String> labels =
        Map.of(
            "app.kubernetes.io/part-of", "shop",
            "tekton.dev/pipeline", "release",
            "tekton.dev/pipelineRun", pipelineRun(i),
            "tekton.dev/pipelineTask", "unit-tests",
            "tekton.dev/task", "maven-test",
            "tekton.dev/memberOf", "tasks");
    Map<String, String> annotations =
        Map.of("pitstop.dev/breakpoints", "{\"onFailure\": \"enabled\"}");
    RunRef pr =
        new RunRef(
            RunRef.PIPELINE_RUN,
            NAMESPACE,
            pipelineRun(i),
            prUid,
            null,
            null,
            "release",
            null,
            null,
            0,
            Map.of("app.kubernetes.io/part-of", "shop", "tekton.dev/pipeline", "release"),
            annotations);
    RunRef tr =
        new RunRef(
            RunRef.TASK_RUN,
            NAMESPACE,
            taskRun(i),
            trUid,
            pipelineRun(i),
            prUid,
            "release",
            "unit-tests",
            "maven-test",
            0,
            labels,
            annotations);
    StepRef compile = new StepRef("compile", 0, "step-compile", pod(i));
    StepRef test = new StepRef(PAUSED_STEP, 1, container(), pod(i));
    Instant t = T0.plusMillis(i);
    List<String> tail =
        List.of(
            "[INFO] Tests run: 412, Failures: 1, Errors: 0, Skipped: 3",
            "[ERROR] Failures:",
            "[ERROR]   CheckoutTest.appliesDiscount:88 expected: <90> but was: <100>",
            "[INFO] BUILD FAILURE",
            "[ERROR] Failed to execute goal surefire:3.2.5:test (default-test)");
    return List.of(
        watcher.create(EventType.PIPELINERUN_STARTED, new RunStarted(pr, t, null), t),
        watcher.create(EventType.TASKRUN_STARTED, new RunStarted(tr, t.plusSeconds(1), pod(i)), t),
        watcher.create(EventType.STEP_STARTED, new StepStarted(tr, compile, t.plusSeconds(3)), t),
        watcher.create(
            EventType.STEP_FINISHED,
            new StepFinished(
                tr, compile, 0, "Completed", t.plusSeconds(3), t.plusSeconds(40), null),
            t),
        watcher.create(EventType.STEP_STARTED, new StepStarted(tr, test, t.plusSeconds(40)), t),
        watcher.create(
            EventType.STEP_BREAKPOINT_REACHED,
            new BreakpointReached(
                tr, test, Mechanism.ON_FAILURE, t.plusSeconds(95), tail, t.plusSeconds(3601)),
            t));
  }
}
