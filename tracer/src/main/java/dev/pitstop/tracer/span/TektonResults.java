package dev.pitstop.tracer.span;

import dev.pitstop.events.data.RunFinished;
import io.opentelemetry.semconv.incubating.CicdIncubatingAttributes.CicdPipelineResultIncubatingValues;
import java.util.Map;

/**
 * The one table from Tekton's {@code Succeeded} condition reasons to the OpenTelemetry CI/CD result
 * values ({@code cicd.pipeline.result}, {@code cicd.pipeline.task.run.result}: {@code success},
 * {@code failure}, {@code error}, {@code timeout}, {@code cancellation}, {@code skip}). Reasons
 * from tekton-facts.md §4 ({@code pkg/apis/pipeline/v1/taskrun_types.go}, {@code
 * pipelinerun_types.go}, {@code pkg/pod/status.go}).
 *
 * <table>
 *   <caption>Tekton reason → CI/CD result</caption>
 *   <tr><th>Tekton reason (TaskRun or PipelineRun)</th><th>result</th></tr>
 *   <tr><td>any reason with {@code Succeeded=True}: {@code Succeeded}, {@code Completed}</td>
 *       <td>success</td></tr>
 *   <tr><td>{@code Failed}, {@code StepFailed}, {@code FailureIgnored} (failed, but the
 *       PipelineTask has {@code onError: continue}); any reason not listed here with
 *       {@code Succeeded=False}</td><td>failure</td></tr>
 *   <tr><td>{@code TaskRunTimeout}, {@code PipelineRunTimeout},
 *       {@code PipelineRunTimeoutRunningFinally}</td><td>timeout</td></tr>
 *   <tr><td>{@code TaskRunCancelled}, {@code Cancelled}, {@code PipelineRunCancelled},
 *       {@code CancelledRunningFinally}, {@code StoppedRunningFinally},
 *       {@code PipelineRunStopping}</td><td>cancellation</td></tr>
 *   <tr><td>the CI system or the cluster failed, not the run's own work:
 *       {@code TaskRunImagePullFailed}, {@code CreateContainerConfigError},
 *       {@code PodCreationFailed}, {@code PodEvicted}, {@code StepOOM}, {@code SidecarOOM},
 *       {@code SidecarFailed}, {@code InitContainerOOM}, {@code InitContainerFailed},
 *       {@code ExceededNodeResources}, {@code ExceededResourceQuota},
 *       {@code TaskRunResolutionFailed}, {@code TaskRunValidationFailed}, {@code CreateRunFailed},
 *       {@code CouldntGetPipeline}, {@code CouldntGetTask}, {@code PipelineValidationFailed},
 *       {@code InvalidTaskResultReference}, {@code PipelineRunCouldntCancel},
 *       {@code PipelineRunCouldntTimeOut}</td><td>error</td></tr>
 *   <tr><td>a PipelineTask in {@code status.skippedTasks}</td><td>skip</td></tr>
 * </table>
 *
 * <p>Spans of runs whose result is neither success nor skip get status ERROR and {@code error.type}
 * = the Tekton reason. A step span gets status ERROR when its exit code is not 0 (also for {@code
 * terminationReason: Continued}, a failure that {@code onError: continue} ignored), with {@code
 * error.type} = its termination reason.
 */
public final class TektonResults {
  public static final String SUCCESS = CicdPipelineResultIncubatingValues.SUCCESS;
  public static final String FAILURE = CicdPipelineResultIncubatingValues.FAILURE;
  public static final String ERROR = CicdPipelineResultIncubatingValues.ERROR;
  public static final String TIMEOUT = CicdPipelineResultIncubatingValues.TIMEOUT;
  public static final String CANCELLATION = CicdPipelineResultIncubatingValues.CANCELLATION;
  public static final String SKIP = CicdPipelineResultIncubatingValues.SKIP;

  private static final Map<String, String> BY_REASON =
      Map.ofEntries(
          Map.entry("Failed", FAILURE),
          Map.entry("StepFailed", FAILURE),
          Map.entry("FailureIgnored", FAILURE),
          Map.entry("TaskRunTimeout", TIMEOUT),
          Map.entry("PipelineRunTimeout", TIMEOUT),
          Map.entry("PipelineRunTimeoutRunningFinally", TIMEOUT),
          Map.entry("TaskRunCancelled", CANCELLATION),
          Map.entry("Cancelled", CANCELLATION),
          Map.entry("PipelineRunCancelled", CANCELLATION),
          Map.entry("CancelledRunningFinally", CANCELLATION),
          Map.entry("StoppedRunningFinally", CANCELLATION),
          Map.entry("PipelineRunStopping", CANCELLATION),
          Map.entry("TaskRunImagePullFailed", ERROR),
          Map.entry("CreateContainerConfigError", ERROR),
          Map.entry("PodCreationFailed", ERROR),
          Map.entry("PodEvicted", ERROR),
          Map.entry("StepOOM", ERROR),
          Map.entry("SidecarOOM", ERROR),
          Map.entry("SidecarFailed", ERROR),
          Map.entry("InitContainerOOM", ERROR),
          Map.entry("InitContainerFailed", ERROR),
          Map.entry("ExceededNodeResources", ERROR),
          Map.entry("ExceededResourceQuota", ERROR),
          Map.entry("TaskRunResolutionFailed", ERROR),
          Map.entry("TaskRunValidationFailed", ERROR),
          Map.entry("CreateRunFailed", ERROR),
          Map.entry("CouldntGetPipeline", ERROR),
          Map.entry("CouldntGetTask", ERROR),
          Map.entry("PipelineValidationFailed", ERROR),
          Map.entry("InvalidTaskResultReference", ERROR),
          Map.entry("PipelineRunCouldntCancel", ERROR),
          Map.entry("PipelineRunCouldntTimeOut", ERROR));

  private TektonResults() {}

  /**
   * The result of a finished run.
   *
   * @return success when {@code Succeeded=True}; otherwise the table's value for the reason, or
   *     failure for a reason not in the table
   */
  public static String of(RunFinished finished) {
    return of(finished.succeeded(), finished.reason());
  }

  /**
   * The result for a {@code Succeeded} condition's status ({@code True}/{@code False}) and reason.
   */
  public static String of(String succeeded, String reason) {
    if ("True".equals(succeeded)) {
      return SUCCESS;
    }
    return reason == null ? FAILURE : BY_REASON.getOrDefault(reason, FAILURE);
  }

  /** True when a span with this result gets status ERROR (anything but success and skip). */
  public static boolean isError(String result) {
    return !SUCCESS.equals(result) && !SKIP.equals(result);
  }
}
