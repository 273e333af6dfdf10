package dev.pitstop.engine.breakpoint;

/**
 * How an {@link Action.Exec} went.
 *
 * @param key the breakpoint of the exec
 * @param commandId the command carried out
 * @param exitCode the command's exit code (0 = released); {@link #NOT_RUN} when the exec could not
 *     be made at all (Pod gone, API error, timeout)
 * @param stderr what the command wrote to standard error, or why the exec failed (bounded by the
 *     caller; may be empty, never null)
 */
public record ExecOutcome(BreakpointKey key, String commandId, int exitCode, String stderr) {
  /** The exit code reported when no exit code could be had. */
  public static final int NOT_RUN = -1;

  public ExecOutcome {
    stderr = stderr == null ? "" : stderr;
  }

  public boolean succeeded() {
    return exitCode == 0;
  }
}
