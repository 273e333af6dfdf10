package dev.pitstop.sandbox.sim;

import dev.pitstop.sandbox.sim.StepRun.Decision;
import dev.pitstop.sandbox.sim.StepRun.Phase;
import dev.pitstop.tekton.GoDuration;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.TektonNames;
import dev.pitstop.tekton.model.Breakpoints;
import dev.pitstop.tekton.model.ResultSpec;
import dev.pitstop.tekton.model.RunResult;
import dev.pitstop.tekton.model.Sidecar;
import dev.pitstop.tekton.model.Step;
import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import dev.pitstop.tekton.model.TaskRunStatus;
import dev.pitstop.tekton.model.TaskSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One TaskRun as Tekton's TaskRun reconciler, the kubelet and the entrypoint would move it: pure
 * (no I/O; time comes in as an argument), one instance per TaskRun, driven by {@link #tick} from
 * the simulation loop and by {@link #exec} from {@code kubectl exec}. Thread-safe (synchronized).
 *
 * <p>Timeline: tick 1 writes {@code Started} and the start time; tick 2 creates the Pod ({@code
 * Pending}); a third of the step duration later the Pod runs ({@code Running}) and step 0 starts;
 * each step runs for the step duration once its predecessor terminated; breakpoints hold a step as
 * tekton-facts.md §2 describes; when all steps are done the TaskRun ends, and its Pod is deleted
 * after the retention time.
 */
final class TaskRunMachine {
  static final String SCRIPTS = "/tekton/debug/scripts/";
  static final String ON_FAILURE_MARKER =
      "debug onFailure breakpoint has taken effect, waiting for user's decision:";
  static final String BEFORE_STEP_MARKER =
      "debug before step breakpoint has taken effect, waiting for user's decision:";
  static final String RUNNING_MESSAGE = "Not all Steps in the Task have finished executing";
  static final String SUCCEEDED_MESSAGE = "All Steps have completed executing";
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);

  private enum Stage {
    NEW,
    STARTED,
    POD_PENDING,
    POD_RUNNING,
    DONE
  }

  private record Cond(String status, String reason, String message, Instant since) {}

  private final String namespace;
  private final String name;
  private final String podName;
  private final String pipelineTask;
  private final SimulatorOptions options;
  private final Times times;
  private final boolean failureIgnored;

  private Stage stage = Stage.NEW;
  private TaskSpec spec;
  private boolean debug;
  private java.util.Set<String> noShellSteps = java.util.Set.of();
  private List<StepRun> steps = List.of();
  private Duration timeout = DEFAULT_TIMEOUT;
  private Instant startTime;
  private Instant podCreatedAt;
  private Instant podRunningAt;
  private Instant completionTime;
  private boolean podExists;
  private boolean podDeleted;
  private Cond cond;
  private List<RunResult> results = List.of();
  private int ticksInStage;

  /** An ephemeral container added to the Pod, for its status. */
  private record EphemeralRun(
      String name, String image, Instant addedAt, EphemeralRelease.Fate fate) {}

  /** At most this many ephemeral containers get a status (a real Pod has a few). */
  static final int MAX_EPHEMERAL = 100;

  private final List<EphemeralRun> ephemeralRuns = new ArrayList<>();

  TaskRunMachine(TaskRun tr, SimulatorOptions options) {
    this(tr, options, false);
  }

  /**
   * @param failureIgnored the TaskRun belongs to a PipelineTask with {@code onError: continue}: a
   *     step failure ends it {@code False/FailureIgnored}
   */
  TaskRunMachine(TaskRun tr, SimulatorOptions options, boolean failureIgnored) {
    this.failureIgnored = failureIgnored;
    this.namespace = tr.getMetadata().getNamespace();
    this.name = tr.getMetadata().getName();
    this.podName = TektonNames.podName(name, 0);
    Map<String, String> labels = tr.getMetadata().getLabels();
    String pt = labels == null ? null : labels.get(TektonLabels.PIPELINE_TASK);
    this.pipelineTask = pt == null ? FailSpec.STANDALONE : pt;
    this.options = options;
    this.times = new Times(options.truncateTimesToSeconds());
  }

  String podName() {
    return podName;
  }

  /** True once the TaskRun is done and its Pod (if any) was deleted: the machine can go. */
  synchronized boolean finished() {
    return stage == Stage.DONE && (!podExists || podDeleted);
  }

  /**
   * Advances the TaskRun to {@code now}.
   *
   * @param tr the TaskRun as listed from the API (its status is replaced in the returned
   *     UpdateStatus action)
   * @return what to do, in order
   */
  synchronized List<Action> tick(TaskRun tr, Catalog catalog, Instant now) {
    List<Action> out = new ArrayList<>();
    ticksInStage++;
    TaskRunSpec trSpec = tr.getSpec();
    boolean cancelled = TaskRunSpec.STATUS_CANCELLED.equals(trSpec.status);
    switch (stage) {
      case NEW -> {
        if (cancelled) {
          finish(now, "False", "TaskRunCancelled", cancelMessage(trSpec), "TaskRunCancelled", out);
        } else if (TaskRunSpec.STATUS_PENDING.equals(trSpec.status)) {
          setCond("Unknown", "TaskRunPending", "TaskRun \"" + name + "\" is pending", now);
        } else {
          start(tr, catalog, now);
        }
      }
      case STARTED, POD_PENDING, POD_RUNNING -> {
        if (cancelled) {
          finish(now, "False", "TaskRunCancelled", cancelMessage(trSpec), "TaskRunCancelled", out);
        } else if (!timeout.isZero() && !now.isBefore(startTime.plus(timeout))) {
          finish(
              startTime.plus(timeout),
              "False",
              "TaskRunTimeout",
              "TaskRun \""
                  + name
                  + "\" failed to finish within \""
                  + GoDuration.format(timeout)
                  + "\"",
              "TaskRunTimeout",
              out);
        } else {
          advance(tr, now, out);
        }
      }
      case DONE -> {
        if (podExists
            && !podDeleted
            && !now.isBefore(completionTime.plus(options.podRetention()))) {
          podDeleted = true;
          out.add(new Action.DeletePod(namespace, podName));
        }
      }
    }
    if (cond != null) {
      tr.setStatus(status(tr.getStatus()));
      out.add(new Action.UpdateStatus(tr));
    }
    if (podExists && !podDeleted) {
      out.add(new Action.UpdatePodStatus(namespace, podName, podStatus(now)));
    }
    return out;
  }

  private void start(TaskRun tr, Catalog catalog, Instant now) {
    TaskRunSpec trSpec = tr.getSpec();
    if (trSpec.taskSpec != null) {
      spec = trSpec.taskSpec;
    } else if (trSpec.taskRef != null && trSpec.taskRef.name != null) {
      Optional<Task> task = catalog.task(namespace, trSpec.taskRef.name);
      if (task.isEmpty() || task.get().getSpec() == null) {
        startTime = now;
        setCond(
            "False",
            "TaskRunResolutionFailed",
            "error requesting remote resource: tasks.tekton.dev \""
                + trSpec.taskRef.name
                + "\" not found",
            now);
        completionTime = now;
        stage = Stage.DONE;
        return;
      }
      spec = task.get().getSpec();
    } else {
      startTime = now;
      setCond(
          "False",
          "TaskRunValidationFailed",
          "expected exactly one, got neither: taskRef, taskSpec",
          now);
      completionTime = now;
      stage = Stage.DONE;
      return;
    }
    if (trSpec.timeout != null) {
      try {
        timeout = GoDuration.parse(trSpec.timeout);
      } catch (IllegalArgumentException e) {
        timeout = DEFAULT_TIMEOUT;
      }
    }
    Breakpoints bp = trSpec.breakpoints();
    debug = bp != null;
    noShellSteps = ShellLess.annotatedSteps(tr.getMetadata().getAnnotations());
    List<String> before = bp == null || bp.beforeSteps == null ? List.of() : bp.beforeSteps;
    List<FailSpec> fails = new ArrayList<>(options.fail());
    Map<String, String> annotations = tr.getMetadata().getAnnotations();
    if (annotations != null && annotations.get(FailSpec.ANNOTATION) != null) {
      try {
        fails.addAll(FailSpec.parseList(annotations.get(FailSpec.ANNOTATION)));
      } catch (IllegalArgumentException e) {
        // A malformed annotation fails nothing; the adapter logs what it lists.
      }
    }
    // The i-th TaskRun of a matrixed PipelineTask also answers to TASK "<pipelinetask>-<i>".
    java.util.regex.Matcher mi =
        Pattern.compile("-" + Pattern.quote(pipelineTask) + "-(\\d+)$").matcher(name);
    String matrixTask = mi.find() ? pipelineTask + "-" + mi.group(1) : null;
    List<StepRun> runs = new ArrayList<>();
    for (int i = 0; i < spec.steps.size(); i++) {
      Step s = spec.steps.get(i);
      String stepName = TektonNames.stepName(s, i);
      int code =
          fails.stream()
              .filter(
                  f ->
                      f.matches(pipelineTask, stepName)
                          || (matrixTask != null && f.matches(matrixTask, stepName)))
              .mapToInt(FailSpec::exitCode)
              .findFirst()
              .orElse(0);
      runs.add(
          new StepRun(
              i,
              stepName,
              TektonNames.stepContainer(s, i),
              s.image,
              code,
              "continue".equals(s.onError),
              before.contains(stepName),
              StepOutput.lines(s, stepName, code)));
    }
    steps = runs;
    startTime = now;
    setCond("Unknown", "Started", null, now);
    stage = Stage.STARTED;
    ticksInStage = 0;
  }

  private void advance(TaskRun tr, Instant now, List<Action> out) {
    if (stage == Stage.STARTED) {
      if (ticksInStage < 1) {
        return;
      }
      podCreatedAt = now;
      podExists = true;
      Pod pod = TaskRunPods.build(tr, podName, spec, steps, debug);
      // The Pod's creation is part of the simulated timeline: its conditions and init containers
      // are timed from it, so it must not come later than they do.
      pod.getMetadata().setCreationTimestamp(times.format(now));
      out.add(new Action.Create(pod));
      setCond(
          "Unknown",
          "Pending",
          "pod status \"Initialized\":\"False\"; message: \"containers with incomplete status: "
              + TaskRunPods.initContainers(spec, debug)
              + "\"",
          now);
      stage = Stage.POD_PENDING;
      return;
    }
    if (stage == Stage.POD_PENDING) {
      Instant runningAt = podCreatedAt.plus(options.stepDuration().dividedBy(3));
      if (now.isBefore(runningAt)) {
        return;
      }
      // A tick that comes late starts the containers at its own time, not the planned one: a
      // kubelet reports Running when the containers start, and the first step then runs its whole
      // duration. Backdated, a tick two step durations late wrote Running and the first step's end
      // in one status, a state no kubelet reports (docs/performance.md, "Later runs").
      podRunningAt = now;
      stage = Stage.POD_RUNNING;
      if (!spec.sidecars.isEmpty()) {
        // Tekton's controller marks the sidecars ready; the first step's entrypoint waits for it.
        out.add(
            new Action.AnnotatePod(
                namespace, podName, dev.pitstop.tekton.TektonLabels.READY_ANNOTATION, "READY"));
      }
      setCond("Unknown", "Running", RUNNING_MESSAGE, now);
    }
    runSteps(now, out);
    if (steps.stream().allMatch(StepRun::done)) {
      complete(out);
    }
  }

  /** Moves every step as far as {@code now} allows, in order. */
  private void runSteps(Instant now, List<Action> out) {
    for (StepRun s : steps) {
      Instant ready = readyAt(s);
      if (ready == null || ready.isAfter(now)) {
        return;
      }
      if (s.phase == Phase.WAITING) {
        StepRun prev = s.index == 0 ? null : steps.get(s.index - 1);
        if (prev != null && prev.failed() && !debug) {
          // The entrypoint sees out.err of the previous step: this one does not run.
          s.terminate(ready, ready, 1, 1, "Skipped");
          out.add(new Action.CloseLog(namespace, podName, s.container));
          continue;
        }
        if (s.breakBefore) {
          s.phase = Phase.PAUSED_BEFORE;
          s.pausedAt = ready;
          marker(
              s,
              ready,
              BEFORE_STEP_MARKER,
              "debug-beforestep-continue",
              "debug-beforestep-fail-continue",
              out);
        } else {
          s.phase = Phase.RUNNING;
          s.startedAt = ready;
        }
      }
      if (s.phase == Phase.PAUSED_BEFORE) {
        if (s.decision == null) {
          return;
        }
        if (s.decision == Decision.FAIL_CONTINUE) {
          s.terminate(s.decisionAt, s.decisionAt, 1, 1, "Error");
          s.decision = null;
          out.add(new Action.CloseLog(namespace, podName, s.container));
          continue;
        }
        s.decision = null;
        s.phase = Phase.RUNNING;
        s.startedAt = s.decisionAt;
      }
      if (s.phase == Phase.RUNNING) {
        Instant end = s.startedAt.plus(options.stepDuration());
        writeLines(s, end.isAfter(now) ? now : end, out);
        if (end.isAfter(now)) {
          return;
        }
        int code = s.plannedExitCode;
        if (code == 0) {
          s.terminate(s.startedAt, end, 0, 0, "Completed");
        } else if (debug) {
          s.phase = Phase.PAUSED_ON_FAILURE;
          s.pausedAt = end;
          s.finishedAt = end;
          marker(s, end, ON_FAILURE_MARKER, "debug-continue", "debug-fail-continue", out);
          return;
        } else if (s.onErrorContinue) {
          s.terminate(s.startedAt, end, code, 0, "Continued");
        } else {
          s.terminate(s.startedAt, end, code, code, "Error");
        }
        out.add(new Action.CloseLog(namespace, podName, s.container));
        continue;
      }
      if (s.phase == Phase.PAUSED_ON_FAILURE) {
        if (s.decision == null) {
          return;
        }
        int code = s.decision == Decision.CONTINUE ? 0 : 1;
        s.terminate(s.startedAt, s.decisionAt, code, code, code == 0 ? "Completed" : "Error");
        s.decision = null;
        out.add(new Action.CloseLog(namespace, podName, s.container));
      }
    }
  }

  /** When step {@code s} may go: step 0 when the Pod runs, others when the previous terminated. */
  private Instant readyAt(StepRun s) {
    if (s.index == 0) {
      return podRunningAt;
    }
    StepRun prev = steps.get(s.index - 1);
    return prev.done() ? prev.finishedAt : null;
  }

  private void writeLines(StepRun s, Instant upTo, List<Action> out) {
    int n = s.output.size();
    long total = options.stepDuration().toNanos();
    while (s.linesWritten < n) {
      Instant at = s.startedAt.plusNanos(total * s.linesWritten / n);
      if (at.isAfter(upTo)) {
        return;
      }
      out.add(
          new Action.AppendLog(namespace, podName, s.container, at, s.output.get(s.linesWritten)));
      s.linesWritten++;
    }
  }

  private void marker(
      StepRun s, Instant at, String marker, String cont, String failCont, List<Action> out) {
    out.add(new Action.AppendLog(namespace, podName, s.container, at, marker, true));
    out.add(
        new Action.AppendLog(
            namespace, podName, s.container, at, "1) continue, use cmd: " + SCRIPTS + cont));
    out.add(
        new Action.AppendLog(
            namespace,
            podName,
            s.container,
            at,
            "2) fail-continue, use cmd: " + SCRIPTS + failCont));
  }

  private void complete(List<Action> out) {
    Instant end = steps.isEmpty() ? podRunningAt : steps.get(steps.size() - 1).finishedAt;
    for (StepRun s : steps) {
      if (s.finishedAt != null && s.finishedAt.isAfter(end)) {
        end = s.finishedAt;
      }
    }
    Optional<StepRun> failed = steps.stream().filter(StepRun::failed).findFirst();
    if (failed.isPresent()) {
      StepRun f = failed.get();
      setCond(
          "False",
          failureIgnored
              ? "FailureIgnored"
              : options.specificFailureReasons() ? "StepFailed" : "Failed",
          "\"" + f.container + "\" exited with code " + f.exitCode,
          end);
    } else {
      setCond("True", "Succeeded", SUCCEEDED_MESSAGE, end);
      results = resultsOf();
    }
    completionTime = end;
    stage = Stage.DONE;
  }

  private List<RunResult> resultsOf() {
    List<RunResult> out = new ArrayList<>();
    for (ResultSpec r : spec.results) {
      String value = options.results().get(pipelineTask + "/" + r.name);
      out.add(new RunResult(r.name, "string", value == null ? "simulated-" + r.name : value));
    }
    return out;
  }

  /** Ends the run before its steps did (timeout, cancel): every unfinished step is stopped. */
  private void finish(
      Instant at,
      String status,
      String reason,
      String message,
      String stepReason,
      List<Action> out) {
    for (StepRun s : steps) {
      if (!s.done()) {
        Instant start =
            s.startedAt == null ? (podRunningAt == null ? at : podRunningAt) : s.startedAt;
        s.terminate(start, at, 1, 1, stepReason);
        out.add(new Action.CloseLog(namespace, podName, s.container));
      }
    }
    if (startTime == null) {
      startTime = at;
    }
    setCond(status, reason, message, at);
    completionTime = at;
    stage = Stage.DONE;
    if (podExists && !podDeleted) {
      podDeleted = true;
      out.add(new Action.DeletePod(namespace, podName));
    }
  }

  private String cancelMessage(TaskRunSpec trSpec) {
    String extra = trSpec.statusMessage == null ? "" : trSpec.statusMessage;
    return "TaskRun \"" + name + "\" was cancelled. " + extra;
  }

  private void setCond(String status, String reason, String message, Instant now) {
    if (cond != null
        && cond.status.equals(status)
        && cond.reason.equals(reason)
        && java.util.Objects.equals(cond.message, message)) {
      return;
    }
    cond = new Cond(status, reason, message, now);
  }

  /**
   * Runs a command exec'd into one of the Pod's containers. The four debug scripts act on the step
   * whose container runs them (tekton-facts.md §2).
   */
  synchronized ScriptResult exec(String container, List<String> command, Instant now) {
    StepRun step =
        steps.stream().filter(s -> s.container.equals(container)).findFirst().orElse(null);
    boolean sidecar =
        spec != null
            && spec.sidecars.stream()
                .map((Sidecar sc) -> TektonNames.SIDECAR_PREFIX + sc.name)
                .anyMatch(container::equals);
    if (!podExists || podDeleted || (step == null && !sidecar)) {
      return ScriptResult.failed(126, "container not found (\"" + container + "\")");
    }
    if (stage == Stage.POD_PENDING
        || (step != null && step.done())
        || (sidecar && stage == Stage.DONE)) {
      return ScriptResult.failed(
          126, "unable to upgrade connection: container not found (\"" + container + "\")");
    }
    String cmd = command.isEmpty() ? "" : command.get(0);
    if (step != null && ShellLess.isShellLess(step.image, step.name, noShellSteps)) {
      return ScriptResult.failed(
          127,
          "OCI runtime exec failed: exec failed: unable to start container process: exec: \""
              + cmd
              + "\": executable file not found in $PATH: unknown");
    }
    if (command.size() >= 3 && command.get(1).equals("-c")) {
      cmd = command.get(2).trim();
    }
    if (!cmd.startsWith(SCRIPTS)) {
      return ScriptResult.ok("");
    }
    if (!debug || step == null) {
      return ScriptResult.failed(
          127, "exec: \"" + cmd + "\": stat " + cmd + ": no such file or directory");
    }
    String script = cmd.substring(SCRIPTS.length());
    Phase wanted;
    Decision decision;
    switch (script) {
      case "debug-continue" -> {
        wanted = Phase.PAUSED_ON_FAILURE;
        decision = Decision.CONTINUE;
      }
      case "debug-fail-continue" -> {
        wanted = Phase.PAUSED_ON_FAILURE;
        decision = Decision.FAIL_CONTINUE;
      }
      case "debug-beforestep-continue" -> {
        wanted = Phase.PAUSED_BEFORE;
        decision = Decision.CONTINUE;
      }
      case "debug-beforestep-fail-continue" -> {
        wanted = Phase.PAUSED_BEFORE;
        decision = Decision.FAIL_CONTINUE;
      }
      default -> {
        return ScriptResult.failed(
            127, "exec: \"" + cmd + "\": stat " + cmd + ": no such file or directory");
      }
    }
    if (step.phase == wanted && step.decision == null) {
      step.decision = decision;
      step.decisionAt = now;
    }
    return ScriptResult.ok("Executing step " + step.index + "...\n");
  }

  /**
   * An ephemeral container was added to this TaskRun's Pod: it acts as the debug scripts would by
   * writing to a step's run volume (see {@link EphemeralRelease}); a write for a step that is not
   * waiting at that kind of breakpoint changes nothing. Its image decides whether it runs ({@link
   * EphemeralRelease#fate}); from now on the Pod's {@code status.ephemeralContainerStatuses}
   * reports it: {@code waiting ErrImagePull} for ever when its image cannot be pulled; else {@code
   * running} from now, then {@code terminated} with its exit code a twelfth of the step duration
   * later.
   *
   * @return what was done, for the log
   */
  synchronized String ephemeral(
      io.fabric8.kubernetes.api.model.EphemeralContainer container, Instant now) {
    if (!podExists || podDeleted || stage == Stage.DONE) {
      return "ignored: the Pod is not running";
    }
    EphemeralRelease.Fate fate = EphemeralRelease.fate(container.getImage());
    if (ephemeralRuns.size() < MAX_EPHEMERAL) {
      ephemeralRuns.add(new EphemeralRun(container.getName(), container.getImage(), now, fate));
    }
    if (!fate.writes()) {
      return fate.pullFails()
          ? "not run: its image cannot be pulled (ErrImagePull)"
          : "not released: it exits with code " + fate.exitCode();
    }
    List<EphemeralRelease.Write> writes = EphemeralRelease.writes(container);
    StringBuilder done = new StringBuilder();
    for (EphemeralRelease.Write w : writes) {
      if (w.step() < 0 || w.step() >= steps.size()) {
        continue;
      }
      StepRun s = steps.get(w.step());
      Phase wanted = w.beforeStep() ? Phase.PAUSED_BEFORE : Phase.PAUSED_ON_FAILURE;
      if (debug && s.phase == wanted && s.decision == null) {
        s.decision = w.continueStep() ? Decision.CONTINUE : Decision.FAIL_CONTINUE;
        s.decisionAt = now;
        done.append(s.container).append(' ').append(s.decision).append("; ");
      }
    }
    return done.length() == 0 ? "no paused step released" : done.toString();
  }

  /** The status of each ephemeral container at {@code now} (see {@link #ephemeral}). */
  private List<ContainerStatus> ephemeralStatuses(Instant now) {
    List<ContainerStatus> out = new ArrayList<>();
    for (EphemeralRun e : ephemeralRuns) {
      ContainerState cs;
      if (e.fate().pullFails()) {
        cs =
            new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewWaiting()
                .withReason("ErrImagePull")
                .withMessage(
                    "failed to pull and unpack image \""
                        + e.image()
                        + "\": sandbox: the image name contains pull-fails")
                .endWaiting()
                .build();
      } else {
        Instant end = e.addedAt().plus(options.stepDuration().dividedBy(12));
        cs =
            now.isBefore(end)
                ? TaskRunPods.running(times.format(e.addedAt()))
                : TaskRunPods.terminated(
                    e.fate().exitCode(),
                    e.fate().exitCode() == 0 ? "Completed" : "Error",
                    times.format(e.addedAt()),
                    times.format(end));
      }
      out.add(TaskRunPods.status(e.name(), e.image(), cs, false));
    }
    return out;
  }

  private TaskRunStatus status(TaskRunStatus previous) {
    TaskRunStatus s = new TaskRunStatus();
    if (previous != null) {
      s.spanContext = previous.spanContext;
      s.observedGeneration = previous.observedGeneration;
      previous.additionalProperties().forEach(s::setAdditionalProperty);
    }
    Condition c =
        new ConditionBuilder()
            .withType("Succeeded")
            .withStatus(cond.status)
            .withReason(cond.reason)
            .withMessage(cond.message)
            .withLastTransitionTime(times.format(cond.since))
            .build();
    s.conditions = new ArrayList<>(List.of(c));
    s.startTime = times.format(startTime);
    s.completionTime = times.format(completionTime);
    s.taskSpec = spec;
    if (podCreatedAt != null) {
      s.podName = podName;
      for (StepRun r : steps) {
        StepState st = new StepState();
        st.name = r.name;
        st.container = r.container;
        st.imageID = r.image;
        if (r.done()) {
          st.terminated =
              TaskRunPods.terminated(
                      r.exitCode,
                      r.containerExitCode == 0 ? "Completed" : "Error",
                      times.format(r.startedAt),
                      times.format(r.finishedAt))
                  .getTerminated();
          st.terminationReason = r.terminationReason;
        } else if (podRunningAt == null) {
          st.waiting = TaskRunPods.waiting("PodInitializing").getWaiting();
        } else {
          st.running = TaskRunPods.running(times.format(podRunningAt)).getRunning();
        }
        s.steps.add(st);
      }
      for (Sidecar sc : spec.sidecars) {
        StepState st = new StepState();
        st.name = sc.name;
        st.container = TektonNames.SIDECAR_PREFIX + sc.name;
        st.imageID = sc.image;
        ContainerState cs = sidecarState();
        st.waiting = cs.getWaiting();
        st.running = cs.getRunning();
        st.terminated = cs.getTerminated();
        s.sidecars.add(st);
      }
    }
    s.results = new ArrayList<>(results);
    return s;
  }

  private ContainerState sidecarState() {
    if (podRunningAt == null) {
      return TaskRunPods.waiting("PodInitializing");
    }
    if (stage == Stage.DONE) {
      return TaskRunPods.terminated(
          0, "Completed", times.format(podRunningAt), times.format(completionTime));
    }
    return TaskRunPods.running(times.format(podRunningAt));
  }

  /** When the scheduler bound the Pod: a twelfth of the step duration after its creation. */
  private Instant scheduledAt() {
    return podCreatedAt.plus(options.stepDuration().dividedBy(12));
  }

  /** When the last init container finished: a quarter of the step duration after creation. */
  private Instant initializedAt() {
    return podCreatedAt.plus(options.stepDuration().dividedBy(4));
  }

  /** Init container {@code i} of {@code n} runs from here for an equal share of init time. */
  private Instant initStart(int i, int n) {
    if (i >= n) {
      return initializedAt();
    }
    Duration share = Duration.between(scheduledAt(), initializedAt()).dividedBy(n);
    return scheduledAt().plus(share.multipliedBy(i));
  }

  /**
   * The Pod's status at {@code now}, as the kubelet reports it: no condition before it is
   * scheduled; then {@code PodScheduled} True and the init containers ({@code prepare}, {@code
   * place-scripts}) one after the other; {@code Initialized} True when the last terminated; the
   * step and sidecar containers waiting {@code ContainerCreating} (image pulls) until the Pod runs;
   * {@code ContainersReady}/{@code Ready} True once every container runs (Kubernetes {@code
   * pkg/kubelet/status/generate.go}).
   */
  private PodStatus podStatus(Instant now) {
    String created = times.format(podCreatedAt);
    boolean running = podRunningAt != null;
    // A run ended before its Pod ran (cancelled, timed out) freezes the Pod where it was.
    Instant at = stage == Stage.DONE && !running ? min(now, completionTime) : now;
    Instant scheduled = scheduledAt();
    Instant initialized = initializedAt();
    boolean isScheduled = running || !at.isBefore(scheduled);
    boolean isInitialized = running || !at.isBefore(initialized);
    List<ContainerStatus> init = new ArrayList<>();
    List<ContainerStatus> containers = new ArrayList<>();
    String runningAt = times.format(podRunningAt);
    List<String> initNames = TaskRunPods.initContainers(spec, debug);
    for (int i = 0; i < initNames.size(); i++) {
      Instant from = initStart(i, initNames.size());
      Instant to = initStart(i + 1, initNames.size());
      ContainerState cs;
      if (!isScheduled || at.isBefore(from)) {
        cs = TaskRunPods.waiting(i == 0 ? "ContainerCreating" : "PodInitializing");
      } else if (at.isBefore(to) && !running) {
        cs = TaskRunPods.running(times.format(from));
      } else {
        cs = TaskRunPods.terminated(0, "Completed", times.format(from), times.format(to));
      }
      init.add(TaskRunPods.status(initNames.get(i), TaskRunPods.ENTRYPOINT_IMAGE, cs, false));
    }
    String waitingReason = isInitialized ? "ContainerCreating" : "PodInitializing";
    boolean allReady = running;
    for (StepRun r : steps) {
      ContainerState cs;
      if (!running) {
        cs = TaskRunPods.waiting(waitingReason);
      } else if (r.done()) {
        cs =
            TaskRunPods.terminated(
                r.containerExitCode,
                r.containerExitCode == 0 ? "Completed" : "Error",
                runningAt,
                times.format(r.finishedAt));
      } else {
        cs = TaskRunPods.running(runningAt);
      }
      allReady &= cs.getRunning() != null;
      containers.add(TaskRunPods.status(r.container, r.image, cs, cs.getRunning() != null));
    }
    for (Sidecar sc : spec.sidecars) {
      ContainerState cs = running ? sidecarState() : TaskRunPods.waiting(waitingReason);
      allReady &= cs.getRunning() != null;
      containers.add(
          TaskRunPods.status(
              TektonNames.SIDECAR_PREFIX + sc.name, sc.image, cs, cs.getRunning() != null));
    }
    String phase;
    if (!running) {
      phase = "Pending";
    } else if (stage == Stage.DONE) {
      phase = steps.stream().allMatch(r -> r.containerExitCode == 0) ? "Succeeded" : "Failed";
    } else {
      phase = "Running";
    }
    List<PodCondition> conditions = new ArrayList<>();
    if (isScheduled) {
      String sched = times.format(scheduled);
      String init0 = isInitialized ? times.format(initialized) : sched;
      // Ready turns False again when the first step container terminates; its time then.
      String readyTime = allReady ? runningAt : running ? firstTerminated() : init0;
      conditions.add(TaskRunPods.condition("PodScheduled", true, sched));
      conditions.add(TaskRunPods.condition("Initialized", isInitialized, init0));
      conditions.add(TaskRunPods.condition("ContainersReady", allReady, readyTime));
      conditions.add(TaskRunPods.condition("Ready", allReady, readyTime));
    }
    return new PodStatusBuilder()
        .withPhase(phase)
        .withStartTime(isScheduled ? times.format(scheduled) : null)
        .withConditions(conditions)
        .withInitContainerStatuses(init)
        .withContainerStatuses(containers)
        .withEphemeralContainerStatuses(ephemeralRuns.isEmpty() ? null : ephemeralStatuses(now))
        .build();
  }

  private String firstTerminated() {
    return times.format(
        steps.stream()
            .filter(StepRun::done)
            .map(r -> r.finishedAt)
            .filter(java.util.Objects::nonNull)
            .min(Instant::compareTo)
            .orElse(podRunningAt));
  }

  private static Instant min(Instant a, Instant b) {
    return b == null || a.isBefore(b) ? a : b;
  }

  /** The realistic-looking lines a step writes (echo lines of its script, else a summary). */
  static final class StepOutput {
    private static final Pattern ECHO =
        Pattern.compile("^\\s*(?:echo|printf)\\s+(?:-n\\s+)?[\"']?([^\"'|>]*)[\"']?");

    private StepOutput() {}

    static List<String> lines(Step step, String stepName, int exitCode) {
      List<String> out = new ArrayList<>();
      if (step.script != null) {
        for (String line : step.script.split("\n")) {
          Matcher m = ECHO.matcher(line);
          if (m.find() && !m.group(1).isBlank() && out.size() < 3) {
            out.add(m.group(1).trim());
          }
        }
      }
      if (out.isEmpty()) {
        String what =
            step.script != null
                ? "script"
                : String.join(" ", step.command == null ? List.of() : step.command)
                    + " "
                    + String.join(" ", step.args == null ? List.of() : step.args);
        out.add("[" + stepName + "] running " + what.trim());
        out.add("[" + stepName + "] working...");
      }
      if (exitCode != 0) {
        out.add("[" + stepName + "] failed with exit code " + exitCode);
      }
      return List.copyOf(out);
    }
  }
}
