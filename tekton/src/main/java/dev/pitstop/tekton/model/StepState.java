package dev.pitstop.tekton.model;

import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;

/**
 * An entry of {@code TaskRun.status.steps[]}: {@code name} is the step name (container name minus
 * {@code step-}); exactly one of waiting/running/terminated is set. {@code terminated.startedAt} is
 * the real command start taken from the entrypoint. {@code terminationReason} is one of Completed,
 * Error, Skipped, Continued, Cancelled, TimeoutExceeded, OOMKilled, TaskRunTimeout,
 * TaskRunCancelled.
 */
public class StepState extends Extensible {
  public String name;
  public String container;
  public String imageID;
  public ContainerStateWaiting waiting;
  public ContainerStateRunning running;
  public ContainerStateTerminated terminated;
  public String terminationReason;
}
