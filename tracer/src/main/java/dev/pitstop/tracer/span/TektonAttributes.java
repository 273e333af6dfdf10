package dev.pitstop.tracer.span;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Span attributes Pitstop adds beside the OpenTelemetry semantic conventions ({@code cicd.*},
 * {@code k8s.*}, {@code error.type}). {@code tekton.*} carry Tekton's own values; {@code pitstop.*}
 * describe how Pitstop built the span.
 */
public final class TektonAttributes {
  /** The PipelineRun's name (a run span; {@code cicd.pipeline.name} holds the Pipeline's). */
  public static final AttributeKey<String> PIPELINERUN_NAME =
      AttributeKey.stringKey("tekton.pipelinerun.name");

  /** The TaskRun's name. */
  public static final AttributeKey<String> TASKRUN_NAME =
      AttributeKey.stringKey("tekton.taskrun.name");

  /** The Task's name when the TaskRun references one ({@code tekton.dev/task}). */
  public static final AttributeKey<String> TASK_NAME = AttributeKey.stringKey("tekton.task.name");

  /** The TaskRun attempt, present only from the first retry on (1, 2, ...). */
  public static final AttributeKey<Long> TASKRUN_RETRY =
      AttributeKey.longKey("tekton.taskrun.retry");

  /** The run's {@code Succeeded} condition reason, as Tekton wrote it (also on success). */
  public static final AttributeKey<String> REASON = AttributeKey.stringKey("tekton.reason");

  /** PipelineTasks the PipelineRun skipped ({@code status.skippedTasks[].name}). */
  public static final AttributeKey<List<String>> SKIPPED_TASKS =
      AttributeKey.stringArrayKey("tekton.pipelinerun.skipped_tasks");

  /** Why the PipelineRun skipped a PipelineTask ({@code status.skippedTasks[].reason}). */
  public static final AttributeKey<String> SKIP_REASON =
      AttributeKey.stringKey("tekton.skip.reason");

  /** On a link: what the linked span is ({@code previous_attempt}: the retried attempt). */
  public static final AttributeKey<String> LINK_TYPE = AttributeKey.stringKey("pitstop.link.type");

  /** The step's name ({@code status.steps[].name}). */
  public static final AttributeKey<String> STEP_NAME = AttributeKey.stringKey("tekton.step.name");

  /** The step's 0-based index among the Task's steps. */
  public static final AttributeKey<Long> STEP_INDEX = AttributeKey.longKey("tekton.step.index");

  /** The step's {@code terminated.exitCode}. */
  public static final AttributeKey<Long> STEP_EXIT_CODE =
      AttributeKey.longKey("tekton.step.exit_code");

  /**
   * The step's {@code terminationReason} ({@code Completed}, {@code Error}, {@code Continued},
   * {@code Skipped}, {@code TimeoutExceeded}, {@code OOMKilled}, {@code TaskRunTimeout}, ...).
   */
  public static final AttributeKey<String> STEP_TERMINATION_REASON =
      AttributeKey.stringKey("tekton.step.termination_reason");

  /** The breakpoint that paused the step: {@code onFailure} or {@code beforeSteps}. */
  public static final AttributeKey<String> BREAKPOINT_MECHANISM =
      AttributeKey.stringKey("pitstop.breakpoint.mechanism");

  /** How the pause was released: {@code continue} or {@code fail-continue}. */
  public static final AttributeKey<String> BREAKPOINT_ACTION =
      AttributeKey.stringKey("pitstop.breakpoint.action");

  /** Who released the pause (a Kubernetes user name). */
  public static final AttributeKey<String> BREAKPOINT_RELEASED_BY =
      AttributeKey.stringKey("pitstop.breakpoint.released_by");

  /** Through what the pause was released: {@code api}, {@code cli}, {@code slack}, {@code auto}. */
  public static final AttributeKey<String> BREAKPOINT_VIA =
      AttributeKey.stringKey("pitstop.breakpoint.via");

  /**
   * The breakpoint that held a TaskRun before it started ({@code beforeTasks}, {@code onTasks},
   * {@code afterTasks}, {@code afterSteps}, {@code unknown}), from {@code
   * dev.pitstop.hold.held.v1}.
   */
  public static final AttributeKey<String> HOLD_BREAKPOINT =
      AttributeKey.stringKey("pitstop.hold.breakpoint");

  /** The declaration that held the TaskRun, e.g. {@code afterTasks: [compile]}. */
  public static final AttributeKey<String> HOLD_CAUSE =
      AttributeKey.stringKey("pitstop.hold.cause");

  /** Why a pause ended without a release ({@code TaskRunTimeout}, {@code StepFinished}, ...). */
  public static final AttributeKey<String> BREAKPOINT_END_REASON =
      AttributeKey.stringKey("pitstop.breakpoint.end_reason");

  /**
   * The Kubernetes start time (RFC 3339) before it was clamped into the parent span; present only
   * when clamping moved it (second-rounded times of a child can fall outside its parent).
   */
  public static final AttributeKey<String> RAW_START = AttributeKey.stringKey("pitstop.raw.start");

  /** The Kubernetes end time (RFC 3339) before clamping; present only when clamping moved it. */
  public static final AttributeKey<String> RAW_END = AttributeKey.stringKey("pitstop.raw.end");

  /**
   * True when the span's end was not observed (the run's events stopped before it finished, and the
   * trace was exported after the grace period); the span then ends with its parent.
   */
  public static final AttributeKey<Boolean> INCOMPLETE =
      AttributeKey.booleanKey("pitstop.incomplete");

  /**
   * The label or annotation whose value ({@code build}, {@code test}, {@code deploy}) becomes
   * {@code cicd.pipeline.task.type} of a task span.
   */
  public static final String TASK_TYPE_LABEL = "pitstop.dev/task-type";

  /** Pod phase spans: which phase ({@code scheduling}, {@code init}, {@code starting}). */
  public static final AttributeKey<String> POD_PHASE = AttributeKey.stringKey("pitstop.pod.phase");

  /** Pod scheduling span: the node the Pod was bound to ({@code spec.nodeName}). */
  public static final AttributeKey<String> NODE_NAME = AttributeKey.stringKey("k8s.node.name");

  /** Init container span: its {@code terminated.exitCode}. */
  public static final AttributeKey<Long> CONTAINER_EXIT_CODE =
      AttributeKey.longKey("tekton.container.exit_code");

  /** Init container span: its {@code terminated.reason}. */
  public static final AttributeKey<String> CONTAINER_REASON =
      AttributeKey.stringKey("tekton.container.reason");

  /** Pod starting span: container waiting reasons seen ({@code ContainerCreating}, ...). */
  public static final AttributeKey<List<String>> POD_WAITING_REASONS =
      AttributeKey.stringArrayKey("pitstop.pod.waiting_reasons");

  /** Pod starting span: the sidecars Tekton waited for ({@code tekton.dev/ready}). */
  public static final AttributeKey<List<String>> POD_SIDECARS =
      AttributeKey.stringArrayKey("pitstop.pod.sidecars");

  private TektonAttributes() {}
}
