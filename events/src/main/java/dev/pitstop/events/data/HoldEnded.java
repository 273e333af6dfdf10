package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A hold ended without a release through Pitstop: data of {@code dev.pitstop.hold.ended.v1}.
 *
 * @param reason the TaskRun's or PipelineRun's finishing reason ({@code PipelineRunTimeout}, {@code
 *     Cancelled}, {@code Deleted}, ...), or {@code StartedOutsidePitstop} when the TaskRun started
 *     without Pitstop's release (someone cleared {@code spec.status})
 * @param heldSince when the hold began
 * @param decidedAt when the engine decided
 */
public record HoldEnded(RunRef run, String reason, Instant heldSince, Instant decidedAt)
    implements EventData {}
