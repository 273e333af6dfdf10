package dev.pitstop.cli.demo;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.DeliveryResult;
import dev.pitstop.events.data.HoldEnded;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepStarted;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One readable terminal line for an event, for {@code pitstop demo}: what happened, to which run
 * and step, with Tekton's reasons. Pure; log text from runs is never printed here (only in pause
 * lines, bounded and stripped of control characters).
 */
public final class EventLine {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private EventLine() {}

  /** The line for an event (no trailing newline). */
  public static String of(PitstopEvent e) {
    String t = e.time() == null ? "            " : CLOCK.format(e.time());
    return t + "  " + describe(e);
  }

  static String describe(PitstopEvent e) {
    return switch (e.type()) {
      case PIPELINERUN_STARTED -> "▶ PipelineRun " + e.data().run().display() + " started";
      case PIPELINERUN_FINISHED -> finished("PipelineRun", (RunFinished) e.data());
      case TASKRUN_STARTED ->
          "  ▶ TaskRun "
              + task(e.data().run())
              + " started"
              + pod(((RunStarted) e.data()).podName());
      case TASKRUN_FINISHED -> "  " + finished("TaskRun", (RunFinished) e.data());
      case STEP_STARTED -> {
        StepStarted s = (StepStarted) e.data();
        yield "      · step " + step(s.run(), s.step().name()) + " can start";
      }
      case STEP_FINISHED -> {
        StepFinished s = (StepFinished) e.data();
        yield "      "
            + (s.exitCode() == 0 ? "✓" : "✗")
            + " step "
            + step(s.run(), s.step().name())
            + " finished: exit "
            + s.exitCode()
            + " ("
            + s.terminationReason()
            + ")"
            + duration(s.startedAt(), s.finishedAt());
      }
      case STEP_BREAKPOINT_REACHED -> {
        BreakpointReached b = (BreakpointReached) e.data();
        yield "      ⏸ step "
            + step(b.run(), b.step().name())
            + " reached its "
            + b.mechanism().json()
            + " breakpoint (log marker seen)";
      }
      case BREAKPOINT_PAUSED -> {
        BreakpointPaused p = (BreakpointPaused) e.data();
        String last =
            p.logTail().isEmpty()
                ? ""
                : "  last log: " + clean(p.logTail().get(p.logTail().size() - 1));
        yield "      ⏸ PAUSED "
            + step(p.run(), p.step().name())
            + " at "
            + p.mechanism().json()
            + " breakpoint"
            + last
            + "\n                  shell: "
            + p.exec();
      }
      case BREAKPOINT_CONTINUED -> {
        BreakpointContinued c = (BreakpointContinued) e.data();
        yield "      ⏵ CONTINUED "
            + step(c.run(), c.step().name())
            + ": "
            + c.action().json()
            + " by "
            + c.by().username()
            + " via "
            + c.via()
            + " after "
            + seconds(Duration.between(c.pausedAt(), c.decidedAt()));
      }
      case BREAKPOINT_ENDED -> {
        BreakpointEnded b = (BreakpointEnded) e.data();
        yield "      ⏹ pause of " + step(b.run(), b.step().name()) + " ended: " + b.reason();
      }
      case COMMAND_CONTINUE, COMMAND_FAIL_CONTINUE -> {
        Command c = (Command) e.data();
        yield "      → "
            + c.action().json()
            + " requested for "
            + (c.step() == null ? "held task " + task(c.run()) : step(c.run(), c.step()))
            + " by "
            + c.requestedBy().username()
            + " via "
            + c.via();
      }
      case DELIVERY_DELIVERED, DELIVERY_FAILED, DELIVERY_DEADLETTERED -> {
        DeliveryResult r = (DeliveryResult) e.data();
        yield "      ✉ "
            + e.type().type().replace("dev.pitstop.delivery.", "").replace(".v1", "")
            + " of "
            + r.run().display()
            + " to "
            + r.endpoint()
            + (r.reason() == null ? "" : ": " + clean(r.reason()));
      }
      case COMMAND_REJECTED -> {
        CommandRejected r = (CommandRejected) e.data();
        yield "      ⚠ "
            + r.command().action().json()
            + " rejected ("
            + r.reason()
            + "): "
            + clean(r.message());
      }
      case TASKRUN_PENDING ->
          "  ◌ TaskRun " + task(e.data().run()) + " created pending (no Pod yet)";
      case HOLD_HELD -> {
        HoldHeld h = (HoldHeld) e.data();
        yield "  ⏸ HELD "
            + task(h.run())
            + " by its "
            + h.breakpoint()
            + " breakpoint ("
            + clean(h.cause())
            + "); independent tasks run on";
      }
      case HOLD_RELEASED -> {
        HoldReleased h = (HoldReleased) e.data();
        yield "  ⏵ RELEASED "
            + task(h.run())
            + ": "
            + h.action().json()
            + " by "
            + h.by().username()
            + " via "
            + h.via()
            + " after "
            + seconds(Duration.between(h.heldSince(), h.decidedAt()));
      }
      case HOLD_ENDED -> {
        HoldEnded h = (HoldEnded) e.data();
        yield "  ⏹ hold of " + task(h.run()) + " ended: " + h.reason();
      }
      case BREAKPOINT_WARNING -> {
        BreakpointWarning w = (BreakpointWarning) e.data();
        yield "  ⚠ " + e.data().run().display() + ": " + w.reason() + ": " + clean(w.message());
      }
      case POD_SCHEDULED, POD_INITIALIZED, POD_READY ->
          "    · pod "
              + e.type().type().replace("dev.pitstop.pod.", "").replace(".v1", "")
              + " ("
              + task(e.data().run())
              + ")";
    };
  }

  private static String finished(String kind, RunFinished f) {
    String mark = f.isSuccess() ? "✔" : "✘";
    String name = kind.equals("TaskRun") ? task(f.run()) : f.run().display();
    return mark
        + " "
        + kind
        + " "
        + name
        + " finished: "
        + f.reason()
        + (f.message() == null ? "" : " — " + clean(f.message()))
        + duration(f.startTime(), f.completionTime());
  }

  private static String task(RunRef r) {
    return r.pipelineTask() == null ? r.display() : r.name() + " (" + r.pipelineTask() + ")";
  }

  private static String step(RunRef r, String step) {
    return (r.pipelineTask() != null ? r.pipelineTask() : r.name()) + "/" + step;
  }

  private static String pod(String pod) {
    return pod == null ? "" : " in Pod " + pod;
  }

  private static String duration(Instant from, Instant to) {
    return from == null || to == null ? "" : " in " + seconds(Duration.between(from, to));
  }

  static String seconds(Duration d) {
    return String.format("%.1fs", d.toMillis() / 1000.0);
  }

  /** Strips control characters (a log line may carry terminal escapes) and bounds the length. */
  static String clean(String s) {
    if (s == null) {
      return "";
    }
    String c = s.replaceAll("\\p{Cntrl}", "?");
    return c.length() > 160 ? c.substring(0, 157) + "..." : c;
  }
}
