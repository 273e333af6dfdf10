package dev.pitstop.engine;

import dev.pitstop.engine.auth.Authorizer;
import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.Breakpoint;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.CommandOutcome;
import dev.pitstop.engine.breakpoint.EphemeralOutcome;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.engine.hold.Hold;
import dev.pitstop.engine.hold.HoldBook;
import dev.pitstop.engine.hold.PatchOutcome;
import dev.pitstop.engine.state.RootState;
import dev.pitstop.engine.timeout.TimeoutPlanner;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.runtime.kafka.EventConsumer.Handling;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter around {@link BreakpointBook}: feeds it consumed events and exec results, carries out
 * its {@link Action}s (publish, exec, ephemeral container, hold patch), and answers the HTTP API.
 * Access to the book is serialised by a lock, so the consumer, exec completions and API requests
 * may call from any thread.
 *
 * <p>An exec is not awaited by {@link #handle}: the breakpoint stays {@code RELEASING} meanwhile,
 * so one slow exec does not stall the other runs' events; its result is fed back when it arrives.
 * Nor does the consumer wait for Kafka ({@link #handling}): an event counts as processed once its
 * decisions are decided and their records handed to the producer, in the order decided (under the
 * book's lock, so a root run's decisions and state records reach the producer in the order of the
 * changes, whichever thread decided them); it becomes committable once they are acknowledged. A
 * root run's state is written only after the decisions of the same change were acknowledged (a
 * state that already shows a decision whose record was lost would stop a replay from publishing
 * it), and after the root run's previous state write, so the last record of a key is its latest
 * state. With {@link #keepStateIn} the books' state per root run is written to a compacted topic
 * after every change and {@link #restore}d from it when the engine is given a root run's partition;
 * when the partition goes to another instance, {@link #actuations} are awaited and its root runs
 * are {@link #drop}ped.
 */
public final class BreakpointEngine {
  private static final Logger LOG = LoggerFactory.getLogger(BreakpointEngine.class);

  private final BreakpointBook book;
  private final EventFactory commands;
  private final Clock clock;
  private final Function<PitstopEvent, Future<Void>> publish;
  private final Function<Action.Exec, Future<ExecOutcome>> exec;
  private final Function<Action.AddReleaseContainer, Future<EphemeralOutcome>> ephemeral;
  private final HoldBook holds;
  private final Function<Action.ReleaseHold, Future<PatchOutcome>> patch;
  private final Authorizer authorizer;

  /** Without an ephemeral container adapter a shell-less release fails, saying so. */
  private static final Function<Action.AddReleaseContainer, Future<EphemeralOutcome>> NO_EPHEMERAL =
      a ->
          Future.succeededFuture(
              new EphemeralOutcome(
                  a.key(),
                  a.commandId(),
                  a.name(),
                  "this engine was built without ephemeral container releases"));

  /**
   * Root runs whose last state written to (or restored from) the state topic is not a tombstone.
   */
  private final Set<String> liveState = ConcurrentHashMap.newKeySet();

  private BiFunction<String, RootState, Future<Void>> state =
      (root, st) -> Future.succeededFuture();
  private volatile NamespaceScope scope = NamespaceScope.ALL;
  private final Set<Future<Void>> actuating = ConcurrentHashMap.newKeySet();

  /** Per root run, its last state write not yet acknowledged (guarded by the book's lock). */
  private final java.util.Map<String, Future<Void>> saving = new java.util.HashMap<>();

  /**
   * @param book the core (owned by this engine from now on)
   * @param commands the factory of the API's command events (service {@code breakpoint-engine-api})
   * @param clock the time of commands
   * @param publish sends an event to Kafka (its topic follows from its type)
   * @param exec runs an exec; its future must not fail
   */
  public BreakpointEngine(
      BreakpointBook book,
      EventFactory commands,
      Clock clock,
      Function<PitstopEvent, Future<Void>> publish,
      Function<Action.Exec, Future<ExecOutcome>> exec) {
    this(book, null, commands, clock, publish, exec, null, Authorizer.ALLOW_ALL);
  }

  /**
   * @param holds the core of held tasks (owned by this engine from now on), or null for none
   * @param patch carries out a {@link Action.ReleaseHold}; its future must not fail
   * @param authorizer asked for every command consumed, with the identity it carries and the run's
   *     namespace; a refusal is {@code command.rejected} {@code Forbidden}
   */
  public BreakpointEngine(
      BreakpointBook book,
      HoldBook holds,
      EventFactory commands,
      Clock clock,
      Function<PitstopEvent, Future<Void>> publish,
      Function<Action.Exec, Future<ExecOutcome>> exec,
      Function<Action.ReleaseHold, Future<PatchOutcome>> patch,
      Authorizer authorizer) {
    this(book, holds, commands, clock, publish, exec, NO_EPHEMERAL, patch, authorizer);
  }

  /**
   * @param ephemeral carries out an {@link Action.AddReleaseContainer} (a step whose image has no
   *     shell); its future must not fail
   */
  public BreakpointEngine(
      BreakpointBook book,
      HoldBook holds,
      EventFactory commands,
      Clock clock,
      Function<PitstopEvent, Future<Void>> publish,
      Function<Action.Exec, Future<ExecOutcome>> exec,
      Function<Action.AddReleaseContainer, Future<EphemeralOutcome>> ephemeral,
      Function<Action.ReleaseHold, Future<PatchOutcome>> patch,
      Authorizer authorizer) {
    this.book = book;
    this.ephemeral = ephemeral;
    this.holds = holds;
    this.commands = commands;
    this.clock = clock;
    this.publish = publish;
    this.exec = exec;
    this.patch = patch;
    this.authorizer = authorizer;
  }

  /**
   * Keeps state in Kafka: after every change the root run's {@link RootState} (or, when the root
   * run ended, null for a tombstone) is handed to {@code sink}, and the event counts as handled
   * only once it is written.
   */
  public void keepStateIn(BiFunction<String, RootState, Future<Void>> sink) {
    this.state = sink;
  }

  /**
   * Serves only runs in {@code scope} ({@code ENGINE_NAMESPACES}): an observation of a run
   * elsewhere is ignored, a command for one is {@code command.rejected} {@code Forbidden} saying
   * so, without asking the authorizer. Call before the first event.
   */
  public void serveOnly(NamespaceScope scope) {
    this.scope = scope;
  }

  /** The reason a command for a run in {@code namespace} is rejected when outside the scope. */
  static String outsideScope(String namespace) {
    return "namespace "
        + namespace
        + " is not one this engine serves (ENGINE_NAMESPACES): it neither pauses nor releases"
        + " runs there";
  }

  /**
   * Applies the timeout policy at {@code now} (called by a timer): publishes the warnings due
   * ({@code breakpoint.warning} {@code TimeoutAhead}) and carries out the automatic releases due,
   * each announced by a {@code breakpoint.warning} {@code TimeoutAction} naming the policy, as a
   * command from {@code system:pitstop:timeout-policy} via {@code auto} decided by the books like
   * any other (not published to the commands topic, so not authorized by SubjectAccessReview).
   *
   * @return completes when the decisions are published
   */
  public Future<Void> tick(TimeoutPlanner planner, EventFactory decisions, Instant now) {
    List<TimeoutPlanner.Due> due;
    synchronized (book) {
      due = planner.due(now, book.waiting(), holds == null ? List.of() : holds.waiting());
    }
    List<Future<Void>> done = new ArrayList<>();
    for (TimeoutPlanner.Due d : due) {
      if (d instanceof TimeoutPlanner.Due.Warn w) {
        done.add(
            warn(
                decisions,
                w.run(),
                BreakpointWarning.TIMEOUT_AHEAD,
                w.message(),
                w.deadline(),
                now));
      } else if (d instanceof TimeoutPlanner.Due.Leave l) {
        done.add(
            warn(
                decisions,
                l.run(),
                BreakpointWarning.TIMEOUT_ACTION,
                l.message(),
                l.deadline(),
                now));
      } else if (d instanceof TimeoutPlanner.Due.Release r) {
        done.add(
            warn(decisions, r.run(), BreakpointWarning.TIMEOUT_ACTION, r.message(), null, now));
        Command c =
            new Command(
                r.run(),
                r.step(),
                r.action(),
                Identity.of("system:pitstop:timeout-policy"),
                "auto",
                now,
                UUID.randomUUID().toString());
        EventType type =
            r.action() == dev.pitstop.events.data.Action.CONTINUE
                ? EventType.COMMAND_CONTINUE
                : EventType.COMMAND_FAIL_CONTINUE;
        done.add(decide(commands.create(type, c, now)).committable());
      }
    }
    return Future.all(done).mapEmpty();
  }

  private Future<Void> warn(
      EventFactory decisions,
      RunRef run,
      String reason,
      String message,
      Instant deadline,
      Instant now) {
    PitstopEvent e =
        decisions.create(
            EventType.BREAKPOINT_WARNING,
            new BreakpointWarning(run, reason, message, deadline, now),
            now);
    LOG.info("{} {} {}: {}", e.id(), reason, run.display(), message);
    return publish.apply(e);
  }

  /**
   * Restores the books from the state topic (root runs of partitions just assigned, before their
   * records are handled), and confirms again the releases through ephemeral containers that were
   * under way ({@link BreakpointBook#restore}).
   */
  public void restore(Collection<RootState> states) {
    List<Action> resumed = new ArrayList<>();
    synchronized (book) {
      for (RootState s : states) {
        liveState.add(s.rootUid());
        s.breakpoints().forEach(b -> resumed.addAll(book.restore(b)));
        if (holds != null) {
          s.holds().forEach(holds::restore);
        }
      }
    }
    if (!resumed.isEmpty()) {
      LOG.info("confirming {} release(s) through ephemeral containers again", resumed.size());
      Future<Void> published;
      synchronized (book) {
        published = publishAll(resumed);
      }
      published.onFailure(t -> LOG.error("could not publish after restoring: {}", t.toString()));
      actuate(resumed);
    }
    LOG.info(
        "restored {} root run(s): {} waiting step(s), {} held TaskRun(s)",
        states.size(),
        waiting().size(),
        held().size());
  }

  /**
   * Forgets the breakpoints and holds of every root run whose uid matches {@code root} (their
   * partition went to another instance). Outcomes of commands stay remembered.
   */
  public void drop(Predicate<String> root) {
    int runs;
    int holdsDropped;
    synchronized (book) {
      runs = book.dropRoots(root);
      liveState.removeIf(root);
      holdsDropped = holds == null ? 0 : holds.dropRoots(root);
    }
    LOG.info("dropped the state of {} run(s) and {} hold(s)", runs, holdsDropped);
  }

  /**
   * The state of every root run whose uid matches {@code root} that the books hold now, as it would
   * be written (for the API's view when their partition is handed over).
   */
  public List<RootState> states(Predicate<String> root) {
    synchronized (book) {
      java.util.Set<String> roots = new java.util.LinkedHashSet<>(book.roots());
      if (holds != null) {
        roots.addAll(holds.roots());
      }
      return roots.stream().filter(root).map(this::snapshot).toList();
    }
  }

  /**
   * Completes when every exec and hold patch under way now has finished and its outcome is
   * published and saved (never fails).
   */
  public Future<Void> actuations() {
    List<Future<Void>> now = new ArrayList<>(actuating);
    return Future.join(now).<Void>mapEmpty().otherwiseEmpty();
  }

  private void track(Future<Void> f) {
    actuating.add(f);
    f.onComplete(ar -> actuating.remove(f));
  }

  private RootState snapshot(String root) {
    return new RootState(root, book.ofRoot(root), holds == null ? List.of() : holds.ofRoot(root));
  }

  /**
   * Writes a root run's state, or its tombstone when it is null or empty. A tombstone is written
   * only for a root whose last state written (or restored) was not one: most runs never pause, and
   * awaiting a write for each of their ends serialized the engine on Kafka round trips ({@code
   * pitstop bench} part 2).
   */
  private Future<Void> save(String root, RootState s) {
    if (root == null) {
      return Future.succeededFuture();
    }
    if (s == null || s.isEmpty()) {
      if (!liveState.remove(root)) {
        return Future.succeededFuture(); // nothing of it in the state topic
      }
    } else {
      liveState.add(root);
    }
    return state.apply(root, s);
  }

  /**
   * Writes {@code root}'s state {@code s} once {@code published} (the decisions of the same change)
   * succeeded and the root's previous write settled; call under the book's lock, in the order of
   * the changes.
   *
   * @return completes when written (or skipped); fails when {@code published} or the write failed
   */
  private Future<Void> saveAfter(String root, RootState s, Future<Void> published) {
    if (root == null) {
      return published;
    }
    Future<Void> previous = saving.getOrDefault(root, Future.succeededFuture());
    Future<Void> written = previous.transform(ignored -> published).compose(v -> save(root, s));
    saving.put(root, written);
    written.onComplete(
        ar -> {
          synchronized (book) {
            saving.remove(root, written);
          }
        });
    return written;
  }

  /**
   * Handles one consumed observation or command and waits for its effects to be durable.
   *
   * @return completes when the decisions are published and the state written (execs started, not
   *     awaited); fails with the publisher's error
   */
  public Future<Void> handle(PitstopEvent e) {
    Handling h = handling(e);
    return h.processed().compose(v -> h.committable());
  }

  /**
   * The event types {@link #handling} acts on: its books' ({@link BreakpointBook#ACTS_ON}, {@link
   * HoldBook#ACTS_ON}); for every other type it does nothing, so its consumer need not decode them
   * ({@link dev.pitstop.runtime.kafka.EventConsumer#onlyTypes}).
   */
  public static final Set<EventType> ACTS_ON = actsOn();

  private static Set<EventType> actsOn() {
    Set<EventType> s = java.util.EnumSet.copyOf(BreakpointBook.ACTS_ON);
    s.addAll(HoldBook.ACTS_ON);
    return java.util.Collections.unmodifiableSet(s);
  }

  /**
   * Handles one consumed observation or command, for a consumer with deferred commits ({@link
   * dev.pitstop.runtime.kafka.EventConsumer#deferred}).
   *
   * @return {@code processed} once decided and every record it writes handed to the producer (the
   *     next event may be handled; for a command, after the authorizer answered); {@code
   *     committable} once those records are acknowledged (fails with the publisher's error: the
   *     event must then be replayed)
   */
  public Handling handling(PitstopEvent e) {
    String ns = e.data().run() == null ? null : e.data().run().namespace();
    if (!scope.contains(ns)) {
      if (e.data() instanceof Command c) {
        return forbid(e, c, outsideScope(ns));
      }
      LOG.debug(
          "{} {} {}: namespace {} not served, ignored", e.id(), e.type().type(), e.subject(), ns);
      return Handling.done();
    }
    if (e.data() instanceof Command c) {
      Future<String> verdict =
          c.requestedBy() == null || c.requestedBy().username() == null
              ? Future.succeededFuture("the command carries no identity")
              : authorizer.mayRelease(c.requestedBy(), c.run().namespace());
      Future<Handling> h =
          verdict
              .recover(
                  t ->
                      Future.succeededFuture(
                          "authorization could not be decided: " + t.getMessage()))
              .map(denied -> denied == null ? decide(e) : forbid(e, c, denied));
      return new Handling(h.compose(Handling::processed), h.compose(Handling::committable));
    }
    return decide(e);
  }

  private Handling forbid(PitstopEvent e, Command c, String why) {
    LOG.info("{} {} {}: forbidden: {}", e.id(), e.type().type(), e.subject(), why);
    List<Action> actions;
    Future<Void> published;
    synchronized (book) {
      actions = book.forbid(c, why);
      if (holds != null && HoldBook.isHoldCommand(c)) {
        holds.forget(c.requestId());
      }
      published = publishAll(actions);
    }
    actuate(actions);
    return new Handling(Future.succeededFuture(), published);
  }

  private Handling decide(PitstopEvent e) {
    List<Action> actions = new ArrayList<>();
    boolean holdCommand = e.data() instanceof Command c && HoldBook.isHoldCommand(c);
    String root = EventFactory.partitionKeyOf(e.data());
    boolean rootEnded =
        e.type() == EventType.PIPELINERUN_FINISHED
            || (e.type() == EventType.TASKRUN_FINISHED && e.data().run().pipelineRunUid() == null);
    Future<Void> durable;
    synchronized (book) {
      if (!holdCommand || holds == null) {
        actions.addAll(book.onEvent(e));
      }
      if (holds != null) {
        actions.addAll(holds.onEvent(e));
      }
      if (actions.isEmpty() && !rootEnded) {
        return Handling.done();
      }
      RootState snapshot = rootEnded ? null : snapshot(root);
      durable = saveAfter(root, snapshot, publishAll(actions));
    }
    if (!actions.isEmpty()) {
      LOG.debug("{} {} {} -> {} action(s)", e.id(), e.type().type(), e.subject(), actions.size());
    }
    actuate(actions);
    return new Handling(Future.succeededFuture(), durable);
  }

  /**
   * Hands the {@link Action.Publish}es to the producer in order; call under the book's lock.
   *
   * @return completes when every one is acknowledged
   */
  private Future<Void> publishAll(List<Action> actions) {
    List<Future<Void>> published = null;
    for (Action a : actions) {
      if (a instanceof Action.Publish p) {
        PitstopEvent ev = p.event();
        LOG.info("{} {} {}", ev.type().type(), ev.subject(), ev.id());
        if (published == null) {
          published = new ArrayList<>(actions.size());
        }
        Future<Void> f;
        try {
          f = publish.apply(ev);
        } catch (RuntimeException t) {
          f = Future.failedFuture(t);
        }
        published.add(f);
      }
    }
    if (published == null) {
      return Future.succeededFuture();
    }
    return published.size() == 1 ? published.get(0) : Future.all(published).mapEmpty();
  }

  /** Starts the actuations (exec, ephemeral container, hold patch) of {@code actions}. */
  private void actuate(List<Action> actions) {
    for (Action a : actions) {
      if (a instanceof Action.Exec x) {
        LOG.info(
            "releasing {}: exec {} in {}/{} container {} (command {})",
            x.key(),
            x.command(),
            x.namespace(),
            x.pod(),
            x.container(),
            x.commandId());
        track(
            exec.apply(x)
                .transform(
                    ar -> onExecDone(x, ar.succeeded() ? ar.result() : failed(x, ar.cause()))));
      } else if (a instanceof Action.AddReleaseContainer x) {
        LOG.info(
            "releasing {}: no shell, adding (or confirming) ephemeral container {} in {}/{} (command"
                + " {})",
            x.key(),
            x.name(),
            x.namespace(),
            x.pod(),
            x.commandId());
        // Not tracked as an actuation: the state already names the container, so a new owner of
        // the partition confirms it again (BreakpointBook.restore) instead of waiting for it here.
        ephemeral
            .apply(x)
            .transform(
                ar ->
                    onEphemeralDone(
                        x,
                        ar.succeeded()
                            ? ar.result()
                            : new EphemeralOutcome(
                                x.key(),
                                x.commandId(),
                                x.name(),
                                String.valueOf(ar.cause()),
                                false)));
      } else if (a instanceof Action.ReleaseHold r) {
        LOG.info(
            "releasing held TaskRun {}/{}: {} (command {})",
            r.namespace(),
            r.taskRun(),
            r.cancel() ? "spec.status TaskRunCancelled" : "clear spec.status",
            r.commandId());
        track(
            patch
                .apply(r)
                .transform(
                    ar ->
                        onPatchDone(
                            ar.succeeded()
                                ? ar.result()
                                : new PatchOutcome(
                                    r.namespace(),
                                    r.taskRun(),
                                    r.commandId(),
                                    String.valueOf(ar.cause())))));
      }
    }
  }

  private Future<Void> onExecDone(Action.Exec x, ExecOutcome o) {
    if (!o.succeeded()) {
      LOG.warn("release of {} (command {}) failed: exit {}", x.key(), x.commandId(), o.exitCode());
    }
    return afterRelease(x.key(), x.commandId(), () -> book.onExecResult(o));
  }

  private Future<Void> onEphemeralDone(Action.AddReleaseContainer x, EphemeralOutcome o) {
    if (!o.succeeded()) {
      LOG.warn(
          "release of {} through ephemeral container {} (command {}) failed: {}",
          x.key(),
          x.name(),
          x.commandId(),
          o.error());
    }
    return afterRelease(x.key(), x.commandId(), () -> book.onEphemeralResult(o));
  }

  private Future<Void> afterRelease(
      BreakpointKey key, String commandId, java.util.function.Supplier<List<Action>> decide) {
    List<Action> next;
    Future<Void> durable;
    synchronized (book) {
      next = decide.get();
      String root = book.find(key).map(b -> b.run().rootUid()).orElse(null);
      Future<Void> published = publishAll(next);
      durable =
          next.isEmpty() || root == null ? published : saveAfter(root, snapshot(root), published);
    }
    actuate(next);
    return durable
        .onFailure(
            t ->
                LOG.error(
                    "could not publish the outcome of command {}: {}", commandId, t.toString()))
        .otherwiseEmpty();
  }

  private Future<Void> onPatchDone(PatchOutcome o) {
    if (!o.succeeded()) {
      LOG.warn(
          "release of {}/{} (command {}) failed: {}",
          o.namespace(),
          o.taskRun(),
          o.commandId(),
          o.error());
    }
    List<Action> next;
    Future<Void> durable;
    synchronized (book) {
      next = holds.onPatchResult(o);
      String root = holds.find(o.namespace(), o.taskRun()).map(h -> h.run().rootUid()).orElse(null);
      Future<Void> published = publishAll(next);
      durable =
          next.isEmpty() || root == null ? published : saveAfter(root, snapshot(root), published);
    }
    actuate(next);
    return durable
        .onFailure(
            t ->
                LOG.error(
                    "could not publish the outcome of command {}: {}", o.commandId(), t.toString()))
        .otherwiseEmpty();
  }

  private static ExecOutcome failed(Action.Exec x, Throwable t) {
    return new ExecOutcome(x.key(), x.commandId(), ExecOutcome.NOT_RUN, String.valueOf(t));
  }

  // ---- for the HTTP API ----

  /** The breakpoints where a step waits, oldest first. */
  public List<Breakpoint> waiting() {
    synchronized (book) {
      return book.waiting();
    }
  }

  /** Where a command for key would stand now. */
  public BreakpointBook.Standing standing(BreakpointKey key) {
    synchronized (book) {
      return book.standing(key);
    }
  }

  /** A command's outcome, while remembered. */
  public Optional<CommandOutcome> outcome(String commandId) {
    synchronized (book) {
      Optional<CommandOutcome> o = book.outcome(commandId);
      if (holds != null) {
        Optional<CommandOutcome> h = holds.outcome(commandId);
        if (h.isPresent() && (o.isEmpty() || o.get().status() == CommandOutcome.Status.PENDING)) {
          return h;
        }
      }
      return o;
    }
  }

  /** The TaskRuns held now, oldest first (empty without a hold book). */
  public List<Hold> held() {
    synchronized (book) {
      return holds == null ? List.of() : holds.waiting();
    }
  }

  /** The hold of a TaskRun, live or remembered. */
  public Optional<Hold> hold(String namespace, String taskRun) {
    synchronized (book) {
      return holds == null ? Optional.empty() : holds.find(namespace, taskRun);
    }
  }

  /**
   * Publishes a command to release a held TaskRun (a command without a step).
   *
   * @return the command's id once the broker acknowledged it
   */
  public Future<String> requestHold(
      Hold h, dev.pitstop.events.data.Action action, Identity by, String via) {
    Command c =
        new Command(h.run(), null, action, by, via, clock.instant(), UUID.randomUUID().toString());
    return send(c, h.key(), action, by, via);
  }

  /**
   * Publishes a command to release {@code bp} ({@code requestId} = a random UUID), to be decided
   * when consumed.
   *
   * @param via {@code api}, {@code cli}, ...
   * @return the command's id once the broker acknowledged it; fails with the publisher's error
   */
  public Future<String> request(
      Breakpoint bp, dev.pitstop.events.data.Action action, Identity by, String via) {
    Command c =
        new Command(
            bp.run(),
            bp.key().step(),
            action,
            by,
            via,
            clock.instant(),
            UUID.randomUUID().toString());
    return send(c, bp.key().toString(), action, by, via);
  }

  private Future<String> send(
      Command c, String what, dev.pitstop.events.data.Action action, Identity by, String via) {
    EventType type =
        action == dev.pitstop.events.data.Action.CONTINUE
            ? EventType.COMMAND_CONTINUE
            : EventType.COMMAND_FAIL_CONTINUE;
    PitstopEvent e = commands.create(type, c, c.requestedAt());
    boolean hold = HoldBook.isHoldCommand(c) && holds != null;
    synchronized (book) {
      if (hold) {
        holds.accepted(c.requestId());
      } else {
        book.accepted(c.requestId());
      }
    }
    LOG.info(
        "{} of {} requested by {} via {}: command {}",
        action.json(),
        what,
        by.username(),
        via,
        c.requestId());
    return publish
        .apply(e)
        .map(v -> c.requestId())
        .onFailure(
            t -> {
              synchronized (book) {
                if (hold) {
                  holds.forget(c.requestId());
                } else {
                  book.forget(c.requestId());
                }
              }
            });
  }
}
