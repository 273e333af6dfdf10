package dev.pitstop.engine.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.engine.breakpoint.Breakpoint;
import dev.pitstop.engine.breakpoint.BreakpointKey;
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
 * <p>Thread-safe: {@link #apply} runs on the tail's thread, queries on any.
 */
public final class GlobalView {
  private static final Logger LOG = LoggerFactory.getLogger(GlobalView.class);
  private static final ObjectMapper JSON = EventCodec.mapper();

  private final Map<String, RootState> roots = new ConcurrentHashMap<>();

  /**
   * Applies one record of the state topic: key = the root run's uid (UTF-8), value = {@link
   * RootState} JSON, or null (a tombstone: the root run ended). An unreadable value is logged and
   * forgets that root run.
   */
  public void apply(byte[] key, byte[] value) {
    if (key == null) {
      return;
    }
    String root = new String(key, StandardCharsets.UTF_8);
    if (value == null) {
      roots.remove(root);
      return;
    }
    try {
      RootState s = JSON.readValue(value, RootState.class);
      if (s.isEmpty()) {
        roots.remove(root);
      } else {
        roots.put(root, s);
      }
    } catch (IOException e) {
      roots.remove(root);
      LOG.warn("state of root run {} unreadable, not listed: {}", root, e.toString());
    }
  }

  /** How many root runs have live state. */
  public int size() {
    return roots.size();
  }

  /**
   * The breakpoints where a step waits (paused or releasing) of the root runs {@code which}
   * accepts, oldest pause first.
   */
  public List<Breakpoint> waiting(Predicate<String> which) {
    return roots.entrySet().stream()
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
    return roots.entrySet().stream()
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
    return roots.values().stream()
        .flatMap(s -> s.breakpoints().stream())
        .filter(b -> key.equals(b.key()))
        .min(Comparator.comparing(b -> !b.waiting()));
  }

  /** The hold of TaskRun {@code namespace/taskRun} in any state, a waiting one first. */
  public Optional<Hold> hold(String namespace, String taskRun) {
    return roots.values().stream()
        .flatMap(s -> s.holds().stream())
        .filter(
            h ->
                Objects.equals(h.run().namespace(), namespace)
                    && Objects.equals(h.run().name(), taskRun))
        .min(Comparator.comparing(h -> !h.waiting()));
  }
}
