package dev.pitstop.events.data;

import java.time.Instant;
import java.util.List;

/**
 * A step's log shows Tekton's marker line ({@code debug onFailure breakpoint has taken effect} or
 * {@code debug before step breakpoint has taken effect}): data of {@code
 * dev.pitstop.step.breakpointreached.v1}.
 *
 * @param mechanism which breakpoint
 * @param reachedAt the kubelet's timestamp of the marker line
 * @param logTail the last log lines before the marker (at most 20, each at most 1,000 characters)
 * @param deadline when the TaskRun's timeout fires ({@code startTime + spec.timeout}), or null
 */
public record BreakpointReached(
    RunRef run,
    StepRef step,
    Mechanism mechanism,
    Instant reachedAt,
    List<String> logTail,
    Instant deadline)
    implements EventData {
  public BreakpointReached {
    logTail = logTail == null ? List.of() : List.copyOf(logTail);
  }
}
