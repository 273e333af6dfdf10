package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A step's entry in TaskRun {@code status.steps[]} became terminated: data of {@code
 * dev.pitstop.step.finished.v1}.
 *
 * @param exitCode {@code terminated.exitCode}
 * @param terminationReason {@code terminationReason} (Completed, Error, Continued, Skipped, ...) or
 *     {@code terminated.reason} when Tekton set none
 * @param startedAt {@code terminated.startedAt}: the real command start (excludes a before-step
 *     pause)
 * @param finishedAt {@code terminated.finishedAt}
 * @param message {@code terminated.message}, or null
 */
public record StepFinished(
    RunRef run,
    StepRef step,
    int exitCode,
    String terminationReason,
    Instant startedAt,
    Instant finishedAt,
    String message)
    implements EventData {}
