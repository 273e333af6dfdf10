package dev.pitstop.engine.breakpoint;

import java.util.Objects;

/**
 * Where a step can wait: a step of a TaskRun, by names (what a person types, and what a {@code
 * dev.pitstop.command.*} names).
 *
 * @param namespace the TaskRun's namespace
 * @param taskRun the TaskRun's name
 * @param step the step name as in {@code status.steps[].name} (not the {@code step-} container)
 */
public record BreakpointKey(String namespace, String taskRun, String step) {
  public BreakpointKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(taskRun, "taskRun");
    Objects.requireNonNull(step, "step");
  }

  /** {@code namespace/taskRun step <step>}, for logs and messages. */
  @Override
  public String toString() {
    return namespace + "/" + taskRun + " step " + step;
  }
}
