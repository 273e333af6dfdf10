package dev.pitstop.sandbox.sim;

import dev.pitstop.tekton.GoDuration;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.TektonNames;
import dev.pitstop.tekton.dag.PipelineDag;
import dev.pitstop.tekton.model.ChildStatusReference;
import dev.pitstop.tekton.model.Param;
import dev.pitstop.tekton.model.ParamSpec;
import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineRunSpec;
import dev.pitstop.tekton.model.PipelineRunStatus;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.PipelineTask;
import dev.pitstop.tekton.model.ResultSpec;
import dev.pitstop.tekton.model.RunResult;
import dev.pitstop.tekton.model.SkippedTask;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import dev.pitstop.tekton.model.Tekton;
import dev.pitstop.tekton.model.WhenExpression;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Tekton's PipelineRun reconciler does in one pass, as a pure function of the PipelineRun, its
 * child TaskRuns and the time: resolve the Pipeline, start the tasks whose parents are done (DAG
 * order), skip tasks (when expressions, missing results, a stopping run), run {@code finally} after
 * every task ended, and write the status (tekton-facts.md §4). Stateless: everything it needs is in
 * the objects, so a lost write is simply redone on the next tick.
 */
final class PipelineRunPlanner {
  static final String STOPPING = "PipelineRun was stopping";
  static final String WHEN_FALSE = "When Expressions evaluated to false";
  static final String RESULTS_MISSING = "Results were missing";
  static final String PARENT_SKIPPED = "Parent Tasks were skipped";
  static final String PIPELINE_TIMEOUT = "PipelineRun timeout has been reached";
  static final String TASKS_TIMEOUT = "PipelineRun Tasks timeout has been reached";
  static final String FINALLY_TIMEOUT = "PipelineRun Finally timeout has been reached";
  static final String TIMED_OUT_CANCEL_MESSAGE =
      "TaskRun cancelled as the PipelineRun it belongs to has timed out.";
  static final Duration DEFAULT_PIPELINE_TIMEOUT = Duration.ofMinutes(60);

  private enum State {
    WAITING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    IGNORED_FAILURE,
    CANCELLED,
    SKIPPED;

    boolean terminal() {
      return this != WAITING && this != RUNNING;
    }
  }

  private record Outcome(State state, String skipReason, List<WhenExpression> when) {}

  private final Times times;

  PipelineRunPlanner(SimulatorOptions options) {
    this.times = new Times(options.truncateTimesToSeconds());
  }

  /**
   * One reconcile of {@code pr} at {@code now}.
   *
   * @param children the TaskRuns this PipelineRun owns (any order)
   * @return child TaskRuns to create, then the status update (nothing once the run is done)
   */
  List<Action> plan(PipelineRun pr, List<TaskRun> children, Catalog catalog, Instant now) {
    return plan(pr, children, catalog, now, null);
  }

