package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A paused step was released: data of {@code dev.pitstop.breakpoint.continued.v1}.
 *
 * @param action continue or fail-continue
 * @param by who asked
 * @param via through what: {@code api}, {@code cli}, {@code slack}, {@code auto}
 * @param pausedAt when the pause began
 * @param decidedAt when the release was carried out (the script exec'd)
 */
public record BreakpointContinued(
    RunRef run,
    StepRef step,
    Mechanism mechanism,
    Action action,
    Identity by,
    String via,
    Instant pausedAt,
    Instant decidedAt)
    implements EventData {}
