package dev.pitstop.tekton;

/**
 * Labels and annotations Tekton puts on the objects it creates (tekton-facts.md §3; Tekton {@code
 * pkg/apis/pipeline/register.go}, {@code pkg/pod/pod.go}).
 */
public final class TektonLabels {
  /** On child TaskRuns: the Pipeline's name. */
  public static final String PIPELINE = "tekton.dev/pipeline";

  /** On child TaskRuns and their Pods: the PipelineRun's name. */
  public static final String PIPELINE_RUN = "tekton.dev/pipelineRun";

  /** On child TaskRuns and their Pods: the PipelineRun's UID. */
  public static final String PIPELINE_RUN_UID = "tekton.dev/pipelineRunUID";

  /** On child TaskRuns and their Pods: the PipelineTask's name. */
  public static final String PIPELINE_TASK = "tekton.dev/pipelineTask";

  /** On child TaskRuns: {@code tasks} or {@code finally}. */
  public static final String MEMBER_OF = "tekton.dev/memberOf";

  /** On TaskRuns created from a {@code taskRef}: the Task's name. */
  public static final String TASK = "tekton.dev/task";

  /** On Pods: the TaskRun's name. */
  public static final String TASK_RUN = "tekton.dev/taskRun";

  /** On Pods: the TaskRun's UID. */
  public static final String TASK_RUN_UID = "tekton.dev/taskRunUID";

  /** On Pods: {@code tekton-pipelines}. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  public static final String MANAGED_BY_VALUE = "tekton-pipelines";

  /** Pod annotation set to {@code READY} once sidecars are ready. */
  public static final String READY_ANNOTATION = "tekton.dev/ready";

  /** Pod annotation: the Tekton release. */
  public static final String RELEASE_ANNOTATION = "pipeline.tekton.dev/release";

  public static final String MEMBER_OF_TASKS = "tasks";
  public static final String MEMBER_OF_FINALLY = "finally";

  private TektonLabels() {}
}
