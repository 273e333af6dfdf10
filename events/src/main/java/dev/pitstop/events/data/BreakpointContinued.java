package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A paused step was released: data of {@code dev.pitstop.breakpoint.continued.v1}.
 *
 * @param action continue or fail-continue
 * @param by who asked
 * @param via through what: {@code api}, {@code cli}, {@code slack}, {@code auto}
 * @param pausedAt when the pause began
 * @param decidedAt when the release was carried out (the script exec'd, or the ephemeral container
 *     added)
 * @param releasedThrough how the engine released the step: {@link #EXEC} (Tekton's debug script
 *     exec'd in the paused step's container) or {@link #EPHEMERAL_CONTAINER} (the step's image has
 *     no shell: an ephemeral container wrote the file the script would have written); null in
 *     events written before this field existed (then: exec)
 * @param releaseContainer the container that carried the release out: the step's container ({@code
 *     step-<name>}) for an exec, the ephemeral container's name otherwise; null when not known
 * @param commandId the {@code requestId} of the command that released the step, so whoever sent it
 *     can match the outcome (e.g. an engine instance answering the API request); null in events
 *     written before this field existed
 */
public record BreakpointContinued(
    RunRef run,
    StepRef step,
    Mechanism mechanism,
    Action action,
    Identity by,
    String via,
    Instant pausedAt,
    Instant decidedAt,
    String releasedThrough,
    String releaseContainer,
    String commandId)
    implements EventData {
  /** {@code releasedThrough}: Tekton's script exec'd in the paused step's container. */
  public static final String EXEC = "exec";

  /** {@code releasedThrough}: an ephemeral container added to the TaskRun's Pod. */
  public static final String EPHEMERAL_CONTAINER = "ephemeralContainer";

  /** A release without the command's id (as written before {@code commandId} existed). */
  public BreakpointContinued(
      RunRef run,
      StepRef step,
      Mechanism mechanism,
      Action action,
      Identity by,
      String via,
      Instant pausedAt,
      Instant decidedAt,
      String releasedThrough,
      String releaseContainer) {
    this(
        run,
        step,
        mechanism,
        action,
        by,
        via,
        pausedAt,
        decidedAt,
        releasedThrough,
        releaseContainer,
        null);
  }

  /** A release whose means is not stated (as written before {@code releasedThrough} existed). */
  public BreakpointContinued(
      RunRef run,
      StepRef step,
      Mechanism mechanism,
      Action action,
      Identity by,
      String via,
      Instant pausedAt,
      Instant decidedAt) {
    this(run, step, mechanism, action, by, via, pausedAt, decidedAt, null, null, null);
  }
}
