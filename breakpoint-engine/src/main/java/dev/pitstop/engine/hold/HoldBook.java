package dev.pitstop.engine.hold;

import dev.pitstop.engine.Bounded;
import dev.pitstop.engine.admission.AdmissionDecider;
import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.CommandOutcome;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.data.HoldEnded;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's pure core for held tasks (TEP-0097 {@code beforeTasks}/{@code afterTasks}, TEP-0149
 * {@code onTasks}): TaskRuns Pitstop's admission webhook created with {@code spec.status:
 * TaskRunPending} (tekton-facts.md §1). No I/O.
 *
 * <ul>
 *   <li>{@code taskrun.pending} of a TaskRun carrying {@value AdmissionDecider#HELD_BY} → {@code
 *       hold.held} (once per TaskRun uid). A pending TaskRun without it is not Pitstop's: ignored.
 *   <li>a command without a step for a held TaskRun → {@link Action.ReleaseHold}: continue clears
 *       {@code spec.status}; fail-continue sets {@code TaskRunCancelled} with a status message
 *       naming who. On success {@code hold.released}; on failure {@code command.rejected} {@code
 *       ReleaseFailed} and it stays held. A command for a TaskRun not held (any more) → {@code
 *       command.rejected} {@code NotHeld} saying what happened: a second continue is a no-op,
 *       reported as such. A command already decided (same id) is ignored.
 *   <li>{@code taskrun.started} while held → {@code hold.ended} {@code StartedOutsidePitstop};
 *       {@code taskrun.finished} or {@code pipelinerun.finished} while held → {@code hold.ended}
 *       with that reason (timeout, cancel, deletion).
 * </ul>
 *
 * <p>Not thread-safe; the engine serialises access. Bounded: the last {@code maxDone} holds that
 * are no longer waiting and the last {@code maxOutcomes} command outcomes are remembered.
 */
public final class HoldBook {
  public static final String STARTED_OUTSIDE = "StartedOutsidePitstop";

  private final EventFactory events;
  private final Clock clock;
  private final Map<String, Hold> holds = new LinkedHashMap<>();
  private final Map<String, Hold> done;
  private final Map<String, CommandOutcome> outcomes;

  public HoldBook(EventFactory events, Clock clock, int maxDone, int maxOutcomes) {
    this.events = Objects.requireNonNull(events);
    this.clock = Objects.requireNonNull(clock);
    this.done = Bounded.map(maxDone);
    this.outcomes = Bounded.map(maxOutcomes);
  }

  public HoldBook(EventFactory events, Clock clock) {
    this(events, clock, 10_000, 10_000);
  }

  /** The event types the book acts on; {@link #onEvent} ignores every other. */
  public static final java.util.Set<EventType> ACTS_ON =
      java.util.Collections.unmodifiableSet(
          java.util.EnumSet.of(
              EventType.TASKRUN_PENDING,
              EventType.TASKRUN_STARTED,
              EventType.TASKRUN_FINISHED,
              EventType.PIPELINERUN_FINISHED,
              EventType.COMMAND_CONTINUE,
              EventType.COMMAND_FAIL_CONTINUE));

  /**
   * Feeds an observation or a hold command (a command without a step); types not in {@link
   * #ACTS_ON} are ignored.
   */
  public List<Action> onEvent(PitstopEvent e) {
    if (!ACTS_ON.contains(e.type())) {
      return List.of(); // the one list of what is acted on: the engine's consumer skips the rest
    }
    EventData d = e.data();
    return switch (e.type()) {
      case TASKRUN_PENDING -> onPending((RunPending) d);
      case TASKRUN_STARTED -> onStarted((RunStarted) d);
      case TASKRUN_FINISHED -> onFinished((RunFinished) d);
      case PIPELINERUN_FINISHED -> onPipelineRunFinished((RunFinished) d);
      case COMMAND_CONTINUE, COMMAND_FAIL_CONTINUE -> onCommand((Command) d);
      default -> List.of();
    };
  }

  /** True when a command is for a hold (it names no step). */
  public static boolean isHoldCommand(Command c) {
    return c.step() == null || c.step().isBlank();
  }

