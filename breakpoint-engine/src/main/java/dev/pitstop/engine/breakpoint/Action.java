package dev.pitstop.engine.breakpoint;

import dev.pitstop.events.PitstopEvent;
import java.util.List;

/**
 * What {@link BreakpointBook} decided the engine must do; an adapter carries it out. Sealed, so an
 * adapter's {@code switch} over it is checked for completeness.
 */
public sealed interface Action {

  /** Publish a decision ({@code dev.pitstop.breakpoint.*} or {@code command.rejected}). */
  record Publish(PitstopEvent event) implements Action {}

  /**
   * Run {@code command} in {@code container} of {@code pod} ({@code pods/exec}), then hand the
   * result back with {@link BreakpointBook#onExecResult(ExecOutcome)}.
   *
   * @param key the breakpoint released
   * @param commandId the {@code requestId} of the command being carried out
   * @param namespace the Pod's namespace
   * @param pod the TaskRun's Pod
   * @param container the paused step's container, {@code step-<name>}: Tekton's debug scripts act
   *     on the step whose container runs them (tekton-facts.md §2)
   * @param command e.g. {@code ["/tekton/debug/scripts/debug-continue"]}
   */
  record Exec(
      BreakpointKey key,
      String commandId,
      String namespace,
      String pod,
      String container,
      List<String> command)
      implements Action {
    public Exec {
      command = List.copyOf(command);
    }
  }

  /**
   * Release a paused step whose image has no shell: add an ephemeral container to the TaskRun's Pod
   * that writes what Tekton's debug script would have written ({@link ShellLessRelease#spec}),
   * through the Pod's {@code ephemeralcontainers} subresource, then hand the result back with
   * {@link BreakpointBook#onEphemeralResult(EphemeralOutcome)}. Adding a container of the same name
   * again is a no-op that succeeds (the name is derived from the command).
   *
   * @param key the breakpoint released
   * @param commandId the {@code requestId} of the command being carried out
   * @param namespace the Pod's namespace
   * @param pod the TaskRun's Pod
   * @param name the ephemeral container's name ({@link ShellLessRelease#containerName})
   * @param targetContainer the paused step's container, {@code step-<name>}
   * @param stepIndex the paused step's index, whose run volume is mounted
   * @param mechanism where the step waits (onFailure or beforeSteps)
   * @param action continue or fail-continue
   */
  record AddReleaseContainer(
      BreakpointKey key,
      String commandId,
      String namespace,
      String pod,
      String name,
      String targetContainer,
      int stepIndex,
      dev.pitstop.events.data.Mechanism mechanism,
      dev.pitstop.events.data.Action action)
      implements Action {}

  /**
   * Release a held TaskRun by a JSON Patch on it (through fabric8, on a worker), then hand the
   * result back with {@link dev.pitstop.engine.hold.HoldBook#onPatchResult}. The patch first tests
   * that {@code spec.status} is still {@code TaskRunPending}, so a repeat or a race cannot start or
   * cancel a TaskRun twice.
   *
   * @param namespace the TaskRun's namespace
   * @param taskRun the TaskRun's name
   * @param commandId the command carried out
   * @param cancel false: remove {@code spec.status} (the TaskRun starts); true: set {@code
   *     spec.status: TaskRunCancelled} and {@code spec.statusMessage} (Tekton treats the task as
   *     failed)
   * @param statusMessage for a cancel, the message naming who; else null
   */
  record ReleaseHold(
      String namespace, String taskRun, String commandId, boolean cancel, String statusMessage)
      implements Action {}
}
