package dev.pitstop.engine.breakpoint;

/**
 * How an {@link Action.AddReleaseContainer} went: added, then confirmed by the container's status
 * ({@link ReleaseContainerStatus}).
 *
 * @param key the breakpoint of the release
 * @param commandId the command carried out
 * @param name the ephemeral container's name
 * @param error null when the container released the step (it terminated with exit code 0, or the
 *     step went on); else why not (the API's status and message when it could not be added, or the
 *     container's status: a non-zero exit, an image pull error, no result in time), bounded by the
 *     caller
 * @param added whether the container is in the Pod (added now or by an earlier attempt of this
 *     command); false when the API refused it or the Pod was not found
 */
public record EphemeralOutcome(
    BreakpointKey key, String commandId, String name, String error, boolean added) {

  /** An outcome where the container was added exactly when there is no error. */
  public EphemeralOutcome(BreakpointKey key, String commandId, String name, String error) {
    this(key, commandId, name, error, error == null);
  }

  public boolean succeeded() {
    return error == null;
  }
}
