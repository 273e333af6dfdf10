package dev.pitstop.engine.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.engine.breakpoint.Breakpoint;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.Compact;
import dev.pitstop.engine.hold.Hold;
import dev.pitstop.events.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only copy of the whole state topic (every partition, every root run, whichever engine
 * instance owns it), kept by a {@link TopicTail} from the beginning: the engine's API lists and
 * finds breakpoints and holds of every instance from it. Eventually consistent: it lags the owners'
 * writes by the tail's poll (typically well under a second), and sees a change only once the owner
 * wrote it, i.e. after the owner acted (see DESIGN.md for what is written when).
 *
 * <p><b>One copy per run.</b> Root runs this instance owns ({@code ownedHere}: their partition is
 * assigned here and their state installed) are not kept: the API answers them from the engine's own
 * books, which hold the same state. {@link #forget} drops them when their partitions are installed
 * here; {@link #adopt} puts the owner's last state back when it hands its partitions over, so the
 * API of this instance keeps listing them until the new owner's writes arrive through the tail
 * (which, being later in the topic, replace it).
 *
 * <p>Thread-safe: {@link #apply} runs on the tail's thread, queries on any; {@link #apply}, {@link
 * #forget} and {@link #adopt} are serialised, so an owned root run is never left behind by a record
 * applied while its partition changes hands.
 */
public final class GlobalView {
  private static final Logger LOG = LoggerFactory.getLogger(GlobalView.class);
  private static final ObjectMapper JSON = EventCodec.mapper();

  /**
   * By root uid: the record's value as read ({@code byte[]}, parsed on the first query) or the
   * {@link RootState} parsed from it. Start-up reads the whole topic before it knows which
   * partitions it owns; the owned root runs are then forgotten unparsed, so a restart parses each
   * state once (in {@link StateTopic#load}), not twice.
   */
  private final Map<String, Object> roots = new ConcurrentHashMap<>();

  private final Predicate<String> ownedHere;

  /** A view of every root run (none is owned here: unit tests, a single reader). */
  public GlobalView() {
    this(root -> false);
  }

  /**
   * @param ownedHere whether a root run (by uid) is owned by this instance now; such runs are not
   *     kept (the engine's books hold them)
   */
  public GlobalView(Predicate<String> ownedHere) {
    this.ownedHere = Objects.requireNonNull(ownedHere);
  }

  /**
   * Applies one record of the state topic: key = the root run's uid (UTF-8), value = {@link
   * RootState} JSON, or null (a tombstone: the root run ended). An unreadable value is logged and
   * forgets that root run.
   */
  public synchronized void apply(byte[] key, byte[] value) {
    if (key == null) {
      return;
    }
    String root = new String(key, StandardCharsets.UTF_8);
    if (value == null || ownedHere.test(root)) {
      roots.remove(root);
      return;
    }
    roots.put(root, value);
  }

  /** Every root run's state, parsing what was not parsed yet (an unreadable one is dropped). */
  private synchronized java.util.Collection<RootState> states() {
    for (Map.Entry<String, Object> e : roots.entrySet()) {
      if (e.getValue() instanceof byte[] value) {
        String root = e.getKey();
        try {
          RootState read = JSON.readValue(value, RootState.class);
          // Other instances' runs, with their repeated strings shared as the books do.
          RootState s =
              new RootState(
                  read.rootUid(),
                  read.breakpoints().stream().map(Compact::breakpoint).toList(),
                  read.holds());
          if (s.isEmpty()) {
            roots.remove(root);
          } else {
            e.setValue(s);
          }
        } catch (IOException x) {
          roots.remove(root);
          LOG.warn("state of root run {} unreadable, not listed: {}", root, x.toString());
        }
      }
    }
    List<RootState> out = new java.util.ArrayList<>(roots.size());
    roots.values().forEach(v -> out.add((RootState) v));
    return out;
  }

  private synchronized List<Map.Entry<String, RootState>> entries() {
    states();
    List<Map.Entry<String, RootState>> out = new java.util.ArrayList<>(roots.size());
    roots.forEach((k, v) -> out.add(Map.entry(k, (RootState) v)));
    return out;
  }

  /**
   * Drops the root runs {@code which} accepts: their partitions are now installed in this
   * instance's books (call after {@code ownedHere} says so, so the tail does not add them back).
   *
   * @return how many were dropped
   */
  public synchronized int forget(Predicate<String> which) {
    int before = roots.size();
    roots.keySet().removeIf(which);
    return before - roots.size();
  }

  /**
   * Keeps the last state of root runs this instance no longer owns (its books are about to drop
   * them; call after {@code ownedHere} stopped accepting them). Records the tail applies later
   * replace them, as for any root run.
   */
  public synchronized void adopt(java.util.Collection<RootState> states) {
    for (RootState s : states) {
      if (s.rootUid() == null || ownedHere.test(s.rootUid())) {
        continue;
      }
      if (s.isEmpty()) {
        roots.remove(s.rootUid());
      } else {
        roots.put(s.rootUid(), s);
      }
    }
  }

  /** How many root runs have live state (owned elsewhere). */
  public int size() {
    return states().size();
  }

  /**
   * The breakpoints where a step waits (paused or releasing) of the root runs {@code which}
   * accepts, oldest pause first.
   */
  public List<Breakpoint> waiting(Predicate<String> which) {
    return entries().stream()
        .filter(e -> which.test(e.getKey()))
        .flatMap(e -> e.getValue().breakpoints().stream())
        .filter(Breakpoint::waiting)
        .sorted(
            Comparator.comparing(
                    Breakpoint::pausedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(b -> b.key().toString()))
        .toList();
  }

  /** The TaskRuns held (or being released) of the root runs {@code which} accepts, oldest first. */
  public List<Hold> held(Predicate<String> which) {
    return entries().stream()
        .filter(e -> which.test(e.getKey()))
        .flatMap(e -> e.getValue().holds().stream())
        .filter(Hold::waiting)
        .sorted(
            Comparator.comparing(Hold::heldSince, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Hold::key))
        .toList();
  }

  /**
   * The breakpoint at {@code key} in any state, while its root run has live state; when several
   * runs of that name are known (a TaskRun deleted and created again), a waiting one first.
   */
  public Optional<Breakpoint> breakpoint(BreakpointKey key) {
    return states().stream()
        .flatMap(s -> s.breakpoints().stream())
        .filter(b -> key.equals(b.key()))
        .min(Comparator.comparing(b -> !b.waiting()));
  }

  /** The hold of TaskRun {@code namespace/taskRun} in any state, a waiting one first. */
  public Optional<Hold> hold(String namespace, String taskRun) {
    return states().stream()
        .flatMap(s -> s.holds().stream())
        .filter(
            h ->
                Objects.equals(h.run().namespace(), namespace)
                    && Objects.equals(h.run().name(), taskRun))
        .min(Comparator.comparing(h -> !h.waiting()));
  }
}
