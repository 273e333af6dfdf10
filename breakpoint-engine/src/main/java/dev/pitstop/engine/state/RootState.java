package dev.pitstop.engine.state;

import dev.pitstop.engine.breakpoint.Breakpoint;
import dev.pitstop.engine.hold.Hold;
import java.util.List;

/**
 * What the engine keeps of one root run (a PipelineRun with its TaskRuns, or a standalone TaskRun)
 * in its compacted state topic, keyed by the root run's uid: its breakpoints and holds in every
 * state the books still know (the released ones carry the command that released them: the handled
 * command ids). JSON, written whole on every change.
 *
 * @param rootUid the root run's uid (the record key)
 * @param breakpoints the steps that paused
 * @param holds the TaskRuns held
 */
public record RootState(String rootUid, List<Breakpoint> breakpoints, List<Hold> holds) {
  public RootState {
    breakpoints = breakpoints == null ? List.of() : List.copyOf(breakpoints);
    holds = holds == null ? List.of() : List.copyOf(holds);
  }

  public boolean isEmpty() {
    return breakpoints.isEmpty() && holds.isEmpty();
  }
}
