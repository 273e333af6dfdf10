package dev.pitstop.events.data;

import java.time.Instant;
import java.util.List;

/**
 * The engine decided that a step waits at a breakpoint: data of {@code
 * dev.pitstop.breakpoint.paused.v1}.
 *
 * @param pausedAt when the step began to wait (the marker line's timestamp)
 * @param decidedAt when the engine decided
 * @param logTail the last log lines before the marker
 * @param deadline when the TaskRun's timeout fires, or null
 * @param exec the command a person runs to get a shell in the paused step's container
 */
public record BreakpointPaused(
    RunRef run,
    StepRef step,
    Mechanism mechanism,
    Instant pausedAt,
    Instant decidedAt,
    List<String> logTail,
    Instant deadline,
    String exec)
    implements EventData {
  public BreakpointPaused {
    logTail = logTail == null ? List.of() : List.copyOf(logTail);
  }
}
