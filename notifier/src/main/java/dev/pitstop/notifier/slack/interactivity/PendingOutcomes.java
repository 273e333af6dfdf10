package dev.pitstop.notifier.slack.interactivity;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.HoldEnded;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.RunRef;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The commands published from Slack whose outcome the clicking user has not been told yet (pure,
 * bounded, not thread-safe: one Vert.x context uses it).
 *
 * <p>A {@code command.rejected} of a remembered command gives a {@link Reply} to its {@code
 * response_url} with the engine's reason and message (e.g. {@code Forbidden} by
 * SubjectAccessReview, {@code NotPaused} when someone else was quicker). A {@code
 * breakpoint.continued}, {@code breakpoint.ended}, {@code hold.released} or {@code hold.ended} of
 * the same step or TaskRun just forgets it: the status card shows who continued. Entries older than
 * the wait are forgotten (Slack accepts answers to a {@code response_url} for 30 minutes), and
 * beyond the capacity the oldest go.
 */
public final class PendingOutcomes {
  /**
   * An answer to send.
   *
   * @param responseUrl the click's {@code response_url}
   * @param text what the clicking user sees (ephemeral)
   */
  public record Reply(String responseUrl, String text) {}

  /**
   * The types {@link #onEvent} acts on (a rejection answers, the others settle); every other type
   * only ages the entries, which {@link #expect} does too, so a consumer need not decode them.
   */
  public static final Set<EventType> SETTLED_BY =
      Set.copyOf(
          EnumSet.of(
              EventType.COMMAND_REJECTED,
              EventType.BREAKPOINT_CONTINUED,
              EventType.BREAKPOINT_ENDED,
              EventType.HOLD_RELEASED,
              EventType.HOLD_ENDED));

  private record Pending(ButtonValue target, String responseUrl, String action, Instant at) {}

  private final Map<String, Pending> byId = new LinkedHashMap<>();
  private final int capacity;
  private final Duration wait;

  /**
   * @param capacity commands remembered at once (at least 1)
   * @param wait how long an outcome is waited for
   */
  public PendingOutcomes(int capacity, Duration wait) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.wait = wait;
  }

  /**
   * Remembers a published command.
   *
   * @param commandId its {@code requestId}
   * @param responseUrl where to answer (an allowed URL), or null to remember nothing
   * @param action {@code continue} or {@code fail-continue}, for the message
   */
  public void expect(
      String commandId, ButtonValue target, String responseUrl, String action, Instant now) {
    if (responseUrl == null) {
      return;
    }
    expire(now);
    byId.put(commandId, new Pending(target, responseUrl, action, now));
    while (byId.size() > capacity) {
      Iterator<String> it = byId.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  /** Forgets a command (its publication failed, and the user was told). */
  public void forget(String commandId) {
    byId.remove(commandId);
  }

  /**
   * Folds a decision into what is remembered.
   *
   * @return the reply to send, if the event rejects a remembered command
   */
  public Optional<Reply> onEvent(PitstopEvent e, Instant now) {
    expire(now);
    if (e.data() instanceof CommandRejected r) {
      Pending p = byId.remove(r.command().requestId());
      if (p == null) {
        return Optional.empty();
      }
      return Optional.of(
          new Reply(p.responseUrl(), rejection(p.action(), p.target().display(), r)));
    }
    String done = settled(e);
    if (done != null) {
      byId.values().removeIf(p -> p.target().display().equals(done));
    }
    return Optional.empty();
  }

  /**
   * What the clicking user is told of a rejection: {@code :no_entry: Pitstop did not <action>
   * `<target>`: <reason> — <message>}.
   *
   * @param action {@code continue} or {@code fail-continue}
   * @param target {@code namespace/taskRun[/step]}
   */
  public static String rejection(String action, String target, CommandRejected r) {
    return ":no_entry: Pitstop did not "
        + action
        + " `"
        + target
        + "`: "
        + r.reason()
        + (r.message() == null || r.message().isBlank() ? "" : " — " + r.message());
  }

  /**
   * {@link #rejection} of a command as the engine echoed it (for a notifier instance that did not
   * take the click, so has no button value).
   */
  public static String rejection(CommandRejected r) {
    var c = r.command();
    String target =
        c.run().namespace()
            + "/"
            + c.run().name()
            + (c.step() == null || c.step().isEmpty() ? "" : "/" + c.step());
    return rejection(c.action().json(), target, r);
  }

  /** How many commands wait for an outcome. */
  public int size() {
    return byId.size();
  }

  private void expire(Instant now) {
    Instant oldest = now.minus(wait);
    byId.values().removeIf(p -> p.at().isBefore(oldest));
  }

  /** {@code ns/taskRun[/step]} that the event settles, or null. */
  private static String settled(PitstopEvent e) {
    RunRef run = e.data().run();
    if (e.data() instanceof BreakpointContinued c) {
      return run.namespace() + "/" + run.name() + "/" + c.step().name();
    } else if (e.data() instanceof BreakpointEnded x) {
      return run.namespace() + "/" + run.name() + "/" + x.step().name();
    } else if (e.data() instanceof HoldReleased || e.data() instanceof HoldEnded) {
      return run.namespace() + "/" + run.name();
    }
    return null;
  }
}
