package dev.pitstop.engine.breakpoint;

import java.time.Instant;

/**
 * What became of a command, for {@code GET /v1/commands/{id}}.
 *
 * @param commandId the command's {@code requestId}
 * @param status {@link Status#PENDING} until decided
 * @param reason for a rejection {@code NotPaused} or {@code ExecFailed}; else null
 * @param message a sentence for the person who asked; null while pending
 * @param decidedAt when decided; null while pending
 */
public record CommandOutcome(
    String commandId, Status status, String reason, String message, Instant decidedAt) {

  /** The states of a command. */
  public enum Status {
    /** Accepted, not decided yet. */
    PENDING,
    /** Carried out: the step was released ({@code breakpoint.continued}). */
    CONTINUED,
    /** Not carried out ({@code command.rejected}). */
    REJECTED;

    /** Lower-case, as written in JSON. */
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static CommandOutcome pending(String commandId) {
    return new CommandOutcome(commandId, Status.PENDING, null, null, null);
  }
}
