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
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.events.data.StepStarted;
import java.net.URI;
import java.time.Instant;

/**
 * Builds the events of one service: the one place where ids, subjects and partition keys are
 * derived from data, so every service spells them alike.
 *
 * <ul>
 *   <li>id: {@link EventIds} over the run's UID, the transition ({@code <object>.<verb>}, plus the
 *       mechanism for breakpoint transitions), the step name and the run's retry; for a command its
 *       {@code requestId}; for a rejection the command's id and {@code rejected}; for a delivery
 *       result the delivered event's id, the outcome, the endpoint and the attempts;
 *   <li>for {@code breakpoint.warning}: the run's uid (or namespace/name when not known yet), the
 *       reason and the message, so a repeated warning keeps its id;
 *   <li>subject: the step's subject when the data names a step, the Pod's ({@code
 *       /namespaces/<ns>/pods/<name>}) for Pod observations, else the run's;
 *   <li>partition key: {@link RunRef#rootUid()}.
 * </ul>
 */
public final class EventFactory {
  private final URI source;

  /**
   * @param cluster the configured cluster name
   * @param service {@code watcher}, {@code breakpoint-engine}, {@code notifier}, ...
   */
  public EventFactory(String cluster, String service) {
    this.source = PitstopEvent.source(cluster, service);
  }

  /** The CloudEvents source of this service's events. */
  public URI source() {
    return source;
  }

  /**
   * An event of {@code type} carrying {@code data}.
   *
   * @param time the cluster's time of the fact (observations) or the time decided (decisions)
   * @throws IllegalArgumentException when data does not fit type, or a command has no requestId
   */
  public PitstopEvent create(EventType type, EventData data, Instant time) {
    return new PitstopEvent(
        idOf(type, data), type, source, subjectOf(data), time, partitionKeyOf(data), data);
  }

  /** The partition key of data: the root run's UID; for commands without a uid, the run's name. */
  public static String partitionKeyOf(EventData data) {
    RunRef run = data.run();
    String key = run.rootUid();
    return key != null ? key : run.namespace() + "/" + run.name();
  }

  /** The id an event of this type and data gets. */
  public static String idOf(EventType type, EventData data) {
    RunRef run = data.run();
    String transition = transitionOf(type);
    if (data instanceof Command c) {
      if (c.requestId() == null || c.requestId().isBlank()) {
        throw new IllegalArgumentException("a command needs a requestId");
      }
      return c.requestId();
    }
    if (data instanceof CommandRejected r) {
      return EventIds.of(r.command().requestId(), transition, null, 0);
    }
    if (data instanceof BreakpointWarning w) {
      // One id per run, reason and message: the same warning repeated (e.g. one per admitted
      // TaskRun) is the same event.
      String who = run.uid() != null ? run.uid() : run.namespace() + "/" + run.name();
      return EventIds.of(who, transition + ":" + w.reason() + ":" + w.message(), null, run.retry());
    }
    if (data instanceof DeliveryResult d) {
      // One result per delivered event, endpoint and attempt.
      return EventIds.of(d.eventId(), transition, d.endpoint(), d.attempts());
    }
    Mechanism mechanism = mechanismOf(data);
    if (mechanism != null) {
      transition += ":" + mechanism.json();
    }
    StepRef step = stepOf(data);
    return EventIds.of(run.uid(), transition, step == null ? null : step.name(), run.retry());
  }

  /** The subject of data: the step's when it names one, else the run's. */
  public static String subjectOf(EventData data) {
    RunRef run = data.run();
    StepRef step = stepOf(data);
    if (step != null) {
      return Subjects.step(run.namespace(), run.name(), step.name());
    }
    if (data instanceof Command c && c.step() != null) {
      return Subjects.step(run.namespace(), run.name(), c.step());
    }
    String pod = podOf(data);
    if (pod != null) {
      return Subjects.of(run.namespace(), Subjects.PODS, pod);
    }
    if (data instanceof CommandRejected r && r.command().step() != null) {
      return Subjects.step(run.namespace(), run.name(), r.command().step());
    }
    String plural =
        RunRef.PIPELINE_RUN.equals(run.kind()) ? Subjects.PIPELINERUNS : Subjects.TASKRUNS;
    return Subjects.of(run.namespace(), plural, run.name());
  }

  /** The step data names, or null. */
  public static StepRef stepOf(EventData data) {
    if (data instanceof StepStarted s) {
      return s.step();
    } else if (data instanceof StepFinished s) {
      return s.step();
    } else if (data instanceof BreakpointReached b) {
      return b.step();
    } else if (data instanceof BreakpointPaused b) {
      return b.step();
    } else if (data instanceof BreakpointContinued b) {
      return b.step();
    } else if (data instanceof BreakpointEnded b) {
      return b.step();
    }
    return null;
  }

  /** The Pod a Pod observation names, or null. */
  public static String podOf(EventData data) {
    if (data instanceof dev.pitstop.events.data.PodScheduled p) {
      return p.pod();
    } else if (data instanceof dev.pitstop.events.data.PodInitialized p) {
      return p.pod();
    } else if (data instanceof dev.pitstop.events.data.PodReady p) {
      return p.pod();
    }
    return null;
  }

  /** The breakpoint mechanism data names, or null. */
  public static Mechanism mechanismOf(EventData data) {
    if (data instanceof BreakpointReached b) {
      return b.mechanism();
    } else if (data instanceof BreakpointPaused b) {
      return b.mechanism();
    } else if (data instanceof BreakpointContinued b) {
      return b.mechanism();
    } else if (data instanceof BreakpointEnded b) {
      return b.mechanism();
    }
    return null;
  }

  /** {@code dev.pitstop.taskrun.finished.v1} → {@code taskrun.finished}. */
  static String transitionOf(EventType type) {
    String t = type.type().substring("dev.pitstop.".length());
    return t.substring(0, t.lastIndexOf('.'));
  }
}
