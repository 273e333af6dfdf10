package dev.pitstop.engine.admission;

import dev.pitstop.engine.admission.AdmissionDecision.Warning;
import dev.pitstop.engine.annotation.BreakpointAnnotation;
import dev.pitstop.engine.annotation.BreakpointAnnotation.On;
import dev.pitstop.engine.annotation.BreakpointAnnotation.Result;
import dev.pitstop.engine.annotation.BreakpointSpec;
import dev.pitstop.engine.annotation.StepTarget;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.dag.PipelineDag;
import dev.pitstop.tekton.model.Breakpoints;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pure admission decision for a TaskRun being created (issue #3, tekton-facts.md §1): which
 * {@code spec.debug.breakpoints} to add and whether to create it held ({@code spec.status:
 * TaskRunPending}), from the {@value BreakpointAnnotation#KEY} annotations of its PipelineRun and
 * of itself.
 *
 * <table>
 *   <caption>rules (t = this TaskRun's PipelineTask)</caption>
 *   <tr><th>declared</th><th>effect on this TaskRun</th></tr>
 *   <tr><td>PipelineRun {@code onFailure}; TaskRun {@code onFailure}</td><td>{@code
 *       breakpoints.onFailure: enabled}</td></tr>
 *   <tr><td>PipelineRun {@code beforeTasks}/{@code onTasks} naming t</td><td>held</td></tr>
 *   <tr><td>PipelineRun {@code afterTasks} naming a direct parent of t (DAG: {@code runAfter},
 *       result references)</td><td>held</td></tr>
 *   <tr><td>{@code beforeSteps}/{@code onSteps} {@code t/s} (TaskRun: {@code s})</td><td>{@code
 *       beforeSteps: [s]}</td></tr>
 *   <tr><td>{@code afterSteps} {@code t/s}, s not the last step</td><td>{@code beforeSteps} on the
 *       step after s</td></tr>
 *   <tr><td>{@code afterSteps} {@code p/s} (or p's TaskRun's {@code s}), s the last step of p, p a
 *       direct parent of t</td><td>held</td></tr>
 * </table>
 *
 * <p>Step breakpoints always come with {@code onFailure: enabled}: Tekton's validator rejects
 * {@code beforeSteps} without it, so any step breakpoint turns on failure-pausing for the whole
 * TaskRun. Breakpoints the TaskRun already declares are kept. Without {@code enable-api-fields:
 * alpha} Tekton rejects a TaskRun with {@code spec.debug} (and its PipelineRun fails), so nothing
 * step-level is added: a {@code beforeSteps} on the first step becomes a hold (it waits at the same
 * point), the rest is reported {@code AlphaFieldsDisabled}. A TaskRun whose {@code spec.status} is
 * already set is not held again. An invalid annotation applies nothing and is reported.
 */
public final class AdmissionDecider {
  /** Annotation added to a TaskRun Pitstop creates held: why, e.g. {@code beforeTasks:deploy}. */
  public static final String HELD_BY = "pitstop.dev/held-by";

  static final int MAX_HELD_BY = 256;

  private AdmissionDecider() {}

  /** Decides; never throws on what a run declares (bad input becomes a warning). */
  public static AdmissionDecision decide(AdmissionInput in) {
    return new Decision(in).run();
  }

  private static final class Decision {
    final AdmissionInput in;
    final TaskRun tr;
    final String task;
    final List<String> ownSteps;
    final List<Warning> warnings = new ArrayList<>();
    final Set<String> beforeSteps = new LinkedHashSet<>();
    final Set<String> holdCauses = new LinkedHashSet<>();
    boolean onFailure;
    PipelineDag dag;

    Decision(AdmissionInput in) {
      this.in = in;
      this.tr = in.taskRun();
      Map<String, String> labels = tr.getMetadata().getLabels();
      this.task = labels == null ? null : labels.get(TektonLabels.PIPELINE_TASK);
      this.ownSteps = ownSteps();
    }

    AdmissionDecision run() {
      if (in.pipelineRun() != null) {
        fromPipelineRun();
      }
      fromParents();
      fromTaskRun();
      return result();
    }

    private List<String> ownSteps() {
      TaskRunSpec spec = tr.getSpec();
      if (spec != null && spec.taskSpec != null && spec.taskSpec.steps != null) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < spec.taskSpec.steps.size(); i++) {
          String n = spec.taskSpec.steps.get(i).name;
          names.add(n == null || n.isBlank() ? "unnamed-" + i : n);
        }
        return names;
      }
      return in.stepsOf() == null ? null : in.stepsOf().apply(task);
    }

    private void fromPipelineRun() {
      Result r =
          BreakpointAnnotation.of(in.pipelineRun().getMetadata().getAnnotations(), On.PIPELINE_RUN);
      if (r instanceof Result.Invalid bad) {
        warn(true, BreakpointWarning.INVALID_ANNOTATION, bad.message());
        return;
      }
      BreakpointSpec s = ((Result.Valid) r).spec();
      if (s.isEmpty()) {
        return;
      }
      dag = dag();
      checkTargets(s);
      onFailure |= s.onFailure();
      if (task == null) {
        return;
      }
      if (s.beforeTasks().contains(task)) {
        holdCauses.add("beforeTasks:" + task);
      }
      for (String t : new TreeSet<>(s.afterTasks())) {
        if (dag == null) {
          warn(
              true,
              BreakpointWarning.UNKNOWN_TARGET,
              "afterTasks "
                  + t
                  + " cannot be decided for "
                  + display()
                  + ": the Pipeline's spec is not known yet");
        } else if (dag.childrenOf(t).contains(task)) {
          holdCauses.add("afterTasks:" + t);
        }
      }
      for (StepTarget st : s.beforeSteps()) {
        if (task.equals(st.task())) {
          beforeStep(st.step(), true);
        }
      }
      for (StepTarget st : s.afterSteps()) {
        afterStep(st, true);
      }
    }

    /**
     * True when the TaskRun's annotation is the copy Tekton made of its PipelineRun's (Tekton
     * propagates a PipelineRun's annotations to its TaskRuns, {@code
     * pkg/reconciler/pipelinerun/pipelinerun.go} {@code getTaskrunAnnotations}): it was read as the
     * PipelineRun's and is not a TaskRun-level declaration.
     */
    private boolean propagatedFromPipelineRun() {
      if (in.pipelineRun() == null) {
        return false;
      }
      Map<String, String> own = tr.getMetadata().getAnnotations();
      Map<String, String> pr = in.pipelineRun().getMetadata().getAnnotations();
      String mine = own == null ? null : own.get(BreakpointAnnotation.KEY);
      return mine != null && pr != null && mine.equals(pr.get(BreakpointAnnotation.KEY));
    }

    /** afterSteps on the last step of a parent's own TaskRun annotation. */
    private void fromParents() {
      if (task == null || in.parentAnnotations() == null || in.pipelineRun() == null) {
        return;
      }
      if (dag == null) {
        dag = dag();
      }
      if (dag == null) {
        return;
      }
      for (String p : dag.parentsOf(task)) {
        Map<String, String> a = in.parentAnnotations().apply(p);
        if (a != null && BreakpointAnnotation.of(a, On.TASK_RUN) instanceof Result.Valid v) {
          for (StepTarget st : v.spec().afterSteps()) {
            List<String> steps = in.stepsOf() == null ? null : in.stepsOf().apply(p);
            if (steps != null
                && !steps.isEmpty()
                && steps.get(steps.size() - 1).equals(st.step())) {
              holdCauses.add("afterSteps:" + p + "/" + st.step());
            }
          }
        }
      }
    }

    private void fromTaskRun() {
      if (propagatedFromPipelineRun()) {
        return;
      }
      Result r = BreakpointAnnotation.of(tr.getMetadata().getAnnotations(), On.TASK_RUN);
      if (r instanceof Result.Invalid bad) {
        warn(false, BreakpointWarning.INVALID_ANNOTATION, bad.message());
        return;
      }
      BreakpointSpec s = ((Result.Valid) r).spec();
      onFailure |= s.onFailure();
      s.beforeSteps().forEach(st -> beforeStep(st.step(), false));
      for (StepTarget st : s.afterSteps()) {
        if (ownSteps == null) {
          warn(
              false,
              BreakpointWarning.UNKNOWN_TARGET,
              "afterSteps " + st.step() + " of " + display() + ": its steps are not known");
          continue;
        }
        int i = ownSteps.indexOf(st.step());
        if (i < 0) {
          warn(
              false,
              BreakpointWarning.UNKNOWN_TARGET,
              "afterSteps: "
                  + display()
                  + " has no step "
                  + st.step()
                  + " (steps: "
                  + ownSteps
                  + ")");
        } else if (i + 1 < ownSteps.size()) {
          beforeSteps.add(ownSteps.get(i + 1));
        } else if (task == null) {
          warn(
              false,
              BreakpointWarning.UNKNOWN_TARGET,
              "afterSteps "
                  + st.step()
                  + " is the last step of standalone "
                  + display()
                  + ": no task depends on it, nothing to hold");
        }
        // else: the last step of a child TaskRun: its dependents are held when they are created.
      }
    }

    private void afterStep(StepTarget st, boolean fromPipelineRun) {
      List<String> steps = in.stepsOf() == null ? null : in.stepsOf().apply(st.task());
      if (st.task().equals(task) && ownSteps != null) {
        steps = ownSteps;
      }
      boolean concernsUs =
          st.task().equals(task) || (dag != null && dag.childrenOf(st.task()).contains(task));
      if (!concernsUs) {
        return;
      }
      if (steps == null) {
        warn(
            fromPipelineRun,
            BreakpointWarning.UNKNOWN_TARGET,
            "afterSteps "
                + st
                + " cannot be decided for "
                + display()
                + ": the steps of "
                + st.task()
                + " are not known");
        return;
      }
      int i = steps.indexOf(st.step());
      if (i < 0) {
        warn(
            fromPipelineRun,
            BreakpointWarning.UNKNOWN_TARGET,
            "afterSteps "
                + st
                + ": task "
                + st.task()
                + " has no step "
                + st.step()
                + " (steps: "
                + steps
                + ")");
      } else if (i + 1 < steps.size()) {
        if (st.task().equals(task)) {
          beforeSteps.add(steps.get(i + 1));
        }
      } else if (!st.task().equals(task)) {
        holdCauses.add("afterSteps:" + st);
      }
    }

    private void beforeStep(String step, boolean fromPipelineRun) {
      if (ownSteps != null && !ownSteps.contains(step)) {
        warn(
            fromPipelineRun,
            BreakpointWarning.UNKNOWN_TARGET,
            "beforeSteps: " + display() + " has no step " + step + " (steps: " + ownSteps + ")");
        return;
      }
      beforeSteps.add(step);
    }

    private void checkTargets(BreakpointSpec s) {
      if (dag == null) {
        return;
      }
      Set<String> unknown = new TreeSet<>();
      s.beforeTasks().stream().filter(t -> dag.task(t) == null).forEach(unknown::add);
      s.afterTasks().stream().filter(t -> dag.task(t) == null).forEach(unknown::add);
      s.beforeSteps().stream()
          .map(StepTarget::task)
          .filter(t -> dag.task(t) == null)
          .forEach(unknown::add);
      s.afterSteps().stream()
          .map(StepTarget::task)
          .filter(t -> dag.task(t) == null)
          .forEach(unknown::add);
      if (!unknown.isEmpty()) {
        warn(
            true,
            BreakpointWarning.UNKNOWN_TARGET,
            BreakpointAnnotation.KEY
                + " names tasks the Pipeline does not have: "
                + unknown
                + " (tasks: "
                + dag.topologicalOrder()
                + ", finally: "
                + dag.finallyTasks().stream().map(t -> t.name).toList()
                + ")");
      }
    }

    private PipelineDag dag() {
      if (in.pipelineSpec() == null) {
        return null;
      }
      try {
        return PipelineDag.of(in.pipelineSpec());
      } catch (IllegalArgumentException e) {
        warn(
            true,
            BreakpointWarning.UNKNOWN_TARGET,
            "the Pipeline's DAG is invalid: " + e.getMessage());
        return null;
      }
    }

    private AdmissionDecision result() {
      List<PatchOp> patch = new ArrayList<>();
      TaskRunSpec spec = tr.getSpec();
      Breakpoints existing = spec == null ? null : spec.breakpoints();
      boolean hadOnFailure = existing != null && existing.onFailureEnabled();
      Set<String> had =
          new LinkedHashSet<>(
              existing == null || existing.beforeSteps == null ? List.of() : existing.beforeSteps);
      Set<String> newSteps = new LinkedHashSet<>(beforeSteps);
      newSteps.removeAll(had);
      boolean wantOnFailure = onFailure || !beforeSteps.isEmpty();
      if ((wantOnFailure && !hadOnFailure) || !newSteps.isEmpty()) {
        if (in.alphaFields()) {
          Map<String, Object> bp = new LinkedHashMap<>();
          bp.put("onFailure", Breakpoints.ENABLED);
          Set<String> all = new LinkedHashSet<>(had);
          all.addAll(beforeSteps);
          if (!all.isEmpty()) {
            bp.put("beforeSteps", List.copyOf(all));
          }
          Map<String, Object> debug = new LinkedHashMap<>();
          if (spec != null && spec.debug != null) {
            debug.putAll(spec.debug.additionalProperties());
          }
          debug.put("breakpoints", bp);
          patch.add(PatchOp.add("/spec/debug", debug));
        } else {
          List<String> skipped = new ArrayList<>();
          if (wantOnFailure && !hadOnFailure && onFailure) {
            skipped.add("onFailure");
          }
          for (String st : newSteps) {
            if (ownSteps != null && !ownSteps.isEmpty() && ownSteps.get(0).equals(st)) {
              holdCauses.add("beforeSteps:" + (task == null ? "" : task + "/") + st);
            } else {
              skipped.add("beforeSteps " + st);
            }
          }
          if (!skipped.isEmpty() || !newSteps.isEmpty()) {
            warn(
                false,
                BreakpointWarning.ALPHA_FIELDS_DISABLED,
                "Tekton's feature-flags enable-api-fields is not alpha, so spec.debug cannot be added to "
                    + display()
                    + (skipped.isEmpty() ? "" : ": not injected: " + skipped)
                    + (holdCauses.stream().anyMatch(c -> c.startsWith("beforeSteps:"))
                        ? "; a breakpoint before its first step holds the TaskRun (TaskRunPending) instead"
                        : ""));
          }
        }
      }
      String heldBy = null;
      if (!holdCauses.isEmpty()) {
        if (spec != null && spec.status != null && !spec.status.isBlank()) {
          warn(
              false,
              BreakpointWarning.UNKNOWN_TARGET,
              display()
                  + " is created with spec.status "
                  + spec.status
                  + ": not held by Pitstop ("
                  + String.join(",", holdCauses)
                  + ")");
        } else {
          heldBy = String.join(",", holdCauses);
          if (heldBy.length() > MAX_HELD_BY) {
            heldBy = heldBy.substring(0, MAX_HELD_BY - 3) + "...";
          }
          patch.add(PatchOp.add("/spec/status", TaskRunSpec.STATUS_PENDING));
          // The whole map: right whether or not the request's object has metadata.annotations.
          Map<String, String> annotations = new LinkedHashMap<>();
          if (tr.getMetadata().getAnnotations() != null) {
            annotations.putAll(tr.getMetadata().getAnnotations());
          }
          annotations.put(HELD_BY, heldBy);
          patch.add(PatchOp.add("/metadata/annotations", annotations));
        }
      }
      return new AdmissionDecision(patch, heldBy, warnings);
    }

    private String display() {
      return tr.getMetadata().getNamespace() + "/" + tr.getMetadata().getName();
    }

    private void warn(boolean onPipelineRun, String reason, String message) {
      Warning w =
          new Warning(
              onPipelineRun,
              reason,
              message.length() > 1_000 ? message.substring(0, 997) + "..." : message);
      if (!warnings.contains(w)) {
        warnings.add(w);
      }
    }
  }
}
