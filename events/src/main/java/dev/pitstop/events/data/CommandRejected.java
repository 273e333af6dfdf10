package dev.pitstop.events.data;

import java.time.Instant;

/**
 * The engine did not carry out a command: data of {@code dev.pitstop.command.rejected.v1}.
 *
 * @param command the command as received
 * @param reason {@code NotPaused} (nothing waits there, e.g. a second continue), {@code
 *     ExecFailed}, {@code Forbidden}, {@code NotHeld}, {@code ReleaseFailed}
 * @param message a sentence for the person who asked
 * @param decidedAt when the engine decided
 */
public record CommandRejected(Command command, String reason, String message, Instant decidedAt)
    implements EventData {
  public static final String NOT_PAUSED = "NotPaused";
  public static final String EXEC_FAILED = "ExecFailed";
  public static final String FORBIDDEN = "Forbidden";

  /** The command names a TaskRun that is not held (any more). */
  public static final String NOT_HELD = "NotHeld";

  /** The patch releasing a held TaskRun failed; it stays held. */
  public static final String RELEASE_FAILED = "ReleaseFailed";

  @Override
  public RunRef run() {
    return command.run();
  }
}
