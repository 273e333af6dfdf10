package dev.pitstop.watcher.mapping;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.SkippedTask;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.events.data.StepStarted;
import dev.pitstop.tekton.GoDuration;
import dev.pitstop.tekton.TektonNames;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineRunStatus;
import dev.pitstop.tekton.model.RunStatus;
import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import dev.pitstop.tekton.model.TaskRunStatus;
import dev.pitstop.tekton.model.TaskSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the state of a Tekton run into the observations it implies: pure, no I/O, no clock.
 *
 * <p>{@code map(old, now)} returns the observations {@code now} implies that {@code old} did not,
 * in the order they happened (run started, then per step started and finished, then run finished).
 * With {@code old == null} (first sight, a relist after a restart, a resync) it returns every
 * observation {@code now} implies. Ids come from {@link EventFactory} (uid, transition, step,
 * retry; never a resourceVersion), so the incremental path and a relist of the same facts yield the
 * same ids and consumers drop the repeats.
 *
 * <p>What implies what (tekton-facts.md §4):
 *
 * <ul>
 *   <li>run started: {@code status.startTime} is set; time = startTime;
 *   <li>run finished: the {@code Succeeded} condition is True or False; time = {@code
 *       completionTime}, else the condition's {@code lastTransitionTime};
 *   <li>step <i>i</i> &gt; 0 started: step <i>i-1</i> is terminated; time = its {@code
 *       terminated.finishedAt} (the entrypoint of step <i>i</i> waits for exactly that);
 *   <li>step 0 started: step 0 is running or terminated; time = {@code steps[0].running.startedAt}
 *       (the container's start, which follows the Pod's init containers, i.e. the Pod's
 *       initialization), or when first seen terminated {@code terminated.startedAt} (the command's
 *       start), else the attempt's startTime. The Pod's {@code Initialized} condition is not used,
 *       so the mapper needs the TaskRun alone;
 *   <li>step finished: {@code steps[i].terminated} is set; time = {@code finishedAt};
 *   <li>retries: every attempt kept in {@code status.retriesStatus[k]} implies the observations
 *       above with {@code retry = k}; the current status is attempt {@code retriesStatus.size()}.
 *       Step entries of the current attempt that predate its startTime, or any step entries while a
 *       retried attempt has not started yet, are left-overs of the previous attempt and ignored.
 * </ul>
 */
public final class ObservationMapper {
  /** Tekton's default TaskRun timeout ({@code config-defaults} {@code default-timeout-minutes}). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);

  private final EventFactory events;
  private final RunRefs refs;

  public ObservationMapper(EventFactory events, RunRefs refs) {
    this.events = events;
    this.refs = refs;
  }

  /** The observations {@code now} implies and {@code old} (null: nothing seen) did not. */
  public List<PitstopEvent> taskRun(TaskRun old, TaskRun now) {
    return minus(taskRunObservations(now), old == null ? List.of() : taskRunObservations(old));
  }

  /** The observations {@code now} implies and {@code old} (null: nothing seen) did not. */
  public List<PitstopEvent> pipelineRun(PipelineRun old, PipelineRun now) {
    return minus(
        pipelineRunObservations(now), old == null ? List.of() : pipelineRunObservations(old));
  }

  /** Every observation a TaskRun's status implies, over all its attempts, in order. */
  public List<PitstopEvent> taskRunObservations(TaskRun tr) {
    List<PitstopEvent> out = new ArrayList<>();
    TaskRunStatus status = tr.getStatus();
    pending(tr, status, out);
    if (status == null) {
      return out;
    }
    List<TaskRunStatus> retries = status.retriesStatus == null ? List.of() : status.retriesStatus;
    for (int k = 0; k < retries.size(); k++) {
      if (retries.get(k) != null) {
        attempt(tr, retries.get(k), k, false, out);
      }
    }
    attempt(tr, status, retries.size(), !retries.isEmpty(), out);
    return out;
  }

