package dev.pitstop.events;

import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.DeliveryResult;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.data.HoldEnded;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.PodInitialized;
import dev.pitstop.events.data.PodReady;
import dev.pitstop.events.data.PodScheduled;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepStarted;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every CloudEvent type of Pitstop's contract v1, spelled {@code dev.pitstop.<object>.<verb>.v1},
 * with the Java type of its {@code data} and the kind of topic it travels on. The catalogue with an
 * example of each is {@code docs/events.md}.
 */
public enum EventType {
  /** Watcher: a PipelineRun got its {@code startTime}. */
  PIPELINERUN_STARTED(
      "dev.pitstop.pipelinerun.started.v1", RunStarted.class, TopicKind.OBSERVATIONS),
  /** Watcher: a PipelineRun's {@code Succeeded} condition became True or False. */
  PIPELINERUN_FINISHED(
      "dev.pitstop.pipelinerun.finished.v1", RunFinished.class, TopicKind.OBSERVATIONS),
  /** Watcher: a TaskRun got its {@code startTime}. */
  TASKRUN_STARTED("dev.pitstop.taskrun.started.v1", RunStarted.class, TopicKind.OBSERVATIONS),
  /** Watcher: a TaskRun's {@code Succeeded} condition became True or False. */
  TASKRUN_FINISHED("dev.pitstop.taskrun.finished.v1", RunFinished.class, TopicKind.OBSERVATIONS),
  /** Watcher: a step could start (the previous step ended; step 0: the Pod is initialized). */
  STEP_STARTED("dev.pitstop.step.started.v1", StepStarted.class, TopicKind.OBSERVATIONS),
  /** Watcher: a step's entry in {@code status.steps[]} became terminated. */
  STEP_FINISHED("dev.pitstop.step.finished.v1", StepFinished.class, TopicKind.OBSERVATIONS),
  /** Watcher: a step's log shows Tekton's breakpoint marker line. */
  STEP_BREAKPOINT_REACHED(
      "dev.pitstop.step.breakpointreached.v1", BreakpointReached.class, TopicKind.OBSERVATIONS),
  /** Engine: a step waits at a breakpoint until released. */
  BREAKPOINT_PAUSED(
      "dev.pitstop.breakpoint.paused.v1", BreakpointPaused.class, TopicKind.DECISIONS),
  /** Engine: a paused step was released (continue or fail-continue). */
  BREAKPOINT_CONTINUED(
      "dev.pitstop.breakpoint.continued.v1", BreakpointContinued.class, TopicKind.DECISIONS),
  /** Engine: a pause ended without a release (timeout, cancel, deletion, the step ended). */
  BREAKPOINT_ENDED("dev.pitstop.breakpoint.ended.v1", BreakpointEnded.class, TopicKind.DECISIONS),
  /** Engine: a command was not carried out (not paused any more, unknown, failed). */
  COMMAND_REJECTED("dev.pitstop.command.rejected.v1", CommandRejected.class, TopicKind.DECISIONS),
  /** Watcher: a TaskRun's Pod got its {@code PodScheduled} condition True. */
  POD_SCHEDULED("dev.pitstop.pod.scheduled.v1", PodScheduled.class, TopicKind.OBSERVATIONS),
  /** Watcher: a TaskRun's Pod got its {@code Initialized} condition True (init containers done). */
  POD_INITIALIZED("dev.pitstop.pod.initialized.v1", PodInitialized.class, TopicKind.OBSERVATIONS),
  /**
   * Watcher: a TaskRun's Pod has its containers ready (and its sidecars, {@code tekton.dev/ready}).
   */
  POD_READY("dev.pitstop.pod.ready.v1", PodReady.class, TopicKind.OBSERVATIONS),
  /** API or Slack: a request to continue a paused step ({@code debug-continue}). */
  COMMAND_CONTINUE("dev.pitstop.command.continue.v1", Command.class, TopicKind.COMMANDS),
  /** API or Slack: a request to fail and continue a paused step ({@code debug-fail-continue}). */
  COMMAND_FAIL_CONTINUE("dev.pitstop.command.failcontinue.v1", Command.class, TopicKind.COMMANDS),
  /** Watcher: a TaskRun exists with {@code spec.status: TaskRunPending} (no Pod, no start). */
  TASKRUN_PENDING("dev.pitstop.taskrun.pending.v1", RunPending.class, TopicKind.OBSERVATIONS),
  /** Engine: a TaskRun is held (created pending by Pitstop) until released. */
  HOLD_HELD("dev.pitstop.hold.held.v1", HoldHeld.class, TopicKind.DECISIONS),
  /** Engine: a held TaskRun was released (started, or cancelled by fail-continue). */
  HOLD_RELEASED("dev.pitstop.hold.released.v1", HoldReleased.class, TopicKind.DECISIONS),
  /** Engine: a hold ended without a release (the run finished, was deleted, or started). */
  HOLD_ENDED("dev.pitstop.hold.ended.v1", HoldEnded.class, TopicKind.DECISIONS),
  /** Engine: a breakpoint problem or a coming deadline a person must know about. */
  BREAKPOINT_WARNING(
      "dev.pitstop.breakpoint.warning.v1", BreakpointWarning.class, TopicKind.DECISIONS),
  /** Notifier: an endpoint took an event (2xx, or Slack's {@code ok}). */
  DELIVERY_DELIVERED(
      "dev.pitstop.delivery.delivered.v1", DeliveryResult.class, TopicKind.DECISIONS),
  /** Notifier: one delivery attempt failed; another will be made. */
  DELIVERY_FAILED("dev.pitstop.delivery.failed.v1", DeliveryResult.class, TopicKind.DECISIONS),
  /**
   * Notifier: a delivery was given up (or its subscription refused); the event is dead-lettered.
   */
  DELIVERY_DEADLETTERED(
      "dev.pitstop.delivery.deadlettered.v1", DeliveryResult.class, TopicKind.DECISIONS);

  private static final Map<String, EventType> BY_TYPE =
      Arrays.stream(values()).collect(Collectors.toMap(EventType::type, Function.identity()));

  private final String type;
  private final Class<? extends EventData> dataClass;
  private final TopicKind topicKind;

  EventType(String type, Class<? extends EventData> dataClass, TopicKind topicKind) {
    this.type = type;
    this.dataClass = dataClass;
    this.topicKind = topicKind;
  }

  /** The CloudEvents {@code type} attribute. */
  public String type() {
    return type;
  }

  /** The Java record the {@code data} (JSON) decodes to. */
  public Class<? extends EventData> dataClass() {
    return dataClass;
  }

  /** Which of Pitstop's topics carries this type. */
  public TopicKind topicKind() {
    return topicKind;
  }

  /** The type with this CloudEvents {@code type} attribute, if it is one of Pitstop's. */
  public static Optional<EventType> of(String type) {
    return Optional.ofNullable(BY_TYPE.get(type));
  }
}
