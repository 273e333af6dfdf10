package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A step could start: data of {@code dev.pitstop.step.started.v1}. A step's start is not observable
 * live (every step container runs from Pod start, tekton-facts.md §4); this is when the previous
 * step terminated ({@code finishedAt}), or for step 0 when the Pod became initialized (else the
 * TaskRun's start). The real command start comes later in {@link StepFinished#startedAt()}.
 *
 * @param startedAt the time the step could start
 */
public record StepStarted(RunRef run, StepRef step, Instant startedAt) implements EventData {}
