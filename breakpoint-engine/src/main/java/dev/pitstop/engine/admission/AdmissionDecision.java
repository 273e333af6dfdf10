package dev.pitstop.engine.admission;

import java.util.List;

/**
 * What to do with a TaskRun being created.
 *
 * @param patch the JSON Patch to return (empty: admit unchanged)
 * @param heldBy when the TaskRun is created {@code TaskRunPending}: the causes, e.g. {@code
 *     beforeTasks:deploy}; else null
 * @param warnings what a person must know (an invalid annotation, a breakpoint not injected)
 */
public record AdmissionDecision(List<PatchOp> patch, String heldBy, List<Warning> warnings) {
  public AdmissionDecision {
    patch = List.copyOf(patch);
    warnings = List.copyOf(warnings);
  }

  /**
   * A warning about the run.
   *
   * @param onPipelineRun true when about the PipelineRun (its annotation), false when about the
   *     TaskRun being created
   * @param reason a {@link dev.pitstop.events.data.BreakpointWarning} reason
   * @param message a sentence
   */
  public record Warning(boolean onPipelineRun, String reason, String message) {}
}
