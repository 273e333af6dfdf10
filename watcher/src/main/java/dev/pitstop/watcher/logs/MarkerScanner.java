package dev.pitstop.watcher.logs;

import dev.pitstop.events.data.Mechanism;
import dev.pitstop.watcher.mapping.BreakpointMarker;
import dev.pitstop.watcher.mapping.KubeTimes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one step container's log, line by line as served with {@code timestamps=true} ({@code
 * <RFC3339Nano> <text>}), and finds Tekton's breakpoint marker lines by substring (tekton-facts.md
 * §2; the entrypoint writes them through Go's {@code log} with a date prefix):
 *
 * <ul>
 *   <li>{@value #ON_FAILURE} → {@link Mechanism#ON_FAILURE};
 *   <li>{@value #BEFORE_STEP} → {@link Mechanism#BEFORE_STEPS}.
 * </ul>
 *
 * Pure and bounded: it keeps only the last {@value #TAIL_LINES} lines, each cut to {@value
 * #MAX_LINE} characters; each mechanism is reported once. Not thread-safe (one per follower).
 */
public final class MarkerScanner {
  public static final String ON_FAILURE = "debug onFailure breakpoint has taken effect";
  public static final String BEFORE_STEP = "debug before step breakpoint has taken effect";
  public static final int TAIL_LINES = 20;
  public static final int MAX_LINE = 1_000;

  private final Deque<String> tail = new ArrayDeque<>(TAIL_LINES);
  private final Set<Mechanism> reported = EnumSet.noneOf(Mechanism.class);

  /**
   * Takes the next log line (without its newline).
   *
   * @return the marker when this line is one not reported before
   */
  public Optional<BreakpointMarker> accept(String rawLine) {
    Instant at = null;
    String text = rawLine;
    int space = rawLine.indexOf(' ');
    if (space > 0) {
      at = KubeTimes.parse(rawLine.substring(0, space));
      if (at != null) {
        text = rawLine.substring(space + 1);
      }
    }
    Mechanism m =
        text.contains(ON_FAILURE)
            ? Mechanism.ON_FAILURE
            : text.contains(BEFORE_STEP) ? Mechanism.BEFORE_STEPS : null;
    Optional<BreakpointMarker> found = Optional.empty();
    if (m != null && reported.add(m)) {
      found = Optional.of(new BreakpointMarker(m, at, List.copyOf(tail)));
    }
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(text.length() > MAX_LINE ? text.substring(0, MAX_LINE) : text);
    return found;
  }
}
