package dev.pitstop.engine.api;

import dev.pitstop.engine.breakpoint.CommandOutcome;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.HoldReleased;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's commands waiting for their outcome, matched by command id against the decisions the
 * engine instances publish (whichever instance owns the run decides; every instance follows the
 * decisions topic from its end). Plain Java, thread-safe; time is passed in.
 *
 * <p>Outcomes ({@link #outcomeOf}): {@code dev.pitstop.breakpoint.continued.v1} and {@code
 * dev.pitstop.hold.released.v1} carrying {@code commandId} → continued; {@code
 * dev.pitstop.command.rejected.v1} → rejected with its reason and message. Every decided outcome
 * seen is also remembered (the last {@code remember}) for {@code GET /v1/commands/{id}}.
 */
public final class PendingCommands {
  private record Waiting(Promise<CommandOutcome> promise, Instant deadline) {}

  private final int remember;
  private final Map<String, Waiting> waiting = new HashMap<>();
  private final LinkedHashMap<String, CommandOutcome> seen;

  /**
   * @param remember how many decided outcomes to remember (oldest forgotten first)
   */
  public PendingCommands(int remember) {
    this.remember = remember;
    this.seen =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, CommandOutcome> e) {
            return size() > PendingCommands.this.remember;
          }
        };
  }

  /**
   * Waits for command {@code commandId}'s outcome: call before the command is published.
   *
   * @return completes with the decided outcome, or with {@link CommandOutcome#pending} once {@link
   *     #expire} passed {@code deadline}; never fails
   */
  public synchronized Future<CommandOutcome> expect(String commandId, Instant deadline) {
    CommandOutcome known = seen.get(commandId);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Waiting w = waiting.computeIfAbsent(commandId, id -> new Waiting(Promise.promise(), deadline));
    return w.promise().future();
  }

  /** Stops waiting for a command that could not be published (nothing will decide it). */
  public synchronized void forget(String commandId) {
    Waiting w = waiting.remove(commandId);
    if (w != null) {
      w.promise().tryComplete(CommandOutcome.pending(commandId));
    }
  }

  /**
   * Takes one decision event: when it is a command's outcome, remembers it and completes whoever
   * waits for that command.
   *
   * @return the outcome, when the event is one
   */
  public Optional<CommandOutcome> offer(PitstopEvent e) {
    Optional<CommandOutcome> o = outcomeOf(e);
    if (o.isEmpty()) {
      return o;
    }
    CommandOutcome c = o.get();
    Waiting w;
    synchronized (this) {
      seen.put(c.commandId(), c);
      w = waiting.remove(c.commandId());
    }
    if (w != null) {
      w.promise().tryComplete(c);
    }
    return o;
  }

  /**
   * Gives up on every command whose deadline is before or at {@code now}: each completes {@link
   * CommandOutcome#pending} (the owner has not answered in time).
   *
   * @return the ids given up
   */
  public List<String> expire(Instant now) {
    List<Map.Entry<String, Waiting>> due = new ArrayList<>();
    synchronized (this) {
      var it = waiting.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (!e.getValue().deadline().isAfter(now)) {
          due.add(e);
          it.remove();
        }
      }
    }
    List<String> ids = new ArrayList<>();
    for (var e : due) {
      e.getValue().promise().tryComplete(CommandOutcome.pending(e.getKey()));
      ids.add(e.getKey());
    }
    return ids;
  }

  /** A decided outcome seen on the decisions topic, while remembered. */
  public synchronized Optional<CommandOutcome> seen(String commandId) {
    return Optional.ofNullable(seen.get(commandId));
  }

  /** How many commands wait now. */
  public synchronized int waiting() {
    return waiting.size();
  }

  /**
   * The command outcome a decision event states, if any: a release carrying its command's id
   * (events written before {@code commandId} existed state none), or a rejection.
   */
  public static Optional<CommandOutcome> outcomeOf(PitstopEvent e) {
    if (e.data() instanceof BreakpointContinued b && b.commandId() != null) {
      String through =
          b.releasedThrough() == null || BreakpointContinued.EXEC.equals(b.releasedThrough())
              ? ""
              : " through ephemeral container " + b.releaseContainer();
      return Optional.of(
          new CommandOutcome(
              b.commandId(),
              CommandOutcome.Status.CONTINUED,
              null,
              b.run().namespace()
                  + "/"
                  + b.run().name()
                  + " step "
                  + (b.step() == null ? "?" : b.step().name())
                  + ": "
                  + b.action().json()
                  + " done"
                  + through,
              b.decidedAt()));
    }
    if (e.data() instanceof HoldReleased h && h.commandId() != null) {
      return Optional.of(
          new CommandOutcome(
              h.commandId(),
              CommandOutcome.Status.CONTINUED,
              null,
              h.run().namespace()
                  + "/"
                  + h.run().name()
                  + ": "
                  + h.action().json()
                  + " done"
                  + (h.action() == dev.pitstop.events.data.Action.CONTINUE
                      ? " (the TaskRun starts)"
                      : " (the TaskRun is cancelled)"),
              h.decidedAt()));
    }
    if (e.data() instanceof CommandRejected r
        && r.command() != null
        && r.command().requestId() != null) {
      return Optional.of(
          new CommandOutcome(
              r.command().requestId(),
              CommandOutcome.Status.REJECTED,
              r.reason(),
              r.message(),
              r.decidedAt()));
    }
    return Optional.empty();
  }
}
