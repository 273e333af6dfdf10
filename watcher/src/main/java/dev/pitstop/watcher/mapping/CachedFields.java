package dev.pitstop.watcher.mapping;

import dev.pitstop.tekton.model.Step;
import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import dev.pitstop.tekton.model.TaskRunStatus;
import dev.pitstop.tekton.model.TaskSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the watcher keeps of a Pod or TaskRun between two events: exactly the fields the mapper
 * ({@link ObservationMapper}, {@link PodObservations}, {@link RunRefs}) and the log follower's
 * {@code PauseTargets} read, so that observations computed from a kept object equal those computed
 * from the full one. Pure; the result shares the kept values with its argument (Strings, maps,
 * conditions, container states) and allocates only the skeleton around them.
 *
 * <p>Why: informers keep every object they watch, and a real Tekton Pod is mostly what no consumer
 * of observations needs (every step container's arguments, environment and mounts, Tekton's
 * volumes, {@code managedFields}): about 20 KB of JSON and several times that on the heap. Kept
 * here:
 *
 * <ul>
 *   <li>any object: {@code metadata} {@code name}, {@code namespace}, {@code uid}, {@code
 *       resourceVersion} (resyncs are told by it), {@code generation}, {@code creationTimestamp},
 *       {@code deletionTimestamp}, {@code ownerReferences}, and the {@code labels} and {@code
 *       annotations} that are read ({@link RunRefs#readsLabel}, {@link RunRefs#readsAnnotation}:
 *       the allowlisted ones and those Tekton's semantics need), in an immutable map;
 *   <li>Pod: {@code spec.nodeName}, {@code spec.containers[].name} (sidecars are told by name),
 *       {@code status.phase}, {@code status.conditions}, and of {@code status.containerStatuses}
 *       and {@code initContainerStatuses} each {@code name} and {@code state};
 *   <li>TaskRun: {@code spec} {@code taskRef}, {@code debug}, {@code status}, {@code
 *       statusMessage}, {@code timeout}, {@code retries}, {@code serviceAccountName} and of its
 *       {@code taskSpec} the step names; {@code status} {@code conditions}, {@code startTime},
 *       {@code completionTime}, {@code podName}, {@code spanContext}, {@code observedGeneration},
 *       {@code steps[]} ({@code name}, {@code container}, states, {@code terminationReason}), the
 *       step names of {@code taskSpec}, and {@code retriesStatus[]} kept the same way.
 * </ul>
 *
 * A reader that needs another field must add it here; {@code CachedFieldsTest} checks that the
 * mapper's observations from kept objects equal those from full ones.
 */
public final class CachedFields {
  private final RunRefs refs;

  /**
   * @param refs tells which labels and annotations are read ({@link RunRefs#readsLabel}, {@link
   *     RunRefs#readsAnnotation})
   */
  public CachedFields(RunRefs refs) {
    this.refs = refs;
  }

  /** The Pod as the watcher keeps it (see the class comment); null for null. */
  public Pod pod(Pod pod) {
    if (pod == null) {
      return null;
    }
    Pod out = new Pod();
    out.setApiVersion(pod.getApiVersion());
    out.setKind(pod.getKind());
    out.setMetadata(metadata(pod.getMetadata()));
    PodSpec spec = pod.getSpec();
    if (spec != null) {
      PodSpec s = new PodSpec();
      s.setNodeName(spec.getNodeName());
      if (spec.getContainers() != null) {
        List<Container> names = new ArrayList<>(spec.getContainers().size());
        for (Container c : spec.getContainers()) {
          if (c != null) {
            Container kept = new Container();
            kept.setName(c.getName());
            names.add(kept);
          }
        }
        s.setContainers(names);
      }
      out.setSpec(s);
    }
    PodStatus status = pod.getStatus();
    if (status != null) {
      PodStatus s = new PodStatus();
      s.setPhase(status.getPhase());
      s.setConditions(status.getConditions());
      s.setContainerStatuses(containerStatuses(status.getContainerStatuses()));
      s.setInitContainerStatuses(containerStatuses(status.getInitContainerStatuses()));
      out.setStatus(s);
    }
    return out;
  }

  /** The TaskRun as the watcher keeps it (see the class comment); null for null. */
  public TaskRun taskRun(TaskRun tr) {
    if (tr == null) {
      return null;
    }
    TaskRun out = new TaskRun();
    out.setApiVersion(tr.getApiVersion());
    out.setKind(tr.getKind());
    out.setMetadata(metadata(tr.getMetadata()));
    TaskRunSpec spec = tr.getSpec();
    if (spec != null) {
      TaskRunSpec s = new TaskRunSpec();
      s.taskRef = spec.taskRef;
      s.taskSpec = taskSpec(spec.taskSpec);
      s.debug = spec.debug;
      s.status = spec.status;
      s.statusMessage = spec.statusMessage;
      s.timeout = spec.timeout;
      s.serviceAccountName = spec.serviceAccountName;
      s.retries = spec.retries;
      out.setSpec(s);
    } else {
      out.setSpec(null);
    }
    out.setStatus(status(tr.getStatus()));
    return out;
  }

  private static TaskRunStatus status(TaskRunStatus status) {
    if (status == null) {
      return null;
    }
    TaskRunStatus s = new TaskRunStatus();
    s.observedGeneration = status.observedGeneration;
    s.conditions = status.conditions;
    s.startTime = status.startTime;
    s.completionTime = status.completionTime;
    s.spanContext = status.spanContext;
    s.podName = status.podName;
    s.taskSpec = taskSpec(status.taskSpec);
    if (status.steps != null) {
      List<StepState> steps = new ArrayList<>(status.steps.size());
      for (StepState step : status.steps) {
        steps.add(step == null ? null : step(step));
      }
      s.steps = steps;
    } else {
      s.steps = null;
    }
    if (status.retriesStatus != null) {
      List<TaskRunStatus> retries = new ArrayList<>(status.retriesStatus.size());
      for (TaskRunStatus r : status.retriesStatus) {
        retries.add(status(r));
      }
      s.retriesStatus = retries;
    } else {
      s.retriesStatus = null;
    }
    return s;
  }

  private static StepState step(StepState step) {
    StepState s = new StepState();
    s.name = step.name;
    s.container = step.container;
    s.waiting = step.waiting;
    s.running = step.running;
    s.terminated = step.terminated;
    s.terminationReason = step.terminationReason;
    return s;
  }

  private static TaskSpec taskSpec(TaskSpec spec) {
    if (spec == null) {
      return null;
    }
    TaskSpec t = new TaskSpec();
    if (spec.steps != null) {
      List<Step> steps = new ArrayList<>(spec.steps.size());
      for (Step step : spec.steps) {
        Step s = null;
        if (step != null) {
          s = new Step();
          s.name = step.name;
        }
        steps.add(s);
      }
      t.steps = steps;
    } else {
      t.steps = null;
    }
    return t;
  }

  private ObjectMeta metadata(ObjectMeta m) {
    if (m == null) {
      return null;
    }
    ObjectMeta out = new ObjectMeta();
    out.setName(m.getName());
    out.setNamespace(m.getNamespace());
    out.setUid(m.getUid());
    out.setResourceVersion(m.getResourceVersion());
    out.setGeneration(m.getGeneration());
    out.setCreationTimestamp(m.getCreationTimestamp());
    out.setDeletionTimestamp(m.getDeletionTimestamp());
    out.setLabels(kept(m.getLabels(), refs::readsLabel));
    out.setAnnotations(kept(m.getAnnotations(), refs::readsAnnotation));
    out.setOwnerReferences(m.getOwnerReferences());
    return out;
  }

  /**
   * The entries whose key is read, in an immutable map without entry objects, keys interned (the
   * same few keys recur on every run and Pod); a map holding a null falls back to a copy.
   */
  private static Map<String, String> kept(Map<String, String> all, Predicate<String> read) {
    if (all == null) {
      return null;
    }
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    boolean nulls = false;
    for (Map.Entry<String, String> e : all.entrySet()) {
      if (e.getKey() != null && read.test(e.getKey())) {
        nulls |= e.getValue() == null;
        entries.add(e);
      }
    }
    if (nulls) {
      Map<String, String> copy = new LinkedHashMap<>();
      entries.forEach(e -> copy.put(e.getKey().intern(), e.getValue()));
      return copy;
    }
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] interned = new Map.Entry[entries.size()];
    for (int i = 0; i < interned.length; i++) {
      interned[i] = Map.entry(entries.get(i).getKey().intern(), entries.get(i).getValue());
    }
    return Map.ofEntries(interned);
  }

  private static List<ContainerStatus> containerStatuses(List<ContainerStatus> statuses) {
    if (statuses == null) {
      return null;
    }
    List<ContainerStatus> out = new ArrayList<>(statuses.size());
    for (ContainerStatus cs : statuses) {
      if (cs == null) {
        out.add(null);
        continue;
      }
      ContainerStatus kept = new ContainerStatus();
      kept.setName(cs.getName());
      kept.setState(cs.getState());
      out.add(kept);
    }
    return out;
  }
}
