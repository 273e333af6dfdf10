package dev.pitstop.engine.hold;

/**
 * How a {@link dev.pitstop.engine.breakpoint.Action.ReleaseHold} patch went.
 *
 * @param namespace the TaskRun's namespace
 * @param taskRun the TaskRun's name
 * @param commandId the command carried out
 * @param error null when the patch was applied; else why not (bounded by the caller)
 */
public record PatchOutcome(String namespace, String taskRun, String commandId, String error) {
  public boolean succeeded() {
    return error == null;
  }
}
