package dev.pitstop.events.data;

import java.time.Instant;

/**
 * A TaskRun exists but is held by {@code spec.status: TaskRunPending} (Tekton v1.11.0+: no Pod, no
 * start time, condition {@code Succeeded=Unknown} reason {@code TaskRunPending}; tekton-facts.md
 * §1): data of {@code dev.pitstop.taskrun.pending.v1}.
 *
 * @param createdAt {@code metadata.creationTimestamp}: since when it is held
 * @param message the condition's message (e.g. {@code TaskRun "x" is pending}), or null when Tekton
 *     has not set a condition yet
 */
public record RunPending(RunRef run, Instant createdAt, String message) implements EventData {}