  /**
   * A TaskRun held by {@code spec.status: TaskRunPending} and not started (tekton-facts.md §1):
   * {@code dev.pitstop.taskrun.pending.v1} at its {@code creationTimestamp}, with the condition's
   * message when Tekton has set one.
   */
  private void pending(TaskRun tr, TaskRunStatus status, List<PitstopEvent> out) {
    if (tr.getSpec() == null
        || !TaskRunSpec.STATUS_PENDING.equals(tr.getSpec().status)
        || (status != null && (status.startTime != null || status.isDone()))) {
      return;
    }
    Instant created = KubeTimes.parse(tr.getMetadata().getCreationTimestamp());
    if (created == null) {
      return;
    }
    Condition c = status == null ? null : status.succeeded();
    String message = c == null || c.getMessage() == null ? null : c.getMessage();
    if (message != null && message.length() > 1_000) {
      message = message.substring(0, 1_000);
    }
    out.add(
        events.create(
            EventType.TASKRUN_PENDING,
            new RunPending(refs.taskRun(tr, 0), created, message),
            created));
  }

  /** Every observation a PipelineRun's status implies, in order. */
  public List<PitstopEvent> pipelineRunObservations(PipelineRun pr) {
    List<PitstopEvent> out = new ArrayList<>();
    PipelineRunStatus status = pr.getStatus();
    if (status == null) {
      return out;
    }
    RunRef run = refs.pipelineRun(pr);
    Instant start = KubeTimes.parse(status.startTime);
    if (start != null) {
      out.add(
          events.create(EventType.PIPELINERUN_STARTED, new RunStarted(run, start, null), start));
    }
    List<SkippedTask> skipped =
        status.skippedTasks == null
            ? List.of()
            : status.skippedTasks.stream()
                .filter(s -> s != null && s.name != null)
                .map(s -> new SkippedTask(s.name, s.reason))
                .toList();
    finished(EventType.PIPELINERUN_FINISHED, run, status, start, skipped, out);
    return out;
  }

  /** Reason of the {@code finished} observation of a run deleted before it finished. */
  public static final String DELETED = "Deleted";

  /**
   * The observation of a TaskRun deleted before it finished: {@code
   * dev.pitstop.taskrun.finished.v1} with {@code succeeded} {@code Unknown} and reason {@link
   * #DELETED}, so consumers end what they hold for it (a pause, an open trace). Empty when it had
   * finished (that was already observed).
   *
   * @param observedAt {@code metadata.deletionTimestamp} is used when set; otherwise this, the time
   *     the watcher saw the deletion (the cluster records no other time for it)
   */
  public List<PitstopEvent> taskRunDeleted(TaskRun tr, Instant observedAt) {
    TaskRunStatus status = tr.getStatus();
    if (status != null && status.isDone()) {
      return List.of();
    }
    int retry = status == null || status.retriesStatus == null ? 0 : status.retriesStatus.size();
    Instant start = status == null ? null : KubeTimes.parse(status.startTime);
    return List.of(
        deletedEvent(
            EventType.TASKRUN_FINISHED, refs.taskRun(tr, retry), "TaskRun", tr, start, observedAt));
  }

  /** As {@link #taskRunDeleted}, for a PipelineRun. */
  public List<PitstopEvent> pipelineRunDeleted(PipelineRun pr, Instant observedAt) {
    PipelineRunStatus status = pr.getStatus();
    if (status != null && status.isDone()) {
      return List.of();
    }
    Instant start = status == null ? null : KubeTimes.parse(status.startTime);
    return List.of(
        deletedEvent(
            EventType.PIPELINERUN_FINISHED,
            refs.pipelineRun(pr),
            "PipelineRun",
            pr,
            start,
            observedAt));
  }

  private PitstopEvent deletedEvent(
      EventType type, RunRef run, String kind, HasMetadata obj, Instant start, Instant observedAt) {
    Instant at = KubeTimes.parse(obj.getMetadata().getDeletionTimestamp());
    if (at == null) {
      at = observedAt;
    }
    RunFinished data =
        new RunFinished(
            run,
            "Unknown",
            DELETED,
            kind + " \"" + obj.getMetadata().getName() + "\" was deleted before it finished",
            start,
            at,
            List.of());
    return events.create(type, data, at);
  }