  /**
   * One reconcile of {@code pr} at {@code now}.
   *
   * @param createFailure when not null, the API refused to create one of this run's TaskRuns as
   *     invalid (400/422, e.g. Tekton's validating webhook): the run fails {@code CreateRunFailed}
   *     with this message ({@code handleRunCreationError} in Tekton's pipelinerun reconciler)
   */
  List<Action> plan(
      PipelineRun pr, List<TaskRun> children, Catalog catalog, Instant now, String createFailure) {
    PipelineRunStatus old = pr.getStatus();
    if (old != null && old.isDone()) {
      return List.of();
    }
    PipelineRunStatus st = copyHeader(old);
    PipelineRunSpec spec = pr.getSpec();
    String name = pr.getMetadata().getName();
    List<Action> out = new ArrayList<>();
    if (st.startTime == null && PipelineRunSpec.STATUS_PENDING.equals(spec.status)) {
      setCond(
          st, old, "Unknown", "PipelineRunPending", "PipelineRun \"" + name + "\" is pending", now);
      return update(pr, st, out);
    }
    if (st.startTime == null) {
      st.startTime = times.format(now);
      Optional<PipelineSpec> ps = resolve(pr, catalog);
      if (ps.isEmpty()) {
        String ref = spec.pipelineRef == null ? "" : spec.pipelineRef.name;
        setCond(
            st,
            old,
            "False",
            "CouldntGetPipeline",
            "Error retrieving pipeline for pipelinerun "
                + pr.getMetadata().getNamespace()
                + "/"
                + name
                + ": pipelines.tekton.dev \""
                + ref
                + "\" not found",
            now);
        st.completionTime = times.format(now);
        return update(pr, st, out);
      }
      st.pipelineSpec = ps.get();
      try {
        PipelineDag.of(ps.get());
      } catch (IllegalArgumentException e) {
        setCond(st, old, "False", "PipelineValidationFailed", e.getMessage(), now);
        st.completionTime = times.format(now);
        return update(pr, st, out);
      }
      setCond(st, old, "Unknown", "Started", null, now);
      return update(pr, st, out);
    }
    if (createFailure != null) {
      setCond(st, old, "False", "CreateRunFailed", createFailure, now);
      st.completionTime = times.format(now);
      return update(pr, st, out);
    }
    PipelineSpec ps = st.pipelineSpec;
    PipelineDag dag = PipelineDag.of(ps);
    Map<String, TaskRun> byTask = new HashMap<>();
    Map<String, List<TaskRun>> allByTask = new HashMap<>();
    for (TaskRun tr : children) {
      Map<String, String> labels = tr.getMetadata().getLabels();
      if (labels != null && labels.get(TektonLabels.PIPELINE_TASK) != null) {
        String task = labels.get(TektonLabels.PIPELINE_TASK);
        byTask.putIfAbsent(task, tr);
        allByTask.computeIfAbsent(task, k -> new ArrayList<>()).add(tr);
      }
    }
    // For a matrix, the task's representative TaskRun (for reason and results) is its first
    // failed TaskRun, else its first.
    allByTask.forEach(
        (task, kids) -> {
          kids.sort((x, y) -> byIndex(x.getMetadata().getName(), y.getMetadata().getName()));
          byTask.put(
              task,
              kids.stream()
                  .filter(
                      k ->
                          k.getStatus() != null
                              && k.getStatus().succeeded() != null
                              && "False".equals(k.getStatus().succeeded().getStatus()))
                  .findFirst()
                  .orElse(kids.get(0)));
        });
    Deadlines deadlines = deadlines(pr, st, now);
    if (deadlines.pipeline()) {
      return timedOut(pr, st, old, ps, children, allByTask, now, out);
    }
    Map<String, Object> params = params(ps, spec);
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    List<TaskRun> created = new ArrayList<>();
    Map<String, Outcome> started = new LinkedHashMap<>();
    allByTask.forEach(
        (task, kids) -> {
          PipelineTask t = dag.task(task);
          if (t != null && !dag.isFinally(task)) {
            started.put(task, outcomeOf(kids, t));
          }
        });
    boolean stopping = stopping(started);

    for (String taskName : dag.topologicalOrder()) {
      PipelineTask t = dag.task(taskName);
      List<TaskRun> kids = allByTask.get(taskName);
      if (kids != null) {
        outcomes.put(taskName, outcomeOf(kids, t));
        if (deadlines.tasks()) {
          cancelRunning(kids, out);
        }
        continue;
      }
      if (deadlines.tasks()) {
        outcomes.put(taskName, new Outcome(State.SKIPPED, TASKS_TIMEOUT, null));
        continue;
      }
      if (stopping) {
        outcomes.put(taskName, new Outcome(State.SKIPPED, STOPPING, null));
        continue;
      }
      List<Outcome> parents = dag.parentsOf(taskName).stream().map(outcomes::get).toList();
      if (parents.stream().anyMatch(p -> !p.state.terminal())) {
        outcomes.put(taskName, new Outcome(State.WAITING, null, null));
        continue;
      }
      if (parents.stream()
          .anyMatch(p -> p.state == State.SKIPPED && !WHEN_FALSE.equals(p.skipReason))) {
        outcomes.put(taskName, new Outcome(State.SKIPPED, PARENT_SKIPPED, null));
        continue;
      }
      outcomes.put(taskName, startOrSkip(pr, ps, t, false, params, byTask, outcomes, created));
    }
    boolean tasksOver = outcomes.values().stream().allMatch(o -> o.state.terminal());
    if (tasksOver && !dag.finallyTasks().isEmpty()) {
      if (st.finallyStartTime == null) {
        st.finallyStartTime = times.format(now);
      }
      boolean finallyTimedOut = finallyTimedOut(pr, st, now);
      for (PipelineTask t : dag.finallyTasks()) {
        List<TaskRun> kids = allByTask.get(t.name);
        if (kids != null) {
          outcomes.put(t.name, outcomeOf(kids, t));
          if (finallyTimedOut) {
            cancelRunning(kids, out);
          }
        } else if (finallyTimedOut) {
          outcomes.put(t.name, new Outcome(State.SKIPPED, FINALLY_TIMEOUT, null));
        } else {
          outcomes.put(t.name, startOrSkip(pr, ps, t, true, params, byTask, outcomes, created));
        }
      }
    }
    created.forEach(c -> out.add(new Action.Create(c)));

    st.childReferences = new ArrayList<>();
    st.skippedTasks = new ArrayList<>();
    List<PipelineTask> all = new ArrayList<>(ps.tasks);
    all.addAll(ps.finallyTasks);
    for (PipelineTask t : all) {
      Outcome o = outcomes.get(t.name);
      if (o == null) {
        continue;
      }
      if (o.state == State.SKIPPED) {
        SkippedTask sk = new SkippedTask();
        sk.name = t.name;
        sk.reason = o.skipReason;
        sk.whenExpressions = o.when;
        st.skippedTasks.add(sk);
      } else if (o.state != State.WAITING) {
        for (String child : childNames(pr, t, allByTask)) {
          ChildStatusReference ref = new ChildStatusReference();
          ref.apiVersion = Tekton.API_VERSION;
          ref.kind = "TaskRun";
          ref.name = child;
          ref.pipelineTaskName = t.name;
          ref.displayName = t.displayName;
          st.childReferences.add(ref);
        }
      }
    }

    int total = all.size();
    long failed = count(outcomes, State.FAILED) + count(outcomes, State.IGNORED_FAILURE);
    long cancelled = count(outcomes, State.CANCELLED);
    long completed = count(outcomes, State.SUCCEEDED) + failed + cancelled;
    long skipped = count(outcomes, State.SKIPPED);
    boolean over =
        tasksOver
            && outcomes.size() == total
            && outcomes.values().stream().allMatch(o -> o.state.terminal());
    long ignored = count(outcomes, State.IGNORED_FAILURE);
    String counts =
        "Tasks Completed: "
            + completed
            + " (Failed: "
            + failed
            + (ignored > 0 ? " (Ignored: " + ignored + ")" : "")
            + ", Cancelled "
            + cancelled
            + ")";
    if (over) {
      st.completionTime = times.format(now);
      boolean skippedByTimeout =
          outcomes.values().stream()
              .anyMatch(
                  o -> TASKS_TIMEOUT.equals(o.skipReason) || FINALLY_TIMEOUT.equals(o.skipReason));
      if (count(outcomes, State.FAILED) > 0 || skippedByTimeout) {
        setCond(st, old, "False", "Failed", counts + ", Skipped: " + skipped, now);
      } else if (cancelled > 0) {
        setCond(st, old, "False", "Cancelled", counts + ", Skipped: " + skipped, now);
      } else {
        setCond(
            st,
            old,
            "True",
            skipped > 0 ? "Completed" : "Succeeded",
            counts + ", Skipped: " + skipped,
            now);
        st.results = pipelineResults(pr, ps, byTask, params, outcomes);
      }
    } else {
      setCond(
          st,
          old,
          "Unknown",
          "Running",
          counts + ", Incomplete: " + (total - completed - skipped) + ", Skipped: " + skipped,
          now);
    }
    return update(pr, st, out);
  }

