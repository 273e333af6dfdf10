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

  /**
   * The PipelineRun read from the API, for a cache miss (the informer may lag behind a PipelineRun
   * created a moment ago): blocking, called on a worker, bounded by the client's timeouts. Null
   * when it does not exist or cannot be read. By default none.
   */
  default PipelineRun fetchPipelineRun(String namespace, String name) {
    return null;
  }

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
