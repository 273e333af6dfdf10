package dev.pitstop.engine.hold;

import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.RunRef;
import java.time.Instant;

/**
 * A TaskRun Pitstop created held ({@code spec.status: TaskRunPending}), as the engine knows it
 * (immutable; {@link HoldBook} replaces it on every change).
 *
 * @param run the TaskRun, as the pending observation named it
 * @param breakpoint the kind that holds it ({@code beforeTasks}, {@code afterTasks}, {@code
 *     afterSteps}, {@code beforeSteps}), from its {@code pitstop.dev/held-by} annotation
 * @param cause the annotation's value, e.g. {@code afterTasks:compile}
 * @param heldSince the TaskRun's creation time
 * @param state where it stands
 * @param release the command releasing or that released it; else null
 * @param decidedAt when released or ended; else null
 * @param endReason why it ended; else null
 */
public record Hold(
    RunRef run,
    String breakpoint,
    String cause,
    Instant heldSince,
    State state,
    Command release,
    Instant decidedAt,
    String endReason) {

  /** Where a hold stands. */
  public enum State {
    /** The TaskRun waits, pending; a command may release it. */
    HELD,
    /** A release's patch is under way. */
    RELEASING,
    /** Released through Pitstop (started, or cancelled by fail-continue). */
    RELEASED,
    /** Ended otherwise: the run finished, was deleted, or was started by someone else. */
    ENDED
  }

  /** True while the TaskRun still waits (held, or a release under way). */
  public boolean waiting() {
    return state == State.HELD || state == State.RELEASING;
  }

  /** {@code namespace/name}. */
  public String key() {
    return run.namespace() + "/" + run.name();
  }

  Hold with(State s, Command c, Instant at, String reason) {
    return new Hold(run, breakpoint, cause, heldSince, s, c, at, reason);
  }
}
