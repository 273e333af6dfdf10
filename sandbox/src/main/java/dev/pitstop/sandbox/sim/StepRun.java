package dev.pitstop.sandbox.sim;

import java.time.Instant;
import java.util.List;

/**
 * One step as the entrypoint in its container runs it (Tekton {@code cmd/entrypoint}): waits for
 * the previous step, optionally pauses before it runs or after it fails, then terminates. Mutable;
 * owned by one {@link TaskRunMachine}.
 */
final class StepRun {
  enum Phase {
    /** Waiting for the previous step's post file. */
    WAITING,
    /** A {@code beforeSteps} breakpoint holds it before its command. */
    PAUSED_BEFORE,
    RUNNING,
    /** Its command failed and {@code onFailure} holds it. */
    PAUSED_ON_FAILURE,
    DONE
  }

  /** A decision written by a debug script, taken by the next tick. */
  enum Decision {
    CONTINUE,
    FAIL_CONTINUE
  }

  final int index;
  final String name;
  final String container;
  final String image;
  final int plannedExitCode;
  final boolean onErrorContinue;
  final boolean breakBefore;
  final List<String> output;

  Phase phase = Phase.WAITING;
  Instant startedAt;
  Instant finishedAt;
  Instant pausedAt;
  int exitCode;

  /** The container's exit code as the kubelet reports it (0 for a Continued step). */
  int containerExitCode;

  String terminationReason;
  int linesWritten;
  Decision decision;
  Instant decisionAt;

  StepRun(
      int index,
      String name,
      String container,
      String image,
      int plannedExitCode,
      boolean onErrorContinue,
      boolean breakBefore,
      List<String> output) {
    this.index = index;
    this.name = name;
    this.container = container;
    this.image = image;
    this.plannedExitCode = plannedExitCode;
    this.onErrorContinue = onErrorContinue;
    this.breakBefore = breakBefore;
    this.output = output;
  }

  boolean done() {
    return phase == Phase.DONE;
  }

  /** True when it ended with a failure that fails the TaskRun. */
  boolean failed() {
    return done() && exitCode != 0 && !"Continued".equals(terminationReason);
  }

  void terminate(Instant start, Instant end, int code, int containerCode, String reason) {
    phase = Phase.DONE;
    startedAt = start;
    finishedAt = end;
    exitCode = code;
    containerExitCode = containerCode;
    terminationReason = reason;
  }
}