  /**
   * The observation of a marker line found in a step container's log.
   *
   * @param tr the TaskRun as last seen
   * @param pod the Pod whose log held the marker; picks the attempt ({@link #attemptOfPod})
   * @param container the step container, {@code step-<name>}
   * @return {@code dev.pitstop.step.breakpointreached.v1} with time = the marker's timestamp
   */
  public PitstopEvent breakpointReached(
      TaskRun tr, String pod, String container, BreakpointMarker marker) {
    int retry = attemptOfPod(tr, pod);
    TaskRunStatus attempt = attemptStatus(tr, retry);
    String step = TektonNames.stepNameOfContainer(container);
    StepRef ref = new StepRef(step, stepIndex(tr, attempt, container), container, pod);
    Instant deadline =
        deadline(
            attempt == null ? null : attempt.startTime,
            tr.getSpec() == null ? null : tr.getSpec().timeout);
    BreakpointReached data =
        new BreakpointReached(
            refs.taskRun(tr, retry),
            ref,
            marker.mechanism(),
            marker.at(),
            marker.logTail(),
            deadline);
    return events.create(EventType.STEP_BREAKPOINT_REACHED, data, marker.at());
  }

  /**
   * The attempt a Pod ran: the current one when it is {@code status.podName}, else the retry {@code
   * k} whose {@code retriesStatus[k].podName} it is, else (a Pod not yet recorded) the current one.
   */
  public static int attemptOfPod(TaskRun tr, String pod) {
    TaskRunStatus status = tr.getStatus();
    if (status == null) {
      return 0;
    }
    int current = status.retriesStatus == null ? 0 : status.retriesStatus.size();
    if (pod == null || pod.equals(status.podName)) {
      return current;
    }
    for (int k = 0; k < current; k++) {
      TaskRunStatus r = status.retriesStatus.get(k);
      if (r != null && pod.equals(r.podName)) {
        return k;
      }
    }
    return current;
  }

