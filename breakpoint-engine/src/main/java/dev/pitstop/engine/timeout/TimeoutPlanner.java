package dev.pitstop.engine.timeout;

import dev.pitstop.engine.annotation.BreakpointAnnotation;
import dev.pitstop.engine.annotation.BreakpointAnnotation.On;
import dev.pitstop.engine.annotation.BreakpointAnnotation.Result;
import dev.pitstop.engine.annotation.BreakpointSpec;
import dev.pitstop.engine.annotation.TimeoutPolicy;
import dev.pitstop.engine.breakpoint.Breakpoint;
import dev.pitstop.engine.hold.Hold;
import dev.pitstop.events.data.RunRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The timeout policy (issue #3 "Timeouts"), pure: given what waits now, which warnings and which
 * automatic releases are due. A paused step still runs against its TaskRun's timeout ({@code
 * deadline} of the pause); a pause or hold may also have a {@code debug.timeout} (TEP-0097) from
 * the run's {@value BreakpointAnnotation#KEY} annotation, with {@code onTimeout} {@code continue},
 * {@code fail-continue} or {@code leave}.
 *
 * <ul>
 *   <li>{@code warnBefore} (the annotation's, else the engine's default) ahead of either deadline:
 *       a {@link Due.Warn} once per waiting thing and deadline.
 *   <li>at the {@code debug.timeout} deadline: {@link Due.Release} with the policy's action, or
 *       {@link Due.Leave} for {@code leave}; once per waiting thing.
 * </ul>
 *
 * <p>Remembers what it reported (bounded) so each is due once; not thread-safe.
 */
public final class TimeoutPlanner {
  private final Duration defaultWarnBefore;
  private final Map<String, Boolean> reported =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
          return size() > 10_000;
        }
      };

  public TimeoutPlanner(Duration defaultWarnBefore) {
    this.defaultWarnBefore = defaultWarnBefore;
  }

  /** Something due. */
  public sealed interface Due {
    RunRef run();

    /** Warn that {@code deadline} comes. */
    record Warn(RunRef run, String message, Instant deadline) implements Due {}

    /**
     * Release by policy.
     *
     * @param step the paused step, or null for a hold
     * @param action continue or fail-continue
     * @param message names the policy
     */
    record Release(RunRef run, String step, dev.pitstop.events.data.Action action, String message)
        implements Due {}

    /** The policy is {@code leave}: say so. */
    record Leave(RunRef run, String message, Instant deadline) implements Due {}
  }

  /** What is due at {@code now}. */
  public List<Due> due(Instant now, List<Breakpoint> paused, List<Hold> held) {
    List<Due> out = new ArrayList<>();
    for (Breakpoint b : paused) {
      if (b.state() != Breakpoint.State.PAUSED) {
        continue;
      }
      String what = b.key().toString();
      plan(
          now,
          b.run(),
          b.key().step(),
          what + " (paused since " + b.pausedAt() + ")",
          b.pausedAt(),
          b.deadline(),
          out);
    }
    for (Hold h : held) {
      if (h.state() != Hold.State.HELD) {
        continue;
      }
      plan(
          now,
          h.run(),
          null,
          h.key() + " (held since " + h.heldSince() + ")",
          h.heldSince(),
          null,
          out);
    }
    return out;
  }

  private void plan(
      Instant now,
      RunRef run,
      String step,
      String what,
      Instant since,
      Instant tektonDeadline,
      List<Due> out) {
    BreakpointSpec spec = specOf(run);
    Duration warnBefore =
        spec != null && spec.warnBefore() != null ? spec.warnBefore() : defaultWarnBefore;
    String id = run.uid() + "/" + (step == null ? "" : step) + "/" + since;
    if (tektonDeadline != null
        && !now.isBefore(tektonDeadline.minus(warnBefore))
        && now.isBefore(tektonDeadline)
        && once(id + "/tekton")) {
      out.add(
          new Due.Warn(
              run,
              what + ": the TaskRun times out at " + tektonDeadline + "; the pause ends then",
              tektonDeadline));
    }
    if (spec == null || spec.timeout() == null || since == null) {
      return;
    }
    Instant deadline = since.plus(spec.timeout());
    TimeoutPolicy p = spec.onTimeout();
    if (!now.isBefore(deadline)) {
      if (once(id + "/act")) {
        String m =
            what
                + ": debug timeout "
                + spec.timeout()
                + " reached at "
                + deadline
                + "; policy onTimeout "
                + p.json();
        if (p == TimeoutPolicy.LEAVE) {
          out.add(new Due.Leave(run, m + ": left waiting", deadline));
        } else {
          out.add(
              new Due.Release(
                  run,
                  step,
                  p == TimeoutPolicy.CONTINUE
                      ? dev.pitstop.events.data.Action.CONTINUE
                      : dev.pitstop.events.data.Action.FAIL_CONTINUE,
                  m));
        }
      }
    } else if (!now.isBefore(deadline.minus(warnBefore)) && once(id + "/warn")) {
      out.add(
          new Due.Warn(
              run,
              what + ": debug timeout at " + deadline + "; then policy onTimeout " + p.json(),
              deadline));
    }
  }

  private boolean once(String key) {
    return reported.putIfAbsent(key, Boolean.TRUE) == null;
  }

  private static BreakpointSpec specOf(RunRef run) {
    String v = run.annotations().get(BreakpointAnnotation.KEY);
    if (v == null) {
      return null;
    }
    On on = run.pipelineRun() != null ? On.PIPELINE_RUN : On.TASK_RUN;
    return BreakpointAnnotation.parse(v, on) instanceof Result.Valid ok ? ok.spec() : null;
  }

  /** For tests: nothing reported yet. */
  Set<String> reported() {
    return reported.keySet();
  }
}
