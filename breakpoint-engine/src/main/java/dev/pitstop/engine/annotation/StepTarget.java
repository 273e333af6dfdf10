package dev.pitstop.engine.annotation;

import java.util.Objects;

/**
 * A step named by a breakpoint: {@code task/step} in a PipelineRun's annotation (the PipelineTask
 * and the Task's step name), {@code step} in a TaskRun's (then {@code task} is null).
 *
 * @param task the PipelineTask's name, or null on a TaskRun
 * @param step the step's name as in the Task (not the {@code step-} container)
 */
public record StepTarget(String task, String step) {
  public StepTarget {
    Objects.requireNonNull(step, "step");
  }

  @Override
  public String toString() {
    return task == null ? step : task + "/" + step;
  }
}
