package dev.pitstop.sandbox.sim;

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
    PipelineSpec ps = st.pipelineSpec;
    PipelineDag dag = PipelineDag.of(ps);
    Map<String, TaskRun> byTask = new HashMap<>();
    for (TaskRun tr : children) {
      Map<String, String> labels = tr.getMetadata().getLabels();
      if (labels != null && labels.get(TektonLabels.PIPELINE_TASK) != null) {
        byTask.put(labels.get(TektonLabels.PIPELINE_TASK), tr);
      }
    }
    Map<String, Object> params = params(ps, spec);
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    List<TaskRun> created = new ArrayList<>();
    Map<String, Outcome> started = new LinkedHashMap<>();
    byTask.forEach(
        (task, child) -> {
          PipelineTask t = dag.task(task);
          if (t != null && !dag.isFinally(task)) {
            started.put(task, outcomeOf(child, t));
          }
        });
    boolean stopping = stopping(started);

    for (String taskName : dag.topologicalOrder()) {
      PipelineTask t = dag.task(taskName);
      TaskRun child = byTask.get(taskName);
      if (child != null) {
        outcomes.put(taskName, outcomeOf(child, t));
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
      for (PipelineTask t : dag.finallyTasks()) {
        TaskRun child = byTask.get(t.name);
        outcomes.put(
            t.name,
            child != null
                ? outcomeOf(child, t)
                : startOrSkip(pr, ps, t, true, params, byTask, outcomes, created));
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
        ChildStatusReference ref = new ChildStatusReference();
        ref.apiVersion = Tekton.API_VERSION;
        ref.kind = "TaskRun";
        ref.name = TektonNames.childTaskRunName(pr.getMetadata().getName(), t.name);
        ref.pipelineTaskName = t.name;
        ref.displayName = t.displayName;
        st.childReferences.add(ref);
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
    String counts =
        "Tasks Completed: " + completed + " (Failed: " + failed + ", Cancelled " + cancelled + ")";
    if (over) {
      st.completionTime = times.format(now);
      if (count(outcomes, State.FAILED) > 0) {
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
    created.add(childTaskRun(pr, ps, t, isFinally, resolvedParams));
    return new Outcome(State.RUNNING, null, null);
  }

  private TaskRun childTaskRun(
      PipelineRun pr, PipelineSpec ps, PipelineTask t, boolean isFinally, List<Param> params) {
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
    TaskRun tr = new TaskRun();
    tr.setMetadata(
        new ObjectMetaBuilder()
            .withName(TektonNames.childTaskRunName(pr.getMetadata().getName(), t.name))
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

  private static Outcome outcomeOf(TaskRun child, PipelineTask t) {
    if (child.getStatus() == null || !child.getStatus().isDone()) {
      return new Outcome(State.RUNNING, null, null);
    }
    Condition c = child.getStatus().succeeded();
    if ("True".equals(c.getStatus())) {
      return new Outcome(State.SUCCEEDED, null, null);
    }
    if ("TaskRunCancelled".equals(c.getReason())) {
      return new Outcome(State.CANCELLED, null, null);
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
