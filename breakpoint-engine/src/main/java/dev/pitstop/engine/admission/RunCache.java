package dev.pitstop.engine.admission;

import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.TaskSpec;
import java.util.Map;

/**
 * What the admission webhook reads besides the request, from memory (informer caches): never an API
 * call while the API server waits. Implementations must be thread-safe and fast.
 */
public interface RunCache {
  /** The PipelineRun, or null when not (yet) in the cache. */
  PipelineRun pipelineRun(String namespace, String name);

  /** The Pipeline (for a {@code pipelineRef}), or null. */
  PipelineSpec pipeline(String namespace, String name);

  /** The Task (for a {@code taskRef}), or null. */
  TaskSpec task(String namespace, String name);

  /**
   * The annotations of the TaskRun of {@code pipelineTask} in PipelineRun {@code pipelineRun}, or
   * null when there is none in the cache.
   */
  Map<String, String> taskRunAnnotations(String namespace, String pipelineRun, String pipelineTask);

  /** Tekton's {@code feature-flags} {@code enable-api-fields} is {@code alpha}. */
  boolean alphaFields();
}
