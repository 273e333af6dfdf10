package dev.pitstop.events.data;

import java.util.Map;

/**
 * Which run an event is about, with what consumers without cluster access need to route and show
 * it.
 *
 * @param kind {@code PipelineRun} or {@code TaskRun}
 * @param namespace the run's namespace
 * @param name the run's name
 * @param uid the run's Kubernetes UID
 * @param pipelineRun for a child TaskRun: the PipelineRun's name; else null
 * @param pipelineRunUid for a child TaskRun: the PipelineRun's UID; else null
 * @param pipeline the Pipeline's name ({@code tekton.dev/pipeline}), or null
 * @param pipelineTask for a child TaskRun: the PipelineTask's name; else null
 * @param task the Task's name when referenced ({@code tekton.dev/task}), or null
 * @param retry the TaskRun attempt, 0 for the first and for PipelineRuns
 * @param labels the run's labels that pass the watcher's allowlist (never null; sorted by key)
 * @param annotations the run's annotations that pass the watcher's allowlist (never null)
 */
public record RunRef(
    String kind,
    String namespace,
    String name,
    String uid,
    String pipelineRun,
    String pipelineRunUid,
    String pipeline,
    String pipelineTask,
    String task,
    int retry,
    Map<String, String> labels,
    Map<String, String> annotations) {
  public static final String PIPELINE_RUN = "PipelineRun";
  public static final String TASK_RUN = "TaskRun";

  public RunRef {
    labels = sorted(labels);
    annotations = sorted(annotations);
  }

  private static Map<String, String> sorted(Map<String, String> m) {
    return SortedStrings.of(m);
  }

  /**
   * The UID of the root run: the PipelineRun's for a child TaskRun, else the run's own. Every event
   * of one root run carries it as {@code partitionkey} and Kafka key.
   */
  public String rootUid() {
    return pipelineRunUid != null ? pipelineRunUid : uid;
  }

  /** {@code namespace/name}, for logs. */
  public String display() {
    return namespace + "/" + name;
  }
}