  private Outcome startOrSkip(
      PipelineRun pr,
      PipelineSpec ps,
      PipelineTask t,
      boolean isFinally,
      Map<String, Object> params,
      Map<String, TaskRun> byTask,
      Map<String, Outcome> outcomes,
      List<TaskRun> created) {
    Substitution sub = new Substitution(v -> resolve(v, pr, params, byTask, outcomes));
    List<WhenExpression> resolvedWhen = new ArrayList<>();
    boolean whenTrue = true;
    for (WhenExpression w : t.when == null ? List.<WhenExpression>of() : t.when) {
      WhenExpression r = new WhenExpression();
      r.input = w.input == null ? null : sub.string(w.input);
      r.operator = w.operator;
      r.values = w.values == null ? null : sub.strings(w.values);
      r.cel = w.cel;
      resolvedWhen.add(r);
      if (w.cel == null && r.values != null) {
        boolean in = r.values.contains(r.input);
        whenTrue &= "notin".equals(w.operator) ? !in : in;
      }
    }
    List<Param> resolvedParams = new ArrayList<>();
    for (Param p : t.params == null ? List.<Param>of() : t.params) {
      resolvedParams.add(new Param(p.name, sub.apply(p.value)));
    }
    if (sub.missing()) {
      return new Outcome(State.SKIPPED, RESULTS_MISSING, null);
    }
    if (!whenTrue) {
      return new Outcome(State.SKIPPED, WHEN_FALSE, resolvedWhen);
    }
    List<Map<String, Object>> combos = Matrix.combinations(t, sub);
    if (combos == null) {
      created.add(
          childTaskRun(
              pr,
              ps,
              t,
              isFinally,
              resolvedParams,
              TektonNames.childTaskRunName(pr.getMetadata().getName(), t.name)));
    } else {
      for (int i = 0; i < combos.size(); i++) {
        List<Param> withMatrix = new ArrayList<>(resolvedParams);
        combos.get(i).forEach((k, v) -> withMatrix.add(new Param(k, v)));
        created.add(
            childTaskRun(
                pr,
                ps,
                t,
                isFinally,
                withMatrix,
                TektonNames.matrixChildTaskRunName(pr.getMetadata().getName(), t.name, i)));
      }
    }
    return new Outcome(State.RUNNING, null, null);
  }

