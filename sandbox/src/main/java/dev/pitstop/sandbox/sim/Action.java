package dev.pitstop.sandbox.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;

/**
 * What the pure core asks the adapter to do against the API. Status actions carry the whole desired
 * status every tick; the adapter writes only what changed since its last write.
 */
sealed interface Action {

  /** Create an object (a child TaskRun or a Pod). An "already exists" answer is not an error. */
  record Create(HasMetadata object) implements Action {}

  /**
   * Replace the status of a TaskRun or PipelineRun: {@code object} is the listed object whose
   * status was replaced (its resourceVersion guards the write).
   */
  record UpdateStatus(HasMetadata object) implements Action {}

  /**
   * Cancel a TaskRun as Tekton's PipelineRun reconciler does: set {@code spec.status:
   * TaskRunCancelled} and {@code spec.statusMessage}.
   */
  record CancelTaskRun(String namespace, String name, String message) implements Action {}

  /** Replace a Pod's status. */
  record UpdatePodStatus(String namespace, String name, PodStatus status) implements Action {}

  /**
   * Set one annotation on a Pod (Tekton's {@code tekton.dev/ready=READY} once sidecars are ready).
   */
  record AnnotatePod(String namespace, String name, String key, String value) implements Action {}

  /** Delete a Pod (its logs go with it). */
  record DeletePod(String namespace, String name) implements Action {}

  /** Append one line to a container's log. */
  record AppendLog(String namespace, String pod, String container, Instant time, String line)
      implements Action {}

  /** The container terminated: end its log. */
  record CloseLog(String namespace, String pod, String container) implements Action {}
}
