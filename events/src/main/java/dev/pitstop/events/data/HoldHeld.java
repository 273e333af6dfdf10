package dev.pitstop.events.data;

import java.time.Instant;

/**
 * The engine decided that a TaskRun is held (created {@code TaskRunPending} by Pitstop's admission
 * webhook): data of {@code dev.pitstop.hold.held.v1}. A held task has no Pod and no timeout clock,
 * but its PipelineRun's timeouts keep running.
 *
 * @param breakpoint the kind that holds it: {@code beforeTasks}, {@code onTasks}, {@code
 *     afterTasks}, {@code afterSteps}, or {@code unknown} when the TaskRun carries no Pitstop
 *     annotation saying why
 * @param cause a sentence naming the declaration, e.g. {@code afterTasks: [compile]}
 * @param heldSince when the TaskRun was created
 * @param decidedAt when the engine decided
 */
public record HoldHeld(
    RunRef run, String breakpoint, String cause, Instant heldSince, Instant decidedAt)
    implements EventData {}
