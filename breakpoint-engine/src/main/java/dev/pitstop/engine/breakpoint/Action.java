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
}
