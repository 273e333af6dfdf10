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

  /**
   * Append one line to a container's log.
   *
   * @param time when the machine planned the line: the earliest time it may be stamped with. It is
   *     appended later when the simulator lags; the kubelet stamps a line when the container
   *     runtime reads it, so the performer stamps it with the later of this and its own clock
   * @param line the text, without the Go log prefix
   * @param goLogPrefixed whether the line carries Go's default {@code log} prefix ({@code
   *     2006/01/02 15:04:05 }, as the entrypoint's breakpoint markers do), to be written with the
   *     time the line is really appended
   */
  record AppendLog(
      String namespace,
      String pod,
      String container,
      Instant time,
      String line,
      boolean goLogPrefixed)
      implements Action {

    /** A line as the step's process wrote it (no prefix). */
    AppendLog(String namespace, String pod, String container, Instant time, String line) {
      this(namespace, pod, container, time, line, false);
    }

    /**
     * The line as it is appended at {@code at}.
     *
     * @param at the time it is really appended (the kubelet's timestamp)
     * @return {@link #line()}, after the Go log prefix of {@code at} if {@link #goLogPrefixed()}
     */
    String text(Instant at) {
      return goLogPrefixed ? Times.goLogPrefix(at) + line : line;
    }
  }

  /** The container terminated: end its log. */
  record CloseLog(String namespace, String pod, String container) implements Action {}
}
