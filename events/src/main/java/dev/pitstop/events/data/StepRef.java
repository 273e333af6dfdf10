package dev.pitstop.events.data;

/**
 * A step of a TaskRun.
 *
 * @param name the step name as in {@code status.steps[].name} ({@code unnamed-<i>} when unnamed)
 * @param index 0-based position among the Task's steps (= the entrypoint's step index)
 * @param container the container running it, {@code step-<name>}
 * @param pod the TaskRun's Pod name, or null when not known
 */
public record StepRef(String name, int index, String container, String pod) {}