  /** The names of a started task's TaskRuns: as listed, else as they will be created. */
  private static List<String> childNames(
      PipelineRun pr, PipelineTask t, Map<String, List<TaskRun>> allByTask) {
    List<TaskRun> kids = allByTask.get(t.name);
    if (kids != null && !kids.isEmpty()) {
      return kids.stream()
          .map(k -> k.getMetadata().getName())
          .sorted(PipelineRunPlanner::byIndex)
          .toList();
    }
    int n = Matrix.size(t);
    if (n < 0) {
      return List.of(TektonNames.childTaskRunName(pr.getMetadata().getName(), t.name));
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(TektonNames.matrixChildTaskRunName(pr.getMetadata().getName(), t.name, i));
    }
    return names;
  }

  private static int byIndex(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  /** Which of the PipelineRun's {@code timeouts} have passed at {@code now}. */
  private record Deadlines(boolean pipeline, boolean tasks, Duration pipelineTimeout) {}

  private static Duration timeout(String go, Duration dflt) {
    if (go == null || go.isBlank()) {
      return dflt;
    }
    try {
      return GoDuration.parse(go);
    } catch (IllegalArgumentException e) {
      return dflt;
    }
  }

  private static Deadlines deadlines(PipelineRun pr, PipelineRunStatus st, Instant now) {
    var to = pr.getSpec().timeouts;
    Duration pipeline = timeout(to == null ? null : to.pipeline, DEFAULT_PIPELINE_TIMEOUT);
    Duration tasks = timeout(to == null ? null : to.tasks, Duration.ZERO);
    Instant start = Instant.parse(st.startTime);
    boolean p = !pipeline.isZero() && !now.isBefore(start.plus(pipeline));
    boolean t = !tasks.isZero() && !now.isBefore(start.plus(tasks));
    return new Deadlines(p, t, pipeline);
  }

  private static boolean finallyTimedOut(PipelineRun pr, PipelineRunStatus st, Instant now) {
    var to = pr.getSpec().timeouts;
    Duration fin = timeout(to == null ? null : to.finallyTimeout, Duration.ZERO);
    return !fin.isZero()
        && st.finallyStartTime != null
        && !now.isBefore(Instant.parse(st.finallyStartTime).plus(fin));
  }

  /** Cancels the children still running, as Tekton does when a timeout passes. */
  private static void cancelRunning(List<TaskRun> kids, List<Action> out) {
    for (TaskRun k : kids) {
      boolean done = k.getStatus() != null && k.getStatus().isDone();
      if (!done && !TaskRunSpec.STATUS_CANCELLED.equals(k.getSpec().status)) {
        out.add(
            new Action.CancelTaskRun(
                k.getMetadata().getNamespace(),
                k.getMetadata().getName(),
                TIMED_OUT_CANCEL_MESSAGE));
      }
    }
  }

  /**
   * The pipeline timeout passed: running children are cancelled, every task not started is skipped
   * ({@code PipelineRun timeout has been reached}), finally does not run, and the run is {@code
   * False/PipelineRunTimeout} at once.
   */
  private List<Action> timedOut(
      PipelineRun pr,
      PipelineRunStatus st,
      PipelineRunStatus old,
      PipelineSpec ps,
      List<TaskRun> children,
      Map<String, List<TaskRun>> allByTask,
      Instant now,
      List<Action> out) {
    cancelRunning(children, out);
    st.skippedTasks = new ArrayList<>();
    List<PipelineTask> all = new ArrayList<>(ps.tasks);
    all.addAll(ps.finallyTasks);
    for (PipelineTask t : all) {
      if (!allByTask.containsKey(t.name)) {
        SkippedTask sk = new SkippedTask();
        sk.name = t.name;
        sk.reason = PIPELINE_TIMEOUT;
        st.skippedTasks.add(sk);
      }
    }
    Duration d = deadlines(pr, st, now).pipelineTimeout();
    setCond(
        st,
        old,
        "False",
        "PipelineRunTimeout",
        "PipelineRun \""
            + pr.getMetadata().getName()
            + "\" failed to finish within \""
            + GoDuration.format(d)
            + "\"",
        now);
    st.completionTime = times.format(now);
    return update(pr, st, out);
  }

  private TaskRun childTaskRun(
      PipelineRun pr,
      PipelineSpec ps,
      PipelineTask t,
      boolean isFinally,
      List<Param> params,
      String childName) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (pr.getMetadata().getLabels() != null) {
      labels.putAll(pr.getMetadata().getLabels());
    }
    PipelineRunSpec spec = pr.getSpec();
    labels.put(
        TektonLabels.PIPELINE,
        spec.pipelineRef != null && spec.pipelineRef.name != null
            ? spec.pipelineRef.name
            : pr.getMetadata().getName());
    labels.put(TektonLabels.PIPELINE_RUN, pr.getMetadata().getName());
    labels.put(TektonLabels.PIPELINE_RUN_UID, pr.getMetadata().getUid());
    labels.put(TektonLabels.PIPELINE_TASK, t.name);
    labels.put(
        TektonLabels.MEMBER_OF,
        isFinally ? TektonLabels.MEMBER_OF_FINALLY : TektonLabels.MEMBER_OF_TASKS);
    if (t.taskRef != null && t.taskRef.name != null) {
      labels.put(TektonLabels.TASK, t.taskRef.name);
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    if (pr.getMetadata().getAnnotations() != null) {
      annotations.putAll(pr.getMetadata().getAnnotations());
    }
    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    // An embedded taskSpec's metadata reaches the TaskRun, after the PipelineRun's (Tekton
    // pipelinerun.go combineTaskRunAndTaskSpecLabels/Annotations: addMetadataByPrecedence keeps the
    // value already there).
    if (t.taskSpec != null
        && t.taskSpec.additionalProperties().get("metadata") instanceof Map<?, ?> m) {
      addAbsent(labels, m.get("labels"));
      addAbsent(annotations, m.get("annotations"));
    }
    TaskRun tr = new TaskRun();
    tr.setMetadata(
        new ObjectMetaBuilder()
            .withName(childName)
            .withNamespace(pr.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(Tekton.API_VERSION)
                    .withKind("PipelineRun")
                    .withName(pr.getMetadata().getName())
                    .withUid(pr.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    TaskRunSpec trSpec = new TaskRunSpec();
    trSpec.taskRef = t.taskRef;
    trSpec.taskSpec = t.taskSpec;
    trSpec.params = params;
    trSpec.timeout = t.timeout;
    if (spec.additionalProperties().get("taskRunTemplate") instanceof Map<?, ?> tmpl
        && tmpl.get("serviceAccountName") != null) {
      trSpec.serviceAccountName = String.valueOf(tmpl.get("serviceAccountName"));
    }
    tr.setSpec(trSpec);
    return tr;
  }

  private static void addAbsent(Map<String, String> to, Object from) {
    if (from instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            if (k != null && v != null) {
              to.putIfAbsent(String.valueOf(k), String.valueOf(v));
            }
          });
    }
  }

  private Object resolve(
      String var,
      PipelineRun pr,
      Map<String, Object> params,
      Map<String, TaskRun> byTask,
      Map<String, Outcome> outcomes) {
    if (var.startsWith("params.")) {
      return params.get(var.substring("params.".length()));
    }
    switch (var) {
      case "context.pipelineRun.name":
        return pr.getMetadata().getName();
      case "context.pipelineRun.namespace":
        return pr.getMetadata().getNamespace();
      case "context.pipelineRun.uid":
        return pr.getMetadata().getUid();
      case "tasks.status":
        return aggregateStatus(outcomes);
      default:
        break;
    }
    String[] parts = var.split("\\.");
    if (parts.length == 3 && parts[0].equals("tasks") && parts[2].equals("status")) {
      Outcome o = outcomes.get(parts[1]);
      if (o == null) {
        return null;
      }
      return switch (o.state) {
        case SUCCEEDED -> "Succeeded";
        case FAILED, IGNORED_FAILURE, CANCELLED -> "Failed";
        default -> "None";
      };
    }
    if (parts.length == 3 && parts[0].equals("tasks") && parts[2].equals("reason")) {
      return reasonOf(byTask, parts[1]);
    }
    if (parts.length >= 4 && parts[0].equals("tasks") && parts[2].equals("results")) {
      TaskRun child = byTask.get(parts[1]);
      if (child == null || child.getStatus() == null || child.getStatus().results == null) {
        return Substitution.MISSING;
      }
      return child.getStatus().results.stream()
          .filter(r -> r.name.equals(parts[3]))
          .map(r -> r.value)
          .filter(Objects::nonNull)
          .findFirst()
          .orElse(Substitution.MISSING);
    }
    return null;
  }

  /**
   * {@code $(tasks.<t>.reason)} (allowed in finally): the reason of the task's TaskRun; for a
   * matrix, the first failed TaskRun's reason, else the first one's. Null while not known.
   */
  private static Object reasonOf(Map<String, TaskRun> byTask, String task) {
    TaskRun tr = byTask.get(task);
    if (tr == null || tr.getStatus() == null || tr.getStatus().succeeded() == null) {
      return null;
    }
    return tr.getStatus().succeeded().getReason();
  }

  private static String aggregateStatus(Map<String, Outcome> outcomes) {
    if (outcomes.values().stream()
        .anyMatch(o -> o.state == State.FAILED || o.state == State.CANCELLED)) {
      return "Failed";
    }
    if (outcomes.values().stream().anyMatch(o -> o.state == State.SKIPPED)) {
      return "Completed";
    }
    return "Succeeded";
  }

  /**
   * A PipelineTask's outcome from its TaskRuns (several for a matrix): running until all are done;
   * then failed when any is {@code False} (a cancelled TaskRun counts as failed, as in Tekton's
   * {@code isFailure}: Status False), or ignored-failed with {@code onError: continue}.
   */
  private static Outcome outcomeOf(List<TaskRun> kids, PipelineTask t) {
    boolean failed = false;
    for (TaskRun child : kids) {
      if (child.getStatus() == null || !child.getStatus().isDone()) {
        return new Outcome(State.RUNNING, null, null);
      }
      Condition c = child.getStatus().succeeded();
      failed |= !"True".equals(c.getStatus());
    }
    if (!failed) {
      return new Outcome(State.SUCCEEDED, null, null);
    }
    return new Outcome(
        "continue".equals(t.onError) ? State.IGNORED_FAILURE : State.FAILED, null, null);
  }

  private static boolean stopping(Map<String, Outcome> outcomes) {
    return outcomes.values().stream()
        .anyMatch(o -> o.state == State.FAILED || o.state == State.CANCELLED);
  }

  private static long count(Map<String, Outcome> outcomes, State s) {
    return outcomes.values().stream().filter(o -> o.state == s).count();
  }

  private static Map<String, Object> params(PipelineSpec ps, PipelineRunSpec spec) {
    Map<String, Object> params = new HashMap<>();
    for (ParamSpec p : ps.params == null ? List.<ParamSpec>of() : ps.params) {
      if (p.defaultValue != null) {
        params.put(p.name, p.defaultValue);
      }
    }
    for (Param p : spec.params == null ? List.<Param>of() : spec.params) {
      params.put(p.name, p.value);
    }
    return params;
  }

  private List<RunResult> pipelineResults(
      PipelineRun pr,
      PipelineSpec ps,
      Map<String, TaskRun> byTask,
      Map<String, Object> params,
      Map<String, Outcome> outcomes) {
    List<RunResult> out = new ArrayList<>();
    for (ResultSpec r : ps.results == null ? List.<ResultSpec>of() : ps.results) {
      Substitution sub = new Substitution(v -> resolve(v, pr, params, byTask, outcomes));
      Object v = sub.apply(r.value);
      if (!sub.missing()) {
        out.add(new RunResult(r.name, r.type == null ? "string" : r.type, v));
      }
    }
    return out;
  }

  private static Optional<PipelineSpec> resolve(PipelineRun pr, Catalog catalog) {
    PipelineRunSpec spec = pr.getSpec();
    if (spec.pipelineSpec != null) {
      return Optional.of(spec.pipelineSpec);
    }
    if (spec.pipelineRef != null && spec.pipelineRef.name != null) {
      return catalog
          .pipeline(pr.getMetadata().getNamespace(), spec.pipelineRef.name)
          .map(Pipeline::getSpec);
    }
    return Optional.empty();
  }

  private static PipelineRunStatus copyHeader(PipelineRunStatus old) {
    PipelineRunStatus st = new PipelineRunStatus();
    if (old != null) {
      old.additionalProperties().forEach(st::setAdditionalProperty);
      st.startTime = old.startTime;
      st.pipelineSpec = old.pipelineSpec;
      st.finallyStartTime = old.finallyStartTime;
      st.spanContext = old.spanContext;
      st.observedGeneration = old.observedGeneration;
      st.childReferences = old.childReferences;
      st.skippedTasks = old.skippedTasks;
      st.conditions = old.conditions;
    }
    return st;
  }

  private void setCond(
      PipelineRunStatus st,
      PipelineRunStatus old,
      String status,
      String reason,
      String message,
      Instant now) {
    Condition prev = old == null ? null : old.succeeded();
    String since = times.format(now);
    if (prev != null
        && status.equals(prev.getStatus())
        && reason.equals(prev.getReason())
        && Objects.equals(message, prev.getMessage())) {
      since = prev.getLastTransitionTime();
    }
    st.conditions =
        new ArrayList<>(
            List.of(
                new ConditionBuilder()
                    .withType("Succeeded")
                    .withStatus(status)
                    .withReason(reason)
                    .withMessage(message)
                    .withLastTransitionTime(since)
                    .build()));
  }

  private static List<Action> update(PipelineRun pr, PipelineRunStatus st, List<Action> out) {
    pr.setStatus(st);
    out.add(new Action.UpdateStatus(pr));
    return out;
  }
}