  /** Feeds the result of a {@link Action.ReleaseHold}; a stale one is ignored. */
  public List<Action> onPatchResult(PatchOutcome o) {
    String key = o.namespace() + "/" + o.taskRun();
    Hold h = holds.get(key);
    if (h == null
        || h.state() != Hold.State.RELEASING
        || !h.release().requestId().equals(o.commandId())) {
      return List.of();
    }
    Instant now = clock.instant();
    Command c = h.release();
    if (o.succeeded()) {
      finish(h.with(Hold.State.RELEASED, c, now, null));
      outcomes.put(
          c.requestId(),
          new CommandOutcome(
              c.requestId(),
              CommandOutcome.Status.CONTINUED,
              null,
              key
                  + ": "
                  + c.action().json()
                  + " done"
                  + (cancels(c) ? " (TaskRunCancelled)" : " (started)"),
              now));
      return List.of(
          publish(
              EventType.HOLD_RELEASED,
              new HoldReleased(
                  h.run(), c.action(), c.requestedBy(), c.via(), h.heldSince(), now, c.requestId()),
              now));
    }
    holds.put(key, h.with(Hold.State.HELD, null, null, null));
    return List.of(
        reject(
            c,
            CommandRejected.RELEASE_FAILED,
            "patching " + key + " failed: " + o.error() + "; it stays held",
            now));
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

  /** The TaskRuns held now (or being released), oldest first. */
  public List<Hold> waiting() {
    return holds.values().stream()
        .filter(Hold::waiting)
        .sorted(Comparator.comparing(Hold::heldSince).thenComparing(Hold::key))
        .toList();
  }

  /** The hold of {@code namespace/name}, live or remembered. */
  public Optional<Hold> find(String namespace, String name) {
    String k = namespace + "/" + name;
    return Optional.ofNullable(holds.getOrDefault(k, done.get(k)));
  }

  /** A command's outcome while remembered. */
  public Optional<CommandOutcome> outcome(String commandId) {
    return Optional.ofNullable(outcomes.get(commandId));
  }

  /** The root runs' uids this book holds holds of (live or remembered). */
  public java.util.Set<String> roots() {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    holds.values().forEach(h -> out.add(h.run().rootUid()));
    done.values().forEach(h -> out.add(h.run().rootUid()));
    out.remove(null);
    return out;
  }

  /** Every hold (live or remembered) under root run {@code rootUid}: what a snapshot keeps. */
  public List<Hold> ofRoot(String rootUid) {
    List<Hold> out = new ArrayList<>();
    holds.values().stream().filter(h -> rootUid.equals(h.run().rootUid())).forEach(out::add);
    done.values().stream().filter(h -> rootUid.equals(h.run().rootUid())).forEach(out::add);
    return out;
  }

  /**
   * Restores a hold from a state snapshot. One being released comes back {@link Hold.State#HELD}
   * (the patch's fate is unknown; its test op makes a repeat safe); a released one re-registers its
   * command as decided.
   */
  public void restore(Hold h) {
    if (h.waiting()) {
      holds.put(
          h.key(),
          h.state() == Hold.State.RELEASING ? h.with(Hold.State.HELD, null, null, null) : h);
      return;
    }
    done.put(h.key(), h);
    if (h.state() == Hold.State.RELEASED && h.release() != null) {
      outcomes.put(
          h.release().requestId(),
          new CommandOutcome(
              h.release().requestId(),
              CommandOutcome.Status.CONTINUED,
              null,
              h.key() + ": " + h.release().action().json() + " done",
              h.decidedAt()));
    }
  }

  /**
   * Forgets every hold, live or remembered, whose root run's uid matches {@code root} (the engine
   * no longer owns their partition). Command outcomes stay remembered.
   *
   * @return how many holds were dropped
   */
  public int dropRoots(java.util.function.Predicate<String> root) {
    int before = holds.size() + done.size();
    holds.values().removeIf(h -> root.test(h.run().rootUid()));
    done.values().removeIf(h -> root.test(h.run().rootUid()));
    return before - holds.size() - done.size();
  }

  /** A sentence saying why a command for {@code h} would be a no-op; null when it would act. */
  public static String notHeld(Hold h) {
    return switch (h.state()) {
      case HELD -> null;
      case RELEASING -> h.key() + " is being released: " + describe(h.release());
      case RELEASED -> h.key() + " is not held: " + describe(h.release()) + " at " + h.decidedAt();
      case ENDED ->
          h.key() + " is not held: the hold ended (" + h.endReason() + ") at " + h.decidedAt();
    };
  }

  // ---- rules ----

  private List<Action> onPending(RunPending p) {
    RunRef run = p.run();
    String by = run.annotations().get(AdmissionDecider.HELD_BY);
    if (by == null || by.isBlank()) {
      return List.of();
    }
    String key = run.namespace() + "/" + run.name();
    Hold known = holds.get(key);
    if (known != null && Objects.equals(known.run().uid(), run.uid())) {
      return List.of();
    }
    Hold old = done.get(key);
    if (old != null && Objects.equals(old.run().uid(), run.uid())) {
      return List.of(); // replayed after release or end
    }
    Instant now = clock.instant();
    String kind = by.contains(":") ? by.substring(0, by.indexOf(':')) : "unknown";
    Instant since = p.createdAt() == null ? now : p.createdAt();
    holds.put(key, new Hold(run, kind, by, since, Hold.State.HELD, null, null, null));
    return List.of(publish(EventType.HOLD_HELD, new HoldHeld(run, kind, by, since, now), now));
  }

  private List<Action> onStarted(RunStarted s) {
    Hold h = live(s.run());
    if (h == null || h.state() != Hold.State.HELD) {
      return List.of(); // releasing: the patch's result decides
    }
    return end(h, STARTED_OUTSIDE);
  }

  private List<Action> onFinished(RunFinished f) {
    Hold h = live(f.run());
    if (h == null) {
      return List.of();
    }
    if (h.state() == Hold.State.RELEASING && cancels(h.release())) {
      return List.of(); // most likely our own cancel: the patch's result decides
    }
    return end(h, f.reason());
  }

  private List<Action> onPipelineRunFinished(RunFinished f) {
    List<Action> out = new ArrayList<>();
    for (Hold h : List.copyOf(holds.values())) {
      if (f.run().uid() != null && f.run().uid().equals(h.run().pipelineRunUid())) {
        out.addAll(end(h, f.reason()));
      }
    }
    return out;
  }

  private List<Action> onCommand(Command c) {
    if (!isHoldCommand(c)) {
      return List.of();
    }
    CommandOutcome known = outcomes.get(c.requestId());
    if (known != null && known.status() != CommandOutcome.Status.PENDING) {
      return List.of();
    }
    Instant now = clock.instant();
    Optional<Hold> found = find(c.run().namespace(), c.run().name());
    if (found.isEmpty()) {
      return List.of(
          reject(c, CommandRejected.NOT_HELD, "no hold is known at " + c.run().display(), now));
    }
    Hold h = found.get();
    String why = notHeld(h);
    if (why == null && c.run().uid() != null && !c.run().uid().equals(h.run().uid())) {
      why =
          "the command targets uid "
              + c.run().uid()
              + " but "
              + h.key()
              + " is uid "
              + h.run().uid();
    }
    if (why != null) {
      return List.of(reject(c, CommandRejected.NOT_HELD, why, now));
    }
    holds.put(h.key(), h.with(Hold.State.RELEASING, c, null, null));
    outcomes.put(c.requestId(), CommandOutcome.pending(c.requestId()));
    String message =
        cancels(c)
            ? "fail-continue of a held task by "
                + (c.requestedBy() == null ? "unknown" : c.requestedBy().username())
                + " via "
                + c.via()
                + " (Pitstop)"
            : null;
    return List.of(
        new Action.ReleaseHold(
            h.run().namespace(), h.run().name(), c.requestId(), cancels(c), message));
  }

  // ---- helpers ----

  private Hold live(RunRef run) {
    Hold h = holds.get(run.namespace() + "/" + run.name());
    return h != null && Objects.equals(h.run().uid(), run.uid()) && h.waiting() ? h : null;
  }

  private List<Action> end(Hold h, String reason) {
    Instant now = clock.instant();
    List<Action> out = new ArrayList<>();
    out.add(publish(EventType.HOLD_ENDED, new HoldEnded(h.run(), reason, h.heldSince(), now), now));
    if (h.state() == Hold.State.RELEASING) {
      out.add(
          reject(
              h.release(),
              CommandRejected.NOT_HELD,
              h.key() + " is not held: the hold ended (" + reason + ") before the release",
              now));
    }
    finish(h.with(Hold.State.ENDED, null, now, reason));
    return out;
  }

  private void finish(Hold h) {
    holds.remove(h.key());
    done.put(h.key(), h);
  }

  private static boolean cancels(Command c) {
    return c.action() == dev.pitstop.events.data.Action.FAIL_CONTINUE;
  }

  private static String describe(Command c) {
    String who = c.requestedBy() == null ? "unknown" : c.requestedBy().username();
    return c.action().json() + " by " + who + " via " + c.via();
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
}
