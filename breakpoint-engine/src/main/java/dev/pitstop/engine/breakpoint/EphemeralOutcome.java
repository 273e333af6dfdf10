package dev.pitstop.engine.breakpoint;

/**
 * How an {@link Action.AddReleaseContainer} went.
 *
 * @param key the breakpoint of the release
 * @param commandId the command carried out
 * @param name the ephemeral container's name
 * @param error null when the container was added (or had been added before under this name); else
 *     why not (API status and message, bounded by the caller)
 */
public record EphemeralOutcome(BreakpointKey key, String commandId, String name, String error) {
  public boolean succeeded() {
    return error == null;
  }
}
