package dev.pitstop.engine.breakpoint;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a release container did its work, read from its Pod (pure). The API server accepting an
 * ephemeral container says nothing about whether it ran: the kubelet may fail to pull its image or
 * to create it, or its command may fail. What it did is in the Pod's {@code
 * status.ephemeralContainerStatuses[name]} (Kubernetes {@code ContainerStatus}, one per ephemeral
 * container, written by the kubelet; ephemeral containers are never restarted).
 *
 * <p>The rules, first match wins:
 *
 * <ol>
 *   <li>no Pod → {@link Verdict.Failed} (the Pod is gone: the run ended or was deleted);
 *   <li>{@code terminated} with exit code 0 → {@link Verdict.Released};
 *   <li>the paused step's own container ({@code targetContainer}) is {@code terminated} → {@link
 *       Verdict.Released}: the step went on (the container wrote its file and the kubelet has not
 *       reported it yet);
 *   <li>{@code terminated} with another exit code → {@link Verdict.Failed};
 *   <li>{@code waiting} with a reason the kubelet does not get out of by itself for this container
 *       ({@link #FATAL_WAITING}: image pull and container creation errors) → {@link
 *       Verdict.Failed};
 *   <li>the Pod's phase is {@code Succeeded} or {@code Failed} → {@link Verdict.Failed} (nothing
 *       starts in it any more);
 *   <li>otherwise (no status yet, {@code waiting ContainerCreating}, {@code running}) → {@link
 *       Verdict.Pending}.
 * </ol>
 *
 * <p>{@code ErrImagePull} is retried by the kubelet ({@code ImagePullBackOff}), so a container
 * refused here may still run later; if it then writes its file the step goes on and the watcher's
 * {@code step.finished} ends the pause as {@code StepFinished} (released outside Pitstop).
 */
public final class ReleaseContainerStatus {
  /**
   * The {@code waiting} reasons taken as failures (Kubernetes {@code pkg/kubelet/images/types.go},
   * {@code pkg/kubelet/kuberuntime/kuberuntime_container.go}, {@code pkg/kubelet/container}).
   */
  public static final Set<String> FATAL_WAITING =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "ErrImageNeverPull",
          "InvalidImageName",
          "ImageInspectError",
          "RegistryUnavailable",
          "SignatureValidationFailed",
          "CreateContainerError",
          "CreateContainerConfigError",
          "PreCreateHookError",
          "PreStartHookError",
          "PostStartHookError",
          "RunContainerError",
          "CrashLoopBackOff");

  static final int MAX_MESSAGE = 512;

  private ReleaseContainerStatus() {}

  /** What a look at the Pod says. Each carries a short description of the status seen. */
  public sealed interface Verdict {
    /** A sentence fragment describing what was seen, e.g. {@code waiting (ErrImagePull: ...)}. */
    String status();

    /** The container did its work (or the step went on). */
    record Released(String status) implements Verdict {}

    /** The container did not and will not release the step. */
    record Failed(String status) implements Verdict {}

    /** Not decided yet: look again later. */
    record Pending(String status) implements Verdict {}
  }

  /**
   * Decides from {@code pod} whether ephemeral container {@code name} released the step running in
   * {@code targetContainer}.
   *
   * @param pod the Pod as read now, or null when it is not found
   * @param name the release container's name
   * @param targetContainer the paused step's container, {@code step-<name>}
   */
  public static Verdict decide(Pod pod, String name, String targetContainer) {
    if (pod == null) {
      return new Verdict.Failed("the Pod is gone");
    }
    var status = pod.getStatus();
    Optional<ContainerStatus> own =
        find(status == null ? null : status.getEphemeralContainerStatuses(), name);
    ContainerState state = own.map(ContainerStatus::getState).orElse(null);
    ContainerStateTerminated term = state == null ? null : state.getTerminated();
    if (term != null && term.getExitCode() != null && term.getExitCode() == 0) {
      return new Verdict.Released(describe(state));
    }
    Optional<ContainerStatus> target =
        find(status == null ? null : status.getContainerStatuses(), targetContainer);
    if (target.map(ContainerStatus::getState).map(ContainerState::getTerminated).isPresent()) {
      return new Verdict.Released(
          "the step's container " + targetContainer + " has terminated: the step went on");
    }
    if (term != null) {
      return new Verdict.Failed(describe(state));
    }
    ContainerStateWaiting waiting = state == null ? null : state.getWaiting();
    if (waiting != null
        && waiting.getReason() != null
        && FATAL_WAITING.contains(waiting.getReason())) {
      return new Verdict.Failed(describe(state));
    }
    String phase = status == null ? null : status.getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return new Verdict.Failed(
          "the Pod has ended (phase "
              + phase
              + ")"
              + (state == null ? "" : ", " + describe(state)));
    }
    return new Verdict.Pending(state == null ? "no status reported yet" : describe(state));
  }

  /** E.g. {@code terminated with exit code 1 (Error): touch: read-only file system}. */
  static String describe(ContainerState s) {
    if (s.getTerminated() != null) {
      ContainerStateTerminated t = s.getTerminated();
      return "terminated with exit code "
          + t.getExitCode()
          + (t.getReason() == null ? "" : " (" + bounded(t.getReason()) + ")")
          + (t.getMessage() == null || t.getMessage().isBlank()
              ? ""
              : ": " + bounded(t.getMessage().strip()));
    }
    if (s.getWaiting() != null) {
      ContainerStateWaiting w = s.getWaiting();
      return "waiting"
          + (w.getReason() == null ? "" : " (" + bounded(w.getReason()))
          + (w.getMessage() == null || w.getMessage().isBlank()
              ? ""
              : (w.getReason() == null ? " (" : ": ") + bounded(w.getMessage().strip()))
          + (w.getReason() == null && (w.getMessage() == null || w.getMessage().isBlank())
              ? ""
              : ")");
    }
    if (s.getRunning() != null) {
      return "running";
    }
    return "no state reported";
  }

  private static Optional<ContainerStatus> find(List<ContainerStatus> statuses, String name) {
    if (statuses == null) {
      return Optional.empty();
    }
    return statuses.stream().filter(c -> c != null && name.equals(c.getName())).findFirst();
  }

  private static String bounded(String s) {
    return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "..." : s;
  }
}
