package dev.pitstop.watcher.logs;

import dev.pitstop.tekton.TektonNames;
import dev.pitstop.tekton.model.Breakpoints;
import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunStatus;
import dev.pitstop.tekton.model.TaskSpec;
import dev.pitstop.watcher.mapping.ObservationMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides which step container of a debug-enabled TaskRun to follow: pure, no I/O.
 *
 * <p>A paused step has no status of its own (tekton-facts.md §2): it is running, the TaskRun says
 * {@code Running}, and only its log shows Tekton's marker line. Steps run one after another (step
 * <i>i</i> waits for step <i>i-1</i>'s post file), and both breakpoints take effect in the step
 * that is executing: {@code beforeSteps} when its predecessor is done, {@code onFailure} when its
 * own command fails. So at any time at most one container per TaskRun can hold a marker not yet
 * seen: the first step that is not terminated. Following it from the start of its log also finds a
 * marker written while the TaskRun's status lagged behind, or before a watcher restart.
 */
public final class PauseTargets {
  private PauseTargets() {}

  /**
   * The container to follow now, if any: the TaskRun is not done, has {@code
   * spec.debug.breakpoints} under which the current step can pause ({@code onFailure: enabled}:
   * every step; {@code beforeSteps}: the listed ones), its Pod is {@code pod} (named by {@code
   * status.podName}) and running, and the current step's container in the Pod is not terminated.
   *
   * @param pod the TaskRun's Pod as last seen, or null when not seen (then: nothing to follow yet)
   */
  public static Optional<FollowTarget> current(TaskRun tr, Pod pod) {
    return from(tr, pod, 0);
  }

  /**
   * The container to follow once step {@code endedIndex}'s log stream ended, before any status says
   * so: as {@link #current}, with every step up to {@code endedIndex} taken as terminated. A follow
   * stream ends when its container exits (the kubelet closes it), and the next step's entrypoint
   * writes its {@code beforeSteps} marker as soon as it sees that step's post file -- while the
   * Pod's container status (the kubelet's next status sync) and the TaskRun's {@code status.steps}
   * (the controller's next reconcile) still say running, often for seconds.
   *
   * @param endedIndex the 0-based index of the step whose log ended
   * @return empty also when there is no later step
   */
  public static Optional<FollowTarget> after(TaskRun tr, Pod pod, int endedIndex) {
    return from(tr, pod, endedIndex + 1);
  }

  private static Optional<FollowTarget> from(TaskRun tr, Pod pod, int atLeast) {
    TaskRunStatus status = tr.getStatus();
    Breakpoints bp = tr.getSpec() == null ? null : tr.getSpec().breakpoints();
    if (bp == null || status == null || status.isDone() || pod == null) {
      return Optional.empty();
    }
    if (status.podName == null || !status.podName.equals(pod.getMetadata().getName())) {
      return Optional.empty();
    }
    if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    List<String> steps = stepNames(tr, status);
    int current = firstNotTerminated(status, steps.size());
    if (current < 0 || atLeast >= steps.size()) {
      return Optional.empty();
    }
    current = Math.max(current, atLeast);
    String name = steps.get(current);
    boolean canPause =
        bp.onFailureEnabled() || (bp.beforeSteps != null && bp.beforeSteps.contains(name));
    String container = TektonNames.STEP_PREFIX + name;
    if (!canPause || terminatedInPod(pod, container)) {
      return Optional.empty();
    }
    return Optional.of(
        new FollowTarget(
            tr.getMetadata().getNamespace(),
            tr.getMetadata().getName(),
            pod.getMetadata().getName(),
            container,
            current));
  }

  /** Step names by index: from {@code status.steps}, else from the resolved Task spec. */
  private static List<String> stepNames(TaskRun tr, TaskRunStatus status) {
    List<String> names = new ArrayList<>();
    if (status.steps != null && !status.steps.isEmpty()) {
      for (int i = 0; i < status.steps.size(); i++) {
        StepState s = status.steps.get(i);
        if (s != null && s.name != null && !s.name.isBlank()) {
          names.add(s.name);
        } else if (s != null
            && s.container != null
            && s.container.startsWith(TektonNames.STEP_PREFIX)) {
          names.add(TektonNames.stepNameOfContainer(s.container));
        } else {
          names.add("unnamed-" + i);
        }
      }
      return names;
    }
    TaskSpec spec = ObservationMapper.taskSpec(tr);
    return spec == null || spec.steps == null ? names : TektonNames.stepNames(spec.steps);
  }

  private static int firstNotTerminated(TaskRunStatus status, int count) {
    for (int i = 0; i < count; i++) {
      if (status.steps == null
          || i >= status.steps.size()
          || status.steps.get(i) == null
          || status.steps.get(i).terminated == null) {
        return i;
      }
    }
    return -1;
  }

  private static boolean terminatedInPod(Pod pod, String container) {
    List<ContainerStatus> cs = pod.getStatus().getContainerStatuses();
    if (cs == null) {
      return false;
    }
    return cs.stream()
        .anyMatch(
            c ->
                container.equals(c.getName())
                    && c.getState() != null
                    && c.getState().getTerminated() != null);
  }
}
