package dev.pitstop.events.data;

import java.time.Instant;
import java.util.List;

/**
 * A PipelineRun or TaskRun finished: data of {@code dev.pitstop.pipelinerun.finished.v1} and {@code
 * dev.pitstop.taskrun.finished.v1}. Values are Tekton's own.
 *
 * @param succeeded the {@code Succeeded} condition's status, {@code True} or {@code False}; {@code
 *     Unknown} with reason {@code Deleted} when the run was deleted before it finished
 * @param reason the condition's reason, e.g. {@code Succeeded}, {@code Completed}, {@code Failed},
 *     {@code TaskRunTimeout}; {@code Deleted} (Pitstop's) for a run deleted before it finished
 * @param message the condition's message
 * @param startTime {@code status.startTime}, or null when the run never started
 * @param completionTime {@code status.completionTime}, or the condition's {@code
 *     lastTransitionTime} when Tekton set none
 * @param skippedTasks for a PipelineRun, {@code status.skippedTasks}; else empty
 */
public record RunFinished(
    RunRef run,
    String succeeded,
    String reason,
    String message,
    Instant startTime,
    Instant completionTime,
    List<SkippedTask> skippedTasks)
    implements EventData {
  public RunFinished {
    skippedTasks = skippedTasks == null ? List.of() : List.copyOf(skippedTasks);
  }

  /** True when {@code succeeded} is {@code True}. */
  public boolean isSuccess() {
    return "True".equals(succeeded);
  }
}
