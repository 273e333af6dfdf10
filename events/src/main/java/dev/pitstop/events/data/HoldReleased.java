package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A held TaskRun was released: data of {@code dev.pitstop.hold.released.v1}. {@code continue}
 * cleared {@code spec.status} (the TaskRun starts); {@code fail-continue} set {@code spec.status:
 * TaskRunCancelled} with a status message naming who, which Tekton treats as a failed task.
 *
 * @param action continue or fail-continue
 * @param by who asked
 * @param via {@code api}, {@code cli}, {@code slack}, {@code auto}
 * @param heldSince when the hold began
 * @param decidedAt when the patch was carried out
 * @param commandId the {@code requestId} of the command that released it, so whoever sent it can
 *     match the outcome; null in events written before this field existed
 */
public record HoldReleased(
    RunRef run,
    Action action,
    Identity by,
    String via,
    Instant heldSince,
    Instant decidedAt,
    String commandId)
    implements EventData {

  /** A release without the command's id (as written before {@code commandId} existed). */
  public HoldReleased(
      RunRef run, Action action, Identity by, String via, Instant heldSince, Instant decidedAt) {
    this(run, action, by, via, heldSince, decidedAt, null);
  }
}