  /**
   * When a TaskRun attempt's timeout fires: {@code startTime + timeout}, {@code timeout} a Go
   * duration (default {@link #DEFAULT_TIMEOUT}); null when it has not started, its timeout is 0 (no
   * timeout), or either value does not parse.
   */
  public static Instant deadline(String startTime, String timeout) {
    Instant start = KubeTimes.parse(startTime);
    if (start == null) {
      return null;
    }
    Duration d;
    try {
      d = timeout == null || timeout.isBlank() ? DEFAULT_TIMEOUT : GoDuration.parse(timeout);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return d.isZero() || d.isNegative() ? null : start.plus(d);
  }

  private void attempt(
      TaskRun tr, TaskRunStatus st, int retry, boolean retried, List<PitstopEvent> out) {
    RunRef run = refs.taskRun(tr, retry);
    Instant start = KubeTimes.parse(st.startTime);
    if (start != null) {
      out.add(
          events.create(
              EventType.TASKRUN_STARTED,
              new RunStarted(run, start, blankToNull(st.podName)),
              start));
    }
    if (!(retried && start == null)) {
      steps(run, st, start, out);
    }
    finished(EventType.TASKRUN_FINISHED, run, st, start, List.of(), out);
  }

  private void steps(RunRef run, TaskRunStatus st, Instant attemptStart, List<PitstopEvent> out) {
    List<StepState> steps = st.steps == null ? List.of() : st.steps;
    Instant previousFinished = null;
    boolean previousTerminated = false;
    for (int i = 0; i < steps.size(); i++) {
      StepState s = steps.get(i);
      if (s == null) {
        previousTerminated = false;
        continue;
      }
      String name = stepName(s, i);
      StepRef ref =
          new StepRef(
              name,
              i,
              s.container == null || s.container.isBlank()
                  ? TektonNames.STEP_PREFIX + name
                  : s.container,
              blankToNull(st.podName));
      ContainerStateTerminated t = s.terminated;
      Instant finishedAt = t == null ? null : KubeTimes.parse(t.getFinishedAt());
      if (finishedAt != null && attemptStart != null && finishedAt.isBefore(attemptStart)) {
        // a left-over of the previous attempt
        previousTerminated = false;
        continue;
      }
      Instant startedAt = null;
      boolean started;
      if (i == 0) {
        started = s.running != null || t != null;
        if (s.running != null) {
          startedAt = KubeTimes.parse(s.running.getStartedAt());
        }
        if (startedAt == null && t != null) {
          startedAt = KubeTimes.parse(t.getStartedAt());
        }
        if (startedAt == null) {
          startedAt = attemptStart;
        }
      } else {
        started = previousTerminated;
        startedAt = previousFinished;
      }
      if (started) {
        out.add(
            events.create(EventType.STEP_STARTED, new StepStarted(run, ref, startedAt), startedAt));
      }
      if (t != null) {
        String reason =
            s.terminationReason != null && !s.terminationReason.isBlank()
                ? s.terminationReason
                : t.getReason();
        StepFinished data =
            new StepFinished(
                run,
                ref,
                t.getExitCode() == null ? 0 : t.getExitCode(),
                reason,
                KubeTimes.parse(t.getStartedAt()),
                finishedAt,
                blankToNull(t.getMessage()));
        out.add(events.create(EventType.STEP_FINISHED, data, finishedAt));
      }
      previousTerminated = t != null;
      previousFinished = finishedAt;
    }
  }

  private void finished(
      EventType type,
      RunRef run,
      RunStatus st,
      Instant start,
      List<SkippedTask> skipped,
      List<PitstopEvent> out) {
    if (!st.isDone()) {
      return;
    }
    Condition c = st.succeeded();
    Instant completion = KubeTimes.parse(st.completionTime);
    if (completion == null) {
      completion = KubeTimes.parse(c.getLastTransitionTime());
    }
    RunFinished data =
        new RunFinished(
            run, c.getStatus(), c.getReason(), c.getMessage(), start, completion, skipped);
    out.add(events.create(type, data, completion));
  }

  private static String stepName(StepState s, int index) {
    if (s.name != null && !s.name.isBlank()) {
      return s.name;
    }
    if (s.container != null && s.container.startsWith(TektonNames.STEP_PREFIX)) {
      return TektonNames.stepNameOfContainer(s.container);
    }
    return "unnamed-" + index;
  }

  private static TaskRunStatus attemptStatus(TaskRun tr, int retry) {
    TaskRunStatus status = tr.getStatus();
    if (status == null) {
      return null;
    }
    int current = status.retriesStatus == null ? 0 : status.retriesStatus.size();
    return retry < current ? status.retriesStatus.get(retry) : status;
  }

  private static int stepIndex(TaskRun tr, TaskRunStatus attempt, String container) {
    if (attempt != null && attempt.steps != null) {
      for (int i = 0; i < attempt.steps.size(); i++) {
        StepState s = attempt.steps.get(i);
        if (s != null
            && (container.equals(s.container)
                || container.equals(TektonNames.STEP_PREFIX + stepName(s, i)))) {
          return i;
        }
      }
    }
    TaskSpec spec = taskSpec(tr);
    if (spec != null && spec.steps != null) {
      for (int i = 0; i < spec.steps.size(); i++) {
        if (container.equals(TektonNames.stepContainer(spec.steps.get(i), i))) {
          return i;
        }
      }
    }
    return -1;
  }

  /** The resolved Task spec: {@code status.taskSpec}, else {@code spec.taskSpec}; or null. */
  public static TaskSpec taskSpec(TaskRun tr) {
    if (tr.getStatus() != null && tr.getStatus().taskSpec != null) {
      return tr.getStatus().taskSpec;
    }
    return tr.getSpec() == null ? null : tr.getSpec().taskSpec;
  }

  private static List<PitstopEvent> minus(List<PitstopEvent> now, List<PitstopEvent> before) {
    if (before.isEmpty()) {
      return now;
    }
    Set<String> seen = new HashSet<>();
    before.forEach(e -> seen.add(e.id()));
    return now.stream().filter(e -> !seen.contains(e.id())).toList();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
