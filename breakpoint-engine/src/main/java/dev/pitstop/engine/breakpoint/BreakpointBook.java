package dev.pitstop.engine.breakpoint;

import dev.pitstop.engine.Bounded;
import dev.pitstop.engine.breakpoint.Breakpoint.State;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.tekton.TektonNames;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The engine's pure core for Tekton's TaskRun breakpoints ({@code onFailure}, {@code beforeSteps};
 * tekton-facts.md §1–2): the state of every breakpoint, keyed by {@link BreakpointKey} (namespace,
 * TaskRun, step), fed observations, commands and exec results, answering with the {@link Action}s
 * to carry out. No I/O; the time of every decision comes from the injected {@link Clock}.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>{@code step.breakpointreached} → the step is paused: {@code breakpoint.paused} (once per
 *       observation id; {@code pausedAt} is the marker line's time, {@code decidedAt} now). A reach
 *       for a step already finished in that attempt, or for a TaskRun already finished, is ignored.
 *   <li>{@code command.continue} / {@code command.failcontinue} for a paused step → {@link
 *       Action.Exec} of {@link dev.pitstop.events.data.Mechanism#script} in the paused step's
 *       container of the TaskRun's Pod (a script acts on the step whose container runs it,
 *       tekton-facts.md §2); the breakpoint is {@link State#RELEASING} until {@link
 *       #onExecResult(ExecOutcome)}: exit 0 → {@code breakpoint.continued} ({@code releasedThrough:
 *       exec}); else {@code command.rejected} {@code ExecFailed} with standard error, and the step
 *       stays paused.
 *   <li>An exec that failed because the image has no shell ({@link ShellLessRelease#noShell}: exit
 *       126/127, "executable file not found") while the step still waits → {@code
 *       breakpoint.warning} {@code NoShell} and {@link Action.AddReleaseContainer}: an ephemeral
 *       container writes what the script would have (still {@link State#RELEASING}, the container
 *       named in {@link Breakpoint#releaseContainer}); when its status shows it terminated with
 *       exit code 0, or the step is seen to finish ({@code step.finished}, {@code StepFinished}) →
 *       {@code breakpoint.continued} ({@code releasedThrough: ephemeralContainer}, naming the
 *       container); if it cannot be added, exits non-zero, cannot be pulled or created, or does not
 *       terminate in time ({@link #onEphemeralResult}) → {@code command.rejected} {@code
 *       ExecFailed} naming the container and its status, the step stays paused, and a new command
 *       tries again with a new container.
 *   <li>A command for a step that does not wait (already released or being released, ended,
 *       finished, unknown) → {@code command.rejected} {@code NotPaused}, saying what happened
 *       ("continued by alice@example.com via api at ..."). A second continue is thus a no-op,
 *       reported as such. A command already decided (same {@code requestId}) is ignored.
 *   <li>{@code taskrun.finished} (any reason: {@code TaskRunTimeout}, {@code TaskRunCancelled},
 *       {@code Deleted}, ...) or {@code pipelinerun.finished} of its PipelineRun → {@code
 *       breakpoint.ended} with that reason for every step still waiting (and a rejection of a
 *       command under way); then the run's state is dropped.
 *   <li>{@code step.finished} for a paused step → {@code breakpoint.ended}: reason the step's
 *       {@code TaskRunTimeout}/{@code TaskRunCancelled}, else {@code StepFinished} (released
 *       outside Pitstop, e.g. by {@code kubectl exec}). A new reach of the same step before that
 *       (another mechanism or attempt) ends the old pause with {@code ReleasedOutsidePitstop} or
 *       {@code ToBeRetried}.
 * </ul>
 *
 * <h2>Memory</h2>
 *
 * This object holds the runs of the partitions its engine owns; the engine saves each root run's
 * breakpoints ({@link #ofRoot}) to its compacted state topic and {@link #restore}s them when given
 * a partition, {@link #dropRoots dropping} them when the partition goes (see the engine's
 * DESIGN.md). A release by exec under way comes back paused; a release through an ephemeral
 * container under way comes back releasing and is confirmed again by the container's status ({@link
 * #restore}); a replay of the command under way is ignored. Per-run state is dropped when the run
 * finishes; what remains is bounded: the last {@code maxFinishedRuns} finished runs' names, UIDs
 * and reasons (so a late or replayed observation cannot pause a finished run again, and a command
 * for it is answered with what happened) and the last {@code maxOutcomes} command outcomes.
 *
 * <p>Not thread-safe: one caller at a time (the engine serialises access).
 */
public final class BreakpointBook {
  /** {@code breakpoint.ended} reason when a step went on without Pitstop's release. */
  public static final String STEP_FINISHED = "StepFinished";

  /** {@code breakpoint.ended} reason when the same step paused again in another way. */
  public static final String RELEASED_OUTSIDE = "ReleasedOutsidePitstop";

  /** {@code breakpoint.ended} reason when the TaskRun started another attempt (Tekton's). */
  public static final String TO_BE_RETRIED = "ToBeRetried";

  static final int MAX_LOG_LINES = 20;
  static final int MAX_LOG_LINE = 1_000;
  static final int MAX_MESSAGE = 8_192;
  private static final Pattern CONTAINER =
      Pattern.compile("step-[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern POD = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Set<String> RUN_END_REASONS = Set.of("TaskRunTimeout", "TaskRunCancelled");

  private final EventFactory events;
  private final Clock clock;
  private final Map<String, RunState> runs = new LinkedHashMap<>();
  private final Map<String, Finished> finished;
  private final Map<String, CommandOutcome> outcomes;

  /**
   * @param events the engine's event factory (source {@code /pitstop/<cluster>/breakpoint-engine})
   * @param clock the time of decisions
   * @param maxFinishedRuns how many finished runs to remember (names, UIDs, reasons)
   * @param maxOutcomes how many command outcomes to remember
   */
  public BreakpointBook(EventFactory events, Clock clock, int maxFinishedRuns, int maxOutcomes) {
    this.events = Objects.requireNonNull(events);
    this.clock = Objects.requireNonNull(clock);
    this.finished = Bounded.map(maxFinishedRuns);
    this.outcomes = Bounded.map(maxOutcomes);
  }

  /** A book remembering 10,000 finished runs and 10,000 command outcomes. */
  public BreakpointBook(EventFactory events, Clock clock) {
    this(events, clock, 10_000, 10_000);
  }

  // ---- inputs ----

  /** The event types the book acts on; {@link #onEvent} ignores every other. */
  public static final Set<EventType> ACTS_ON =
      java.util.Collections.unmodifiableSet(
          java.util.EnumSet.of(
              EventType.STEP_BREAKPOINT_REACHED,
              EventType.STEP_FINISHED,
              EventType.TASKRUN_FINISHED,
              EventType.PIPELINERUN_FINISHED,
              EventType.COMMAND_CONTINUE,
              EventType.COMMAND_FAIL_CONTINUE));

  /**
   * Feeds an observation or a command; types not in {@link #ACTS_ON} are ignored.
   *
   * @return what to do, in order (possibly nothing)
   */
  public List<Action> onEvent(PitstopEvent e) {
    if (!ACTS_ON.contains(e.type())) {
      return List.of(); // the one list of what is acted on: the engine's consumer skips the rest
    }
    EventData d = e.data();
    return switch (e.type()) {
      case STEP_BREAKPOINT_REACHED -> onReached(e.id(), (BreakpointReached) d);
      case STEP_FINISHED -> onStepFinished((StepFinished) d);
      case TASKRUN_FINISHED -> onTaskRunFinished((RunFinished) d);
      case PIPELINERUN_FINISHED -> onPipelineRunFinished((RunFinished) d);
      case COMMAND_CONTINUE, COMMAND_FAIL_CONTINUE -> onCommand((Command) d);
      default -> List.of();
    };
  }

  /**
   * Feeds the result of an {@link Action.Exec}. A result for a breakpoint no longer being released
   * by that command (the run ended meanwhile) is ignored.
   *
   * @return what to do
   */
  public List<Action> onExecResult(ExecOutcome o) {
    Breakpoint bp = releasing(o.key(), o.commandId());
    if (bp == null) {
      return List.of();
    }
    Instant now = clock.instant();
    Command c = bp.release();
    if (o.succeeded()) {
      return continued(bp, BreakpointContinued.EXEC, bp.container(), now);
    }
    String message =
        "exec of "
            + bp.mechanism().script(c.action())
            + " in "
            + bp.key().namespace()
            + "/"
            + bp.pod()
            + " container "
            + bp.container()
            + (o.exitCode() == ExecOutcome.NOT_RUN
                ? " could not run"
                : " exited with code " + o.exitCode())
            + (o.stderr().isBlank() ? "" : ": " + o.stderr().strip());
    int index = bp.step().index();
    if (bp.endReason() == null
        && ShellLessRelease.noShell(o)
        && index >= 0
        && index <= ShellLessRelease.MAX_STEP_INDEX) {
      String name =
          ShellLessRelease.containerName(bp.run().uid(), bp.key().step(), index, c.requestId());
      String warning =
          message
              + "; the image has no shell, so "
              + bp.key()
              + " is released through ephemeral container "
              + name
              + " writing to its run volume "
              + ShellLessRelease.RUN_VOLUME
              + index
              + " (command "
              + c.requestId()
              + ")";
      put(bp.with(State.RELEASING, c, null, bp.endReason(), name));
      return List.of(
          publish(
              EventType.BREAKPOINT_WARNING,
              new BreakpointWarning(
                  bp.run(), BreakpointWarning.NO_SHELL, bounded(warning), null, now),
              now),
          addReleaseContainer(bp, c, name));
    }
    return failed(bp, message, now);
  }

  private static Action.AddReleaseContainer addReleaseContainer(
      Breakpoint bp, Command c, String name) {
    return new Action.AddReleaseContainer(
        bp.key(),
        c.requestId(),
        bp.key().namespace(),
        bp.pod(),
        name,
        bp.container(),
        bp.step().index(),
        bp.mechanism(),
        c.action());
  }

  /**
   * Feeds the result of an {@link Action.AddReleaseContainer}, known once the container's status
   * says what it did ({@link ReleaseContainerStatus}): it terminated with exit code 0 (or the step
   * went on) → {@code breakpoint.continued} ({@code releasedThrough: ephemeralContainer}); else
   * (not added, a non-zero exit, an image that cannot be pulled, no result in time) → {@code
   * command.rejected} {@code ExecFailed} naming the container and its status, and the step stays
   * paused: a new command tries again with another container. A result for a breakpoint no longer
   * being released by that command (the step was seen to go on, the run ended) is ignored.
   *
   * @return what to do
   */
  public List<Action> onEphemeralResult(EphemeralOutcome o) {
    Breakpoint bp = releasing(o.key(), o.commandId());
    if (bp == null) {
      return List.of();
    }
    Instant now = clock.instant();
    if (o.succeeded() && (bp.endReason() == null || !RUN_END_REASONS.contains(bp.endReason()))) {
      return continued(bp, BreakpointContinued.EPHEMERAL_CONTAINER, o.name(), now);
    }
    String where = bp.key().namespace() + "/" + bp.pod();
    return failed(
        bp,
        "the step's image has no shell and ephemeral container "
            + o.name()
            + (o.succeeded()
                ? " in " + where + " ran, but the run was stopping"
                : o.added()
                    ? " in " + where + " did not release the step: " + o.error()
                    : " could not be added to " + where + ": " + o.error()),
        now);
  }

  private Breakpoint releasing(BreakpointKey key, String commandId) {
    Breakpoint bp = breakpoint(key);
    if (bp == null
        || bp.state() != State.RELEASING
        || !bp.release().requestId().equals(commandId)) {
      return null;
    }
    return bp;
  }

  private List<Action> continued(Breakpoint bp, String through, String container, Instant now) {
    Command c = bp.release();
    put(bp.with(State.CONTINUED, c, now, null));
    outcomes.put(
        c.requestId(),
        new CommandOutcome(
            c.requestId(),
            CommandOutcome.Status.CONTINUED,
            null,
            bp.key()
                + ": "
                + c.action().json()
                + " done"
                + (BreakpointContinued.EXEC.equals(through)
                    ? ""
                    : " through ephemeral container " + container),
            now));
    return List.of(
        publish(
            EventType.BREAKPOINT_CONTINUED,
            new BreakpointContinued(
                bp.run(),
                bp.step(),
                bp.mechanism(),
                c.action(),
                c.requestedBy(),
                c.via(),
                bp.pausedAt(),
                now,
                through,
                container,
                c.requestId()),
            now));
  }

  private List<Action> failed(Breakpoint bp, String message, Instant now) {
    List<Action> out = new ArrayList<>();
    if (bp.endReason() != null) {
      put(bp.with(State.ENDED, null, now, bp.endReason()));
      out.add(ended(bp, bp.endReason(), now));
      message += "; the step has ended meanwhile (" + bp.endReason() + ")";
    } else {
      put(bp.with(State.PAUSED, null, null, null));
      message += "; the step still waits";
    }
    out.add(reject(bp.release(), CommandRejected.EXEC_FAILED, bounded(message), now));
    return out;
  }

  private static String bounded(String s) {
    return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) : s;
  }

  /**
   * Rejects a command the engine may not carry out ({@code Forbidden}: the caller may not {@code
   * create pods/exec} in the run's namespace); a command already decided is ignored.
   *
   * @return the rejection to publish, or nothing
   */
  public List<Action> forbid(Command c, String message) {
    CommandOutcome known = outcomes.get(c.requestId());
    if (known != null && known.status() != CommandOutcome.Status.PENDING) {
      return List.of();
    }
    return List.of(reject(c, CommandRejected.FORBIDDEN, message, clock.instant()));
  }

  /** Records that the API accepted a command, so its outcome reads as pending until decided. */
  public void accepted(String commandId) {
    outcomes.putIfAbsent(commandId, CommandOutcome.pending(commandId));
  }

  /** Forgets an accepted command that could not be published. */
  public void forget(String commandId) {
    CommandOutcome o = outcomes.get(commandId);
    if (o != null && o.status() == CommandOutcome.Status.PENDING) {
      outcomes.remove(commandId);
    }
  }

  // ---- queries ----

  /** The breakpoints where a step waits (paused or being released), oldest pause first. */
  public List<Breakpoint> waiting() {
    return runs.values().stream()
        .flatMap(r -> r.steps.values().stream())
        .filter(Breakpoint::waiting)
        .sorted(Comparator.comparing(Breakpoint::pausedAt).thenComparing(b -> b.key().toString()))
        .toList();
  }

  /** The breakpoint at key, in whatever state, while its run is known. */
  public Optional<Breakpoint> find(BreakpointKey key) {
    return Optional.ofNullable(breakpoint(key));
  }

  /** Where a command for {@code key} would stand now, with a sentence saying why. */
  public Standing standing(BreakpointKey key) {
    Breakpoint bp = breakpoint(key);
    if (bp != null) {
      return switch (bp.state()) {
        case PAUSED ->
            new Standing(
                Standing.Kind.PAUSED, bp, key + " is paused (" + bp.mechanism().json() + ")");
        case RELEASING ->
            new Standing(
                Standing.Kind.NOT_PAUSED,
                bp,
                key
                    + " is being released: "
                    + describe(bp.release())
                    + " requested at "
                    + bp.release().requestedAt());
        case CONTINUED ->
            new Standing(
                Standing.Kind.NOT_PAUSED,
                bp,
                key + " is not paused: " + describe(bp.release()) + " at " + bp.decidedAt());
        case ENDED ->
            new Standing(
                Standing.Kind.NOT_PAUSED,
                bp,
                key
                    + " is not paused: the pause ended ("
                    + bp.endReason()
                    + ") at "
                    + bp.decidedAt());
      };
    }
    Finished f = finished.get(runKey(key.namespace(), key.taskRun()));
    if (f != null) {
      return new Standing(
          Standing.Kind.NOT_PAUSED,
          null,
          key + " is not paused: the TaskRun finished (" + f.reason + ") at " + f.at);
    }
    return new Standing(Standing.Kind.UNKNOWN, null, "no breakpoint is known at " + key);
  }

  /** The outcome of a command the API accepted or the engine decided, while remembered. */
  public Optional<CommandOutcome> outcome(String commandId) {
    return Optional.ofNullable(outcomes.get(commandId));
  }

  /**
   * Every breakpoint of the runs under root run {@code rootUid} (the PipelineRun's uid, or a
   * standalone TaskRun's) that this book still knows, in any state: what a state snapshot keeps.
   */
  public List<Breakpoint> ofRoot(String rootUid) {
    return runs.values().stream()
        .flatMap(r -> r.steps.values().stream())
        .filter(b -> rootUid.equals(b.run().rootUid()))
        .toList();
  }

  /** The root runs' uids this book holds state of. */
  public Set<String> roots() {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (RunState rs : runs.values()) {
      if (rs.rootUid != null) {
        out.add(rs.rootUid);
      }
    }
    return out;
  }

  /**
   * Restores a breakpoint from a state snapshot (after a restart). One being released by exec comes
   * back {@link State#PAUSED} (the exec's fate is unknown: a replayed command or a person acts
   * again). One being released through an ephemeral container stays {@link State#RELEASING}, its
   * command pending, and the answer is that {@link Action.AddReleaseContainer} again: the container
   * is not added twice (its name is in the Pod) and its status decides. A continued one
   * re-registers its command as decided, so a replay is not carried out twice.
   *
   * @return what to do now (the release containers to confirm), possibly nothing
   */
  public List<Action> restore(Breakpoint restored) {
    Breakpoint bp = Compact.breakpoint(restored);
    String k = runKey(bp.key().namespace(), bp.key().taskRun());
    RunState rs = runs.computeIfAbsent(k, x -> new RunState(bp.run().uid(), bp.run().rootUid()));
    if (!Objects.equals(rs.uid, bp.run().uid())) {
      return List.of();
    }
    boolean throughContainer =
        bp.state() == State.RELEASING && bp.releaseContainer() != null && bp.release() != null;
    Breakpoint b =
        bp.state() == State.RELEASING && !throughContainer
            ? bp.with(State.PAUSED, null, null, null)
            : bp;
    rs.steps.put(b.key().step(), b);
    if (b.state() == State.CONTINUED && b.release() != null) {
      outcomes.put(
          b.release().requestId(),
          new CommandOutcome(
              b.release().requestId(),
              CommandOutcome.Status.CONTINUED,
              null,
              b.key() + ": " + b.release().action().json() + " done",
              b.decidedAt()));
    }
    if (throughContainer) {
      outcomes.put(b.release().requestId(), CommandOutcome.pending(b.release().requestId()));
      return List.of(addReleaseContainer(b, b.release(), b.releaseContainer()));
    }
    return List.of();
  }

  /**
   * Forgets the state of every run whose root run's uid matches {@code root} (the engine no longer
   * owns their partition: another instance restores them from the state topic). Finished runs and
   * command outcomes stay remembered.
   *
   * @return how many runs were dropped
   */
  public int dropRoots(java.util.function.Predicate<String> root) {
    int before = runs.size();
    runs.values().removeIf(rs -> rs.rootUid != null && root.test(rs.rootUid));
    return before - runs.size();
  }

  /** How many runs have state now (for tests and metrics). */
  public int runsWithState() {
    return runs.size();
  }

  /**
   * Where a command would stand.
   *
   * @param kind paused (a command would be carried out), not paused (known, but nothing waits), or
   *     unknown
   * @param breakpoint the breakpoint, when its run is still known; else null
   * @param message a sentence for a person
   */
  public record Standing(Kind kind, Breakpoint breakpoint, String message) {
    public enum Kind {
      PAUSED,
      NOT_PAUSED,
      UNKNOWN
    }
  }

  // ---- rules ----

  private List<Action> onReached(String eventId, BreakpointReached r) {
    RunRef run = r.run();
    String runKey = runKey(run.namespace(), run.name());
    Finished f = finished.get(runKey);
    if (f != null) {
      if (Objects.equals(f.uid, run.uid())) {
        return List.of(); // late or replayed: the run has finished
      }
      finished.remove(runKey); // a new TaskRun of the same name
    }
    Instant now = clock.instant();
    List<Action> out = new ArrayList<>();
    RunState rs = runs.get(runKey);
    if (rs != null && !Objects.equals(rs.uid, run.uid())) {
      // The TaskRun we knew was replaced by another of the same name: it was deleted.
      out.addAll(endAll(runs.remove(runKey), "Deleted", now));
      rs = null;
    }
    if (rs == null) {
      rs = new RunState(run.uid(), run.rootUid());
      runs.put(runKey, rs);
    }
    if (!rs.reach(eventId) || rs.finished(r.step().name(), run.retry())) {
      return out;
    }
    BreakpointKey key = new BreakpointKey(run.namespace(), run.name(), r.step().name());
    Breakpoint old = rs.steps.get(key.step());
    if (old != null
        && old.waiting()
        && old.run().retry() == run.retry()
        && old.mechanism() == r.mechanism()
        && Objects.equals(old.pausedAt(), r.reachedAt())) {
      return out; // the same pause observed again (e.g. replayed after a restore)
    }
    if (old != null && old.waiting()) {
      String reason = old.run().retry() != run.retry() ? TO_BE_RETRIED : RELEASED_OUTSIDE;
      out.addAll(endOne(old, reason, now));
    }
    String pod = podOf(run, r.step());
    String container = containerOf(r.step());
    List<String> tail = boundedTail(r.logTail());
    String exec = Breakpoint.execCommand(run.namespace(), pod, container);
    // What the book keeps: the same content with its repeated strings shared (Compact).
    Breakpoint bp =
        Compact.breakpoint(
            new Breakpoint(
                key,
                run,
                r.step(),
                r.mechanism(),
                pod,
                container,
                r.reachedAt(),
                r.deadline(),
                tail,
                exec,
                State.PAUSED,
                null,
                null,
                null,
                null));
    rs.steps.put(bp.key().step(), bp);
    out.add(
        publish(
            EventType.BREAKPOINT_PAUSED,
            new BreakpointPaused(
                run, r.step(), r.mechanism(), r.reachedAt(), now, tail, r.deadline(), exec),
            now));
    return out;
  }

  private List<Action> onStepFinished(StepFinished s) {
    RunState rs = runs.get(runKey(s.run().namespace(), s.run().name()));
    if (rs == null || !Objects.equals(rs.uid, s.run().uid())) {
      return List.of();
    }
    rs.finish(s.step().name(), s.run().retry());
    Breakpoint bp = rs.steps.get(s.step().name());
    if (bp == null || bp.run().retry() != s.run().retry()) {
      return List.of();
    }
    String reason =
        RUN_END_REASONS.contains(s.terminationReason()) ? s.terminationReason() : STEP_FINISHED;
    if (bp.state() == State.PAUSED) {
      return endOne(bp, reason, clock.instant());
    }
    if (bp.state() == State.RELEASING) {
      if (bp.releaseContainer() != null && STEP_FINISHED.equals(reason)) {
        // The release container's file took effect: the step went on.
        return continued(
            bp, BreakpointContinued.EPHEMERAL_CONTAINER, bp.releaseContainer(), clock.instant());
      }
      // Most likely our own release took effect; the exec result decides.
      put(bp.with(State.RELEASING, bp.release(), null, reason));
    }
    return List.of();
  }

  private List<Action> onTaskRunFinished(RunFinished f) {
    RunRef run = f.run();
    String runKey = runKey(run.namespace(), run.name());
    Instant now = clock.instant();
    finished.put(runKey, new Finished(run.uid(), f.reason(), now));
    RunState rs = runs.get(runKey);
    if (rs == null || !Objects.equals(rs.uid, run.uid())) {
      return List.of();
    }
    runs.remove(runKey);
    return endAll(rs, f.reason(), now);
  }

  private List<Action> onPipelineRunFinished(RunFinished f) {
    String uid = f.run().uid();
    if (uid == null) {
      return List.of();
    }
    Instant now = clock.instant();
    List<Action> out = new ArrayList<>();
    List<String> children =
        runs.entrySet().stream()
            .filter(
                en ->
                    en.getValue().steps.values().stream()
                        .anyMatch(b -> uid.equals(b.run().pipelineRunUid())))
            .map(Map.Entry::getKey)
            .toList();
    for (String k : children) {
      RunState rs = runs.remove(k);
      finished.put(k, new Finished(rs.uid, f.reason(), now));
      out.addAll(endAll(rs, f.reason(), now));
    }
    return out;
  }

  private List<Action> onCommand(Command c) {
    Instant now = clock.instant();
    CommandOutcome known = outcomes.get(c.requestId());
    if (known != null && known.status() != CommandOutcome.Status.PENDING) {
      return List.of(); // already decided: a replay
    }
    if (c.step() == null || c.step().isBlank() || c.action() == null) {
      return List.of(
          reject(c, CommandRejected.NOT_PAUSED, "the command names no step or action", now));
    }
    BreakpointKey key = new BreakpointKey(c.run().namespace(), c.run().name(), c.step());
    Breakpoint current = breakpoint(key);
    if (current != null
        && current.state() == State.RELEASING
        && current.release() != null
        && current.release().requestId().equals(c.requestId())) {
      return List.of(); // the command under way, replayed (e.g. after a restart)
    }
    Standing st = standing(key);
    if (st.kind() != Standing.Kind.PAUSED) {
      return List.of(reject(c, CommandRejected.NOT_PAUSED, st.message(), now));
    }
    Breakpoint bp = st.breakpoint();
    if (c.run().uid() != null && !c.run().uid().equals(bp.run().uid())) {
      return List.of(
          reject(
              c,
              CommandRejected.NOT_PAUSED,
              "the command targets TaskRun uid "
                  + c.run().uid()
                  + " but "
                  + key
                  + " belongs to uid "
                  + bp.run().uid(),
              now));
    }
    put(bp.with(State.RELEASING, c, null, null));
    outcomes.put(c.requestId(), CommandOutcome.pending(c.requestId()));
    return List.of(
        new Action.Exec(
            key,
            c.requestId(),
            key.namespace(),
            bp.pod(),
            bp.container(),
            List.of(bp.mechanism().script(c.action()))));
  }

  // ---- helpers ----

  private List<Action> endAll(RunState rs, String reason, Instant now) {
    List<Action> out = new ArrayList<>();
    for (Breakpoint bp : List.copyOf(rs.steps.values())) {
      if (bp.waiting()) {
        out.addAll(endOne(bp, reason, now));
      }
    }
    return out;
  }

  private List<Action> endOne(Breakpoint bp, String reason, Instant now) {
    List<Action> out = new ArrayList<>();
    out.add(ended(bp, reason, now));
    if (bp.state() == State.RELEASING) {
      out.add(
          reject(
              bp.release(),
              CommandRejected.NOT_PAUSED,
              bp.key()
                  + " is not paused: the pause ended ("
                  + reason
                  + ") before the release was carried out",
              now));
    }
    put(bp.with(State.ENDED, null, now, reason));
    return out;
  }

  private Action ended(Breakpoint bp, String reason, Instant now) {
    return publish(
        EventType.BREAKPOINT_ENDED,
        new BreakpointEnded(bp.run(), bp.step(), bp.mechanism(), reason, bp.pausedAt(), now),
        now);
  }

  private Action reject(Command c, String reason, String message, Instant now) {
    outcomes.put(
        c.requestId(),
        new CommandOutcome(c.requestId(), CommandOutcome.Status.REJECTED, reason, message, now));
    return publish(EventType.COMMAND_REJECTED, new CommandRejected(c, reason, message, now), now);
  }

  private Action publish(EventType type, EventData data, Instant now) {
    return new Action.Publish(events.create(type, data, now));
  }

  private void put(Breakpoint bp) {
    RunState rs = runs.get(runKey(bp.key().namespace(), bp.key().taskRun()));
    if (rs != null) {
      rs.steps.put(bp.key().step(), bp);
    }
  }

  private Breakpoint breakpoint(BreakpointKey key) {
    RunState rs = runs.get(runKey(key.namespace(), key.taskRun()));
    return rs == null ? null : rs.steps.get(key.step());
  }

  private static String describe(Command c) {
    String who = c.requestedBy() == null ? "unknown" : c.requestedBy().username();
    return c.action().json() + " by " + who + " via " + c.via();
  }

  /** The Pod named by the observation when it is a legal name, else Tekton's name for it. */
  static String podOf(RunRef run, StepRef step) {
    String pod = step.pod();
    return pod != null && POD.matcher(pod).matches()
        ? pod
        : TektonNames.podName(run.name(), run.retry());
  }

  /**
   * The container named by the observation when it is a step container, else {@code step-<name>}.
   */
  static String containerOf(StepRef step) {
    String c = step.container();
    return c != null && CONTAINER.matcher(c).matches() ? c : TektonNames.STEP_PREFIX + step.name();
  }

  static List<String> boundedTail(List<String> tail) {
    List<String> lines =
        tail.size() > MAX_LOG_LINES ? tail.subList(tail.size() - MAX_LOG_LINES, tail.size()) : tail;
    return lines.stream()
        .map(l -> l == null ? "" : l.length() > MAX_LOG_LINE ? l.substring(0, MAX_LOG_LINE) : l)
        .toList();
  }

  private static String runKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  /**
   * The state of one TaskRun (one UID) while it runs. Kept small (one per live run): a TaskRun
   * usually pauses in one step, reaches few breakpoints and has a handful of steps.
   */
  private static final class RunState {
    final String uid;
    final String rootUid;
    final Map<String, Breakpoint> steps = new LinkedHashMap<>(2);

    /** 64-bit hashes of the ids of the reaches seen (not their 32 characters each). */
    private long[] reached = NONE;

    /** {@code <step>/<retry>} of the steps seen finished, interned. */
    private String[] finishedSteps = NO_STEPS;

    private static final long[] NONE = new long[0];
    private static final String[] NO_STEPS = new String[0];

    RunState(String uid, String rootUid) {
      this.uid = uid;
      this.rootUid = rootUid;
    }

    /**
     * Records a reach by its event id; false when seen before. Ids are compared by a 64-bit hash
     * (FNV-1a): two different ids of one TaskRun collide with a probability of about 2^-64.
     */
    boolean reach(String eventId) {
      long h = hash(eventId);
      for (long r : reached) {
        if (r == h) {
          return false;
        }
      }
      reached = java.util.Arrays.copyOf(reached, reached.length + 1);
      reached[reached.length - 1] = h;
      return true;
    }

    void finish(String step, int retry) {
      if (!finished(step, retry)) {
        finishedSteps = java.util.Arrays.copyOf(finishedSteps, finishedSteps.length + 1);
        finishedSteps[finishedSteps.length - 1] = (step + "/" + retry).intern();
      }
    }

    boolean finished(String step, int retry) {
      String k = step + "/" + retry;
      for (String f : finishedSteps) {
        if (f.equals(k)) {
          return true;
        }
      }
      return false;
    }

    private static long hash(String s) {
      long h = 0xcbf29ce484222325L;
      for (int i = 0; i < s.length(); i++) {
        h ^= s.charAt(i);
        h *= 0x100000001b3L;
      }
      return h;
    }
  }

  private record Finished(String uid, String reason, Instant at) {}
}
