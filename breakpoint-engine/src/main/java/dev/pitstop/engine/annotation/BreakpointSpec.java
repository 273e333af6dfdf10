package dev.pitstop.engine.annotation;

import java.time.Duration;
import java.util.Set;

/**
 * The breakpoints a run declares in its {@value BreakpointAnnotation#KEY} annotation, validated
 * ({@link BreakpointAnnotation#parse}). Shaped like TEP-0097's {@code debug} block, with TEP-0149's
 * {@code onTasks}/{@code onSteps} read as synonyms of {@code beforeTasks}/{@code beforeSteps}.
 *
 * @param onFailure every step of every (child) TaskRun pauses when it fails (Tekton's {@code
 *     onFailure: enabled})
 * @param beforeTasks PipelineTasks whose TaskRun is created held ({@code TaskRunPending})
 * @param afterTasks PipelineTasks whose direct dependents are created held
 * @param beforeSteps steps that pause before they run (Tekton's {@code beforeSteps})
 * @param afterSteps steps after which the run pauses: {@code beforeSteps} on the next step; after
 *     the last step, the task's direct dependents are held
 * @param timeout how long a step may stay paused or a task held before {@code onTimeout} applies,
 *     or null for no limit (Tekton's own timeouts still apply)
 * @param onTimeout what happens at {@code timeout}; {@link TimeoutPolicy#LEAVE} by default
 * @param warnBefore how long before a deadline (ours or Tekton's) to warn, or null for the engine's
 *     default
 */
public record BreakpointSpec(
    boolean onFailure,
    Set<String> beforeTasks,
    Set<String> afterTasks,
    Set<StepTarget> beforeSteps,
    Set<StepTarget> afterSteps,
    Duration timeout,
    TimeoutPolicy onTimeout,
    Duration warnBefore) {

  /** No breakpoint. */
  public static final BreakpointSpec NONE =
      new BreakpointSpec(
          false, Set.of(), Set.of(), Set.of(), Set.of(), null, TimeoutPolicy.LEAVE, null);

  public BreakpointSpec {
    beforeTasks = Set.copyOf(beforeTasks);
    afterTasks = Set.copyOf(afterTasks);
    beforeSteps = Set.copyOf(beforeSteps);
    afterSteps = Set.copyOf(afterSteps);
    onTimeout = onTimeout == null ? TimeoutPolicy.LEAVE : onTimeout;
  }

  /** True when nothing is declared that would pause or hold. */
  public boolean isEmpty() {
    return !onFailure
        && beforeTasks.isEmpty()
        && afterTasks.isEmpty()
        && beforeSteps.isEmpty()
        && afterSteps.isEmpty();
  }
}
