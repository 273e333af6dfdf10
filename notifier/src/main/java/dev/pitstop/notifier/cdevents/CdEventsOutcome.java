package dev.pitstop.notifier.cdevents;

import dev.pitstop.events.data.RunFinished;
import java.util.Map;

/**
 * The CDEvents {@code outcome} of a finished run (CDEvents spec v0.4, {@code pipelineRun} and
 * {@code taskRun} subjects: {@code success}, {@code error}, {@code failure}, {@code cancel}),
 * decided from Tekton's {@code Succeeded} condition. One table, {@link #BY_REASON}:
 *
 * <table>
 *   <caption>Tekton reason → CDEvents outcome</caption>
 *   <tr><th>Tekton condition</th><th>outcome</th><th>why</th></tr>
 *   <tr><td>status {@code True} (any reason: {@code Succeeded}, {@code Completed})</td>
 *       <td>{@code success}</td><td>the run did its work</td></tr>
 *   <tr><td>{@code Cancelled}, {@code PipelineRunCancelled}, {@code TaskRunCancelled},
 *       {@code CancelledRunningFinally}, {@code StoppedRunningFinally}, {@code PipelineRunStopping},
 *       {@code Deleted} (Pitstop: deleted before it finished)</td>
 *       <td>{@code cancel}</td><td>someone stopped it</td></tr>
 *   <tr><td>{@code CouldntGetPipeline}, {@code CouldntGetTask}, {@code PipelineValidationFailed},
 *       {@code InvalidTaskResultReference}, {@code TaskRunResolutionFailed},
 *       {@code TaskRunValidationFailed}, {@code TaskRunImagePullFailed},
 *       {@code CreateContainerConfigError}, {@code PodCreationFailed}, {@code PodEvicted},
 *       {@code ExceededNodeResources}, {@code ExceededResourceQuota}</td>
 *       <td>{@code error}</td><td>it could not run as written: configuration or
 *       infrastructure, not the work itself</td></tr>
 *   <tr><td>any other {@code False} reason ({@code Failed}, {@code StepFailed}, {@code StepOOM},
 *       {@code TaskRunTimeout}, {@code PipelineRunTimeout}, {@code
 *       PipelineRunTimeoutRunningFinally}, ...)</td>
 *       <td>{@code failure}</td><td>the work ran and did not succeed (a timeout included)</td></tr>
 *   <tr><td>status {@code Unknown} with another reason</td><td>{@code error}</td>
 *       <td>Pitstop reports no finish in that state; kept defined</td></tr>
 * </table>
 *
 * Reasons are Tekton's ({@code pkg/apis/pipeline/v1/pipelinerun_types.go}, {@code
 * taskrun_types.go}; docs/tekton-facts.md §2).
 */
public enum CdEventsOutcome {
  SUCCESS("success"),
  ERROR("error"),
  FAILURE("failure"),
  CANCEL("cancel");

  /** Reasons of a run that did not succeed whose outcome is not {@link #FAILURE}. */
  public static final Map<String, CdEventsOutcome> BY_REASON =
      Map.ofEntries(
          Map.entry("Cancelled", CANCEL),
          Map.entry("PipelineRunCancelled", CANCEL),
          Map.entry("TaskRunCancelled", CANCEL),
          Map.entry("CancelledRunningFinally", CANCEL),
          Map.entry("StoppedRunningFinally", CANCEL),
          Map.entry("PipelineRunStopping", CANCEL),
          Map.entry("Deleted", CANCEL),
          Map.entry("CouldntGetPipeline", ERROR),
          Map.entry("CouldntGetTask", ERROR),
          Map.entry("PipelineValidationFailed", ERROR),
          Map.entry("InvalidTaskResultReference", ERROR),
          Map.entry("TaskRunResolutionFailed", ERROR),
          Map.entry("TaskRunValidationFailed", ERROR),
          Map.entry("TaskRunImagePullFailed", ERROR),
          Map.entry("CreateContainerConfigError", ERROR),
          Map.entry("PodCreationFailed", ERROR),
          Map.entry("PodEvicted", ERROR),
          Map.entry("ExceededNodeResources", ERROR),
          Map.entry("ExceededResourceQuota", ERROR));

  private final String value;

  CdEventsOutcome(String value) {
    this.value = value;
  }

  /** The spec's value: {@code success}, {@code error}, {@code failure} or {@code cancel}. */
  public String value() {
    return value;
  }

  /** The outcome of a finished run, per the table above. */
  public static CdEventsOutcome of(RunFinished f) {
    if (f.isSuccess()) {
      return SUCCESS;
    }
    CdEventsOutcome byReason = f.reason() == null ? null : BY_REASON.get(f.reason());
    if (byReason != null) {
      return byReason;
    }
    return "False".equals(f.succeeded()) ? FAILURE : ERROR;
  }
}
