package dev.pitstop.events.data;

import java.time.Instant;

/**
 * Something about a run's breakpoints a person must know: data of {@code
 * dev.pitstop.breakpoint.warning.v1}. Never silent: an invalid annotation, a breakpoint that could
 * not be injected, a deadline coming.
 *
 * @param run the run concerned (for the admission of a TaskRun: the TaskRun being created, whose
 *     uid is not known yet, or its PipelineRun)
 * @param reason one of {@code InvalidAnnotation}, {@code AlphaFieldsDisabled}, {@code
 *     UnknownTarget}, {@code TimeoutAhead}, {@code TimeoutAction}, {@code NoPipelineRun}, {@code
 *     NoShell}
 * @param message a sentence for a person (bounded by the engine)
 * @param deadline for timeout warnings, the deadline; else null
 * @param decidedAt when the engine decided
 */
public record BreakpointWarning(
    RunRef run, String reason, String message, Instant deadline, Instant decidedAt)
    implements EventData {
  public static final String INVALID_ANNOTATION = "InvalidAnnotation";
  public static final String ALPHA_FIELDS_DISABLED = "AlphaFieldsDisabled";
  public static final String UNKNOWN_TARGET = "UnknownTarget";
  public static final String TIMEOUT_AHEAD = "TimeoutAhead";
  public static final String TIMEOUT_ACTION = "TimeoutAction";
  public static final String NO_PIPELINE_RUN = "NoPipelineRun";

  /**
   * A release's exec of Tekton's {@code #!/bin/sh} debug script failed because the step's image has
   * no shell (distroless; exit 126/127, "executable file not found"); the engine releases the step
   * through an ephemeral container instead (tekton-facts.md §2). The message names the exec's error
   * and the ephemeral container.
   */
  public static final String NO_SHELL = "NoShell";
}
