package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A pause ended without a release through Pitstop: data of {@code dev.pitstop.breakpoint.ended.v1}.
 *
 * @param reason Tekton's reason when the TaskRun ended ({@code TaskRunTimeout}, {@code
 *     TaskRunCancelled}, ...), {@code Deleted} when it vanished, or {@code StepFinished} when the
 *     step went on (released outside Pitstop, e.g. by kubectl exec)
 * @param pausedAt when the pause began
 * @param decidedAt when the engine decided the pause had ended (decisions carry the time decided)
 */
public record BreakpointEnded(
    RunRef run,
    StepRef step,
    Mechanism mechanism,
    String reason,
    Instant pausedAt,
    Instant decidedAt)
    implements EventData {}
