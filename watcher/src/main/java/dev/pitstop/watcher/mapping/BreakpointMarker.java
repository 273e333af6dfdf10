package dev.pitstop.watcher.mapping;

import dev.pitstop.events.data.Mechanism;
import java.time.Instant;
import java.util.List;

/**
 * Tekton's marker line in a step container's log (tekton-facts.md §2), as found by the log
 * follower.
 *
 * @param mechanism {@code onFailure} or {@code beforeSteps}, by which marker line it was
 * @param at the kubelet's timestamp of the marker line (the prefix written with {@code
 *     timestamps=true}); null when the line carried none
 * @param logTail the log lines before the marker, oldest first, bounded by the follower
 */
public record BreakpointMarker(Mechanism mechanism, Instant at, List<String> logTail) {
  public BreakpointMarker {
    logTail = logTail == null ? List.of() : List.copyOf(logTail);
  }
}
