package dev.pitstop.sandbox.sim;

import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pure simulation: given every TaskRun and PipelineRun as listed now, returns what Tekton's
 * controllers, the kubelet and the entrypoints would do next. Keeps one {@link TaskRunMachine} per
 * live TaskRun (its entrypoints' files live there); PipelineRuns need no memory. No I/O: the
 * adapter lists, calls {@link #tick} and performs the actions.
 */
final class SimulationCore {
  private final SimulatorOptions options;
  private final PipelineRunPlanner planner;
  private final Map<String, TaskRunMachine> machines = new ConcurrentHashMap<>();
  private final Map<String, String> createFailures = new ConcurrentHashMap<>();

  SimulationCore(SimulatorOptions options) {
    this.options = options;
    this.planner = new PipelineRunPlanner(options);
  }

  /**
   * One tick. TaskRuns done before the simulator saw them are left alone; a TaskRun that
   * disappeared has its Pod deleted (the API has no garbage collector).
   *
   * @return {@link #tickGroups}, flattened
   */
  List<Action> tick(
      List<TaskRun> taskRuns, List<PipelineRun> pipelineRuns, Catalog catalog, Instant now) {
    List<Action> out = new ArrayList<>();
    tickGroups(taskRuns, pipelineRuns, catalog, now).forEach(out::addAll);
    return out;
  }

  /**
   * One tick, its actions in groups: one group per PipelineRun (its children to create, its status)
   * and one per TaskRun (its status, its Pod, its logs). Each group must be performed in order;
   * different groups touch different objects and may be performed concurrently.
   */
  synchronized List<List<Action>> tickGroups(
      List<TaskRun> taskRuns, List<PipelineRun> pipelineRuns, Catalog catalog, Instant now) {
    List<List<Action>> out = new ArrayList<>();
    // Children by owner uid, once per tick (not a scan of every TaskRun per PipelineRun).
    Map<String, List<TaskRun>> byOwner = new HashMap<>();
    for (TaskRun tr : taskRuns) {
      List<OwnerReference> refs = tr.getMetadata().getOwnerReferences();
      if (refs != null) {
        refs.stream()
            .map(OwnerReference::getUid)
            .filter(java.util.Objects::nonNull)
            .distinct()
            .forEach(u -> byOwner.computeIfAbsent(u, k -> new ArrayList<>()).add(tr));
      }
    }
    for (PipelineRun pr : pipelineRuns) {
      String uid = pr.getMetadata().getUid();
      if (pr.getStatus() != null && pr.getStatus().isDone()) {
        continue; // the planner has nothing to do for a done run
      }
      List<TaskRun> children = uid == null ? List.of() : byOwner.getOrDefault(uid, List.of());
      out.add(planner.plan(pr, children, catalog, now, createFailures.get(uid)));
    }
    Set<String> seen = new HashSet<>();
    for (TaskRun tr : taskRuns) {
      String key = key(tr);
      seen.add(key);
      TaskRunMachine m = machines.get(key);
      if (m == null) {
        if (tr.getStatus() != null && tr.getStatus().isDone()) {
          continue;
        }
        m = new TaskRunMachine(tr, options, failureIgnored(tr, pipelineRuns));
        machines.put(key, m);
      }
      out.add(m.tick(tr, catalog, now));
      if (m.finished()) {
        machines.remove(key);
      }
    }
    for (var it = machines.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!seen.contains(e.getKey())) {
        it.remove();
        String ns = e.getKey().substring(0, e.getKey().indexOf('/'));
        out.add(List.of(new Action.DeletePod(ns, e.getValue().podName())));
      }
    }
    return out;
  }

  /**
   * The API refused to create a child TaskRun of the PipelineRun {@code pipelineRunUid} as invalid
   * (400/422): the run fails {@code CreateRunFailed} on the next tick.
   */
  void createRejected(String pipelineRunUid, String message) {
    if (pipelineRunUid != null) {
      createFailures.putIfAbsent(pipelineRunUid, message);
    }
  }

  /**
   * True when {@code tr} is the TaskRun of a PipelineTask with {@code onError: continue}: a failure
   * then ends as {@code FailureIgnored} (Tekton {@code updateCompletedTaskRunStatus}).
   */
  private static boolean failureIgnored(TaskRun tr, List<PipelineRun> pipelineRuns) {
    Map<String, String> labels = tr.getMetadata().getLabels();
    String task = labels == null ? null : labels.get(dev.pitstop.tekton.TektonLabels.PIPELINE_TASK);
    if (task == null) {
      return false;
    }
    for (PipelineRun pr : pipelineRuns) {
      if (ownedBy(tr, pr.getMetadata().getUid())
          && pr.getStatus() != null
          && pr.getStatus().pipelineSpec != null) {
        var ps = pr.getStatus().pipelineSpec;
        return java.util.stream.Stream.concat(ps.tasks.stream(), ps.finallyTasks.stream())
            .anyMatch(t -> task.equals(t.name) && "continue".equals(t.onError));
      }
    }
    return false;
  }

  /**
   * Runs a command in a container of a simulated Pod.
   *
   * @return the command's outcome; exit 126 with "container not found" when no live TaskRun owns
   *     that Pod and container
   */
  ScriptResult exec(
      String namespace, String pod, String container, List<String> command, Instant now) {
    for (var e : machines.entrySet()) {
      if (e.getKey().startsWith(namespace + "/") && e.getValue().podName().equals(pod)) {
        return e.getValue().exec(container, command, now);
      }
    }
    return ScriptResult.failed(126, "container not found (\"" + container + "\")");
  }

  /** An ephemeral container was added to a Pod: the machine owning the Pod interprets it. */
  String ephemeral(
      String namespace,
      String pod,
      io.fabric8.kubernetes.api.model.EphemeralContainer container,
      Instant now) {
    for (var e : machines.entrySet()) {
      if (e.getKey().startsWith(namespace + "/") && e.getValue().podName().equals(pod)) {
        return e.getValue().ephemeral(container, now);
      }
    }
    return "ignored: no live TaskRun owns the Pod";
  }

  /** Number of TaskRuns being simulated. */
  int liveTaskRuns() {
    return machines.size();
  }

  private static boolean ownedBy(TaskRun tr, String uid) {
    List<OwnerReference> refs = tr.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> uid != null && uid.equals(r.getUid()));
  }

  private static String key(TaskRun tr) {
    return tr.getMetadata().getNamespace()
        + "/"
        + tr.getMetadata().getName()
        + "/"
        + tr.getMetadata().getUid();
  }
}
