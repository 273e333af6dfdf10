package dev.pitstop.engine.breakpoint;

import static dev.pitstop.events.data.Action.CONTINUE;
import static dev.pitstop.events.data.Action.FAIL_CONTINUE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Breakpoint.State;
import dev.pitstop.engine.breakpoint.BreakpointBook.Standing;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BreakpointBookTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-21T09:05:00Z");
  static final RunRef RUN =
      new RunRef(
          RunRef.TASK_RUN,
          "ci",
          "build-compile",
          "uid-tr",
          "build",
          "uid-pr",
          "build",
          "compile",
          null,
          0,
          Map.of(),
          Map.of());
  static final StepRef STEP = new StepRef("test", 1, "step-test", "build-compile-pod");
  static final BreakpointKey KEY = new BreakpointKey("ci", "build-compile", "test");
  static final Identity ALICE = Identity.of("alice@example.com");

  final EventFactory watcher = new EventFactory("c1", "watcher");
  final EventFactory api = new EventFactory("c1", "breakpoint-engine-api");
  final BreakpointBook book =
      new BreakpointBook(
          new EventFactory("c1", "breakpoint-engine"), Clock.fixed(NOW, ZoneOffset.UTC), 3, 100);

  @Test
  void reachedBreakpointIsPausedOnceWithTheMarkersTimeAndTheTimeDecided() {
    List<Action> first = book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    assertThat(first).hasSize(1);
    PitstopEvent e = published(first.get(0));
    assertThat(e.type()).isEqualTo(EventType.BREAKPOINT_PAUSED);
    assertThat(e.time()).isEqualTo(NOW);
    BreakpointPaused p = e.data(BreakpointPaused.class);
    assertThat(p.pausedAt()).isEqualTo(T0);
    assertThat(p.decidedAt()).isEqualTo(NOW);
    assertThat(p.mechanism()).isEqualTo(Mechanism.ON_FAILURE);
    assertThat(p.logTail()).containsExactly("FAIL");
    assertThat(p.exec()).isEqualTo("kubectl exec -it -n ci build-compile-pod -c step-test -- sh");
    assertThat(book.waiting()).extracting(Breakpoint::key).containsExactly(KEY);
    // The same observation again (a relist) decides nothing.
    assertThat(book.onEvent(reached(Mechanism.ON_FAILURE, RUN))).isEmpty();
  }

  @Test
  void continueExecsTheOnFailureScriptInThePausedStepsContainerThenPublishesContinued() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(CONTINUE);
    List<Action> actions = book.onEvent(commandEvent(c));
    assertThat(actions)
        .containsExactly(
            new Action.Exec(
                KEY,
                c.requestId(),
                "ci",
                "build-compile-pod",
                "step-test",
                List.of("/tekton/debug/scripts/debug-continue")));
    assertThat(book.find(KEY)).get().extracting(Breakpoint::state).isEqualTo(State.RELEASING);
    assertThat(book.outcome(c.requestId()))
        .get()
        .extracting(CommandOutcome::status)
        .isEqualTo(CommandOutcome.Status.PENDING);

    List<Action> after = book.onExecResult(new ExecOutcome(KEY, c.requestId(), 0, ""));
    PitstopEvent e = published(after.get(0));
    assertThat(e.type()).isEqualTo(EventType.BREAKPOINT_CONTINUED);
    BreakpointContinued bc = e.data(BreakpointContinued.class);
    assertThat(bc.action()).isEqualTo(CONTINUE);
    assertThat(bc.by()).isEqualTo(ALICE);
    assertThat(bc.via()).isEqualTo("api");
    assertThat(bc.pausedAt()).isEqualTo(T0);
    assertThat(bc.decidedAt()).isEqualTo(NOW);
    assertThat(book.waiting()).isEmpty();
    assertThat(book.outcome(c.requestId()))
        .get()
        .extracting(CommandOutcome::status)
        .isEqualTo(CommandOutcome.Status.CONTINUED);
  }

  @Test
  void failContinueExecsTheFailContinueScript() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    assertThat(execOf(book.onEvent(commandEvent(command(FAIL_CONTINUE)))).command())
        .containsExactly("/tekton/debug/scripts/debug-fail-continue");
  }

  @Test
  void beforeStepsPausesAreReleasedWithTheBeforeStepScripts() {
    book.onEvent(reached(Mechanism.BEFORE_STEPS, RUN));
    assertThat(execOf(book.onEvent(commandEvent(command(CONTINUE)))).command())
        .containsExactly("/tekton/debug/scripts/debug-beforestep-continue");

    BreakpointBook other =
        new BreakpointBook(new EventFactory("c1", "breakpoint-engine"), Clock.systemUTC());
    other.onEvent(reached(Mechanism.BEFORE_STEPS, RUN));
    assertThat(execOf(other.onEvent(commandEvent(command(FAIL_CONTINUE)))).command())
        .containsExactly("/tekton/debug/scripts/debug-beforestep-fail-continue");
  }

  @Test
  void secondContinueIsRejectedNotPausedSayingWhoContinued() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command first = command(CONTINUE);
    book.onEvent(commandEvent(first));
    book.onExecResult(new ExecOutcome(KEY, first.requestId(), 0, ""));

    Command second =
        new Command(
            RUN, "test", CONTINUE, Identity.of("bob"), "slack", NOW, UUID.randomUUID().toString());
    List<Action> actions = book.onEvent(commandEvent(second));
    CommandRejected r = published(actions.get(0)).data(CommandRejected.class);
    assertThat(actions).hasSize(1);
    assertThat(r.reason()).isEqualTo(CommandRejected.NOT_PAUSED);
    assertThat(r.command()).isEqualTo(second);
    assertThat(r.message()).contains("continue by alice@example.com via api at " + NOW);
    assertThat(book.outcome(second.requestId()))
        .get()
        .extracting(CommandOutcome::status, CommandOutcome::reason)
        .containsExactly(CommandOutcome.Status.REJECTED, CommandRejected.NOT_PAUSED);
  }

  @Test
  void commandWhileAReleaseIsUnderWayIsRejectedAndNoSecondExecIsMade() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    book.onEvent(commandEvent(command(CONTINUE)));
    List<Action> actions = book.onEvent(commandEvent(command(FAIL_CONTINUE)));
    assertThat(actions).singleElement().isInstanceOf(Action.Publish.class);
    assertThat(published(actions.get(0)).data(CommandRejected.class).message())
        .contains("is being released: continue by alice@example.com");
  }

  @Test
  void replayedCommandIsIgnoredOnceDecided() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    book.onExecResult(new ExecOutcome(KEY, c.requestId(), 0, ""));
    assertThat(book.onEvent(commandEvent(c))).isEmpty();
  }

  @Test
  void commandForAnUnknownStepIsRejectedNotPaused() {
    CommandRejected r =
        published(book.onEvent(commandEvent(command(CONTINUE))).get(0)).data(CommandRejected.class);
    assertThat(r.reason()).isEqualTo(CommandRejected.NOT_PAUSED);
    assertThat(r.message()).isEqualTo("no breakpoint is known at ci/build-compile step test");
    assertThat(book.standing(KEY).kind()).isEqualTo(Standing.Kind.UNKNOWN);
  }

  @Test
  void execFailureIsRejectedWithStderrAndTheStepStaysPaused() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    List<Action> actions =
        book.onExecResult(new ExecOutcome(KEY, c.requestId(), 1, "sed: bad option\n"));
    assertThat(actions).hasSize(1);
    CommandRejected r = published(actions.get(0)).data(CommandRejected.class);
    assertThat(r.reason()).isEqualTo(CommandRejected.EXEC_FAILED);
    assertThat(r.message())
        .contains("exited with code 1")
        .contains("sed: bad option")
        .contains("step-test");
    assertThat(book.find(KEY)).get().extracting(Breakpoint::state).isEqualTo(State.PAUSED);
    assertThat(book.standing(KEY).kind()).isEqualTo(Standing.Kind.PAUSED);
    // And it can be released afterwards.
    assertThat(book.onEvent(commandEvent(command(FAIL_CONTINUE))))
        .singleElement()
        .isInstanceOf(Action.Exec.class);
  }

  @Test
  void execFailingForWantOfAShellWarnsNoShellAndReleasesThroughAnEphemeralContainer() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(FAIL_CONTINUE);
    book.onEvent(commandEvent(c));
    String err =
        "OCI runtime exec failed: exec failed: unable to start container process: exec:"
            + " \"/tekton/debug/scripts/debug-fail-continue\": executable file not found in $PATH";
    List<Action> actions = book.onExecResult(new ExecOutcome(KEY, c.requestId(), 127, err));
    assertThat(actions).hasSize(2);
    PitstopEvent w = published(actions.get(0));
    assertThat(w.type()).isEqualTo(EventType.BREAKPOINT_WARNING);
    BreakpointWarning warning = w.data(BreakpointWarning.class);
    assertThat(warning.reason()).isEqualTo(BreakpointWarning.NO_SHELL);
    assertThat(warning.run()).isEqualTo(RUN);
    String name = ShellLessRelease.containerName("uid-tr", "test", 1, c.requestId());
    assertThat(warning.message())
        .contains("exited with code 127")
        .contains("executable file not found")
        .contains(name)
        .contains("tekton-internal-run-1");
    assertThat(actions.get(1))
        .isEqualTo(
            new Action.AddReleaseContainer(
                KEY,
                c.requestId(),
                "ci",
                "build-compile-pod",
                name,
                "step-test",
                1,
                Mechanism.ON_FAILURE,
                FAIL_CONTINUE));
    // Still being released: a second command is not carried out meanwhile.
    assertThat(book.find(KEY)).get().extracting(Breakpoint::state).isEqualTo(State.RELEASING);
    assertThat(published(book.onEvent(commandEvent(command(CONTINUE))).get(0)).type())
        .isEqualTo(EventType.COMMAND_REJECTED);

    List<Action> after =
        book.onEphemeralResult(new EphemeralOutcome(KEY, c.requestId(), name, null));
    BreakpointContinued bc = published(after.get(0)).data(BreakpointContinued.class);
    assertThat(bc.action()).isEqualTo(FAIL_CONTINUE);
    assertThat(bc.releasedThrough()).isEqualTo(BreakpointContinued.EPHEMERAL_CONTAINER);
    assertThat(bc.releaseContainer()).isEqualTo(name);
    assertThat(book.waiting()).isEmpty();
    assertThat(book.outcome(c.requestId()))
        .get()
        .satisfies(
            o -> {
              assertThat(o.status()).isEqualTo(CommandOutcome.Status.CONTINUED);
              assertThat(o.message()).contains("ephemeral container " + name);
            });
    // A repeated result changes nothing; a second continue is a no-op reported NotPaused.
    assertThat(book.onEphemeralResult(new EphemeralOutcome(KEY, c.requestId(), name, null)))
        .isEmpty();
    CommandRejected again =
        published(book.onEvent(commandEvent(command(CONTINUE))).get(0)).data(CommandRejected.class);
    assertThat(again.reason()).isEqualTo(CommandRejected.NOT_PAUSED);
    assertThat(again.message()).contains("fail-continue by alice@example.com via api");
  }

  @Test
  void execReleaseIsReportedAsExecInTheStepsContainer() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    BreakpointContinued bc =
        published(book.onExecResult(new ExecOutcome(KEY, c.requestId(), 0, "")).get(0))
            .data(BreakpointContinued.class);
    assertThat(bc.releasedThrough()).isEqualTo(BreakpointContinued.EXEC);
    assertThat(bc.releaseContainer()).isEqualTo("step-test");
  }

  @Test
  void anEphemeralContainerThatCannotBeAddedIsRejectedAndTheStepStaysPaused() {
    book.onEvent(reached(Mechanism.BEFORE_STEPS, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    Action.AddReleaseContainer add =
        (Action.AddReleaseContainer)
            book.onExecResult(new ExecOutcome(KEY, c.requestId(), 126, "exec failed")).get(1);
    assertThat(add.mechanism()).isEqualTo(Mechanism.BEFORE_STEPS);
    List<Action> after =
        book.onEphemeralResult(
            new EphemeralOutcome(KEY, c.requestId(), add.name(), "403 forbidden"));
    CommandRejected r = published(after.get(0)).data(CommandRejected.class);
    assertThat(r.reason()).isEqualTo(CommandRejected.EXEC_FAILED);
    assertThat(r.message()).contains(add.name()).contains("403 forbidden").contains("still waits");
    assertThat(book.find(KEY)).get().extracting(Breakpoint::state).isEqualTo(State.PAUSED);
  }

  /** Pauses, commands, fails the exec for want of a shell: the container to add. */
  Action.AddReleaseContainer shellLess(BreakpointBook b, Command c) {
    b.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    b.onEvent(commandEvent(c));
    return (Action.AddReleaseContainer)
        b.onExecResult(new ExecOutcome(KEY, c.requestId(), 127, "executable file not found"))
            .get(1);
  }

  @Test
  void aReleaseContainerThatDoesNotReleaseIsRejectedAndANewCommandTriesAgainWithANewContainer() {
    Command c = command(CONTINUE);
    Action.AddReleaseContainer add = shellLess(book, c);
    assertThat(book.find(KEY)).get().extracting(Breakpoint::releaseContainer).isEqualTo(add.name());
    List<Action> after =
        book.onEphemeralResult(
            new EphemeralOutcome(
                KEY,
                c.requestId(),
                add.name(),
                "ephemeral container " + add.name() + " waiting (ErrImagePull: no such host)",
                true));
    assertThat(after).hasSize(1);
    CommandRejected r = published(after.get(0)).data(CommandRejected.class);
    assertThat(r.reason()).isEqualTo(CommandRejected.EXEC_FAILED);
    assertThat(r.message())
        .contains(add.name())
        .contains("did not release the step")
        .contains("ErrImagePull")
        .contains("still waits");
    assertThat(book.find(KEY))
        .get()
        .satisfies(
            bp -> {
              assertThat(bp.state()).isEqualTo(State.PAUSED);
              assertThat(bp.releaseContainer()).isNull();
            });
    assertThat(book.outcome(c.requestId()))
        .get()
        .extracting(CommandOutcome::status)
        .isEqualTo(CommandOutcome.Status.REJECTED);

    // A new command is carried out: exec again, then another container (another name).
    Command again = command(CONTINUE);
    assertThat(book.onEvent(commandEvent(again))).singleElement().isInstanceOf(Action.Exec.class);
    Action.AddReleaseContainer add2 =
        (Action.AddReleaseContainer)
            book.onExecResult(
                    new ExecOutcome(KEY, again.requestId(), 127, "executable file not found"))
                .get(1);
    assertThat(add2.name()).isNotEqualTo(add.name());
    BreakpointContinued bc =
        published(
                book.onEphemeralResult(
                        new EphemeralOutcome(KEY, again.requestId(), add2.name(), null))
                    .get(0))
            .data(BreakpointContinued.class);
    assertThat(bc.releaseContainer()).isEqualTo(add2.name());
    // The first container's late result changes nothing.
    assertThat(book.onEphemeralResult(new EphemeralOutcome(KEY, c.requestId(), add.name(), null)))
        .isEmpty();
  }

  @Test
  void theStepSeenToGoOnWhileTheContainerIsConfirmedIsAContinue() {
    Command c = command(CONTINUE);
    Action.AddReleaseContainer add = shellLess(book, c);
    List<Action> actions = book.onEvent(stepFinished("Completed"));
    BreakpointContinued bc = published(actions.get(0)).data(BreakpointContinued.class);
    assertThat(bc.releasedThrough()).isEqualTo(BreakpointContinued.EPHEMERAL_CONTAINER);
    assertThat(bc.releaseContainer()).isEqualTo(add.name());
    assertThat(book.outcome(c.requestId()))
        .get()
        .extracting(CommandOutcome::status)
        .isEqualTo(CommandOutcome.Status.CONTINUED);
    // The poll's later verdict, whatever it is, changes nothing.
    assertThat(
            book.onEphemeralResult(
                new EphemeralOutcome(KEY, c.requestId(), add.name(), "timed out", true)))
        .isEmpty();
  }

  @Test
  void theStepTimedOutWhileTheContainerIsConfirmedEndsThePause() {
    Command c = command(CONTINUE);
    Action.AddReleaseContainer add = shellLess(book, c);
    assertThat(book.onEvent(stepFinished("TaskRunTimeout"))).isEmpty();
    List<Action> after =
        book.onEphemeralResult(new EphemeralOutcome(KEY, c.requestId(), add.name(), null));
    assertThat(published(after.get(0)).data(BreakpointEnded.class).reason())
        .isEqualTo("TaskRunTimeout");
    assertThat(published(after.get(1)).data(CommandRejected.class).message())
        .contains("ended meanwhile");
  }

  @Test
  void aReleaseThroughAContainerUnderWaySurvivesARestartAndIsConfirmedAgain() {
    Command c = command(CONTINUE);
    Action.AddReleaseContainer add = shellLess(book, c);
    List<Breakpoint> saved = book.ofRoot(RUN.rootUid());

    BreakpointBook restarted =
        new BreakpointBook(
            new EventFactory("c1", "breakpoint-engine"), Clock.fixed(NOW, ZoneOffset.UTC), 3, 100);
    List<Action> resumed = saved.stream().flatMap(b -> restarted.restore(b).stream()).toList();
    assertThat(resumed).containsExactly(add);
    assertThat(restarted.find(KEY)).get().extracting(Breakpoint::state).isEqualTo(State.RELEASING);
    assertThat(restarted.outcome(c.requestId()))
        .get()
        .extracting(CommandOutcome::status)
        .isEqualTo(CommandOutcome.Status.PENDING);
    // The command replayed (its offset was not committed) is the one under way: ignored.
    assertThat(restarted.onEvent(commandEvent(c))).isEmpty();
    // Another command is refused meanwhile.
    assertThat(published(restarted.onEvent(commandEvent(command(CONTINUE))).get(0)).type())
        .isEqualTo(EventType.COMMAND_REJECTED);
    assertThat(
            published(
                    restarted
                        .onEphemeralResult(
                            new EphemeralOutcome(KEY, c.requestId(), add.name(), null))
                        .get(0))
                .type())
        .isEqualTo(EventType.BREAKPOINT_CONTINUED);

    // A release by exec under way comes back paused, as before.
    BreakpointBook other =
        new BreakpointBook(
            new EventFactory("c1", "breakpoint-engine"), Clock.fixed(NOW, ZoneOffset.UTC), 3, 100);
    other.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    other.onEvent(commandEvent(command(CONTINUE)));
    BreakpointBook again =
        new BreakpointBook(
            new EventFactory("c1", "breakpoint-engine"), Clock.fixed(NOW, ZoneOffset.UTC), 3, 100);
    assertThat(other.ofRoot(RUN.rootUid()).stream().flatMap(b -> again.restore(b).stream()))
        .isEmpty();
    assertThat(again.find(KEY)).get().extracting(Breakpoint::state).isEqualTo(State.PAUSED);
  }

  @Test
  void aGoneContainerIsNotTakenForAMissingShell() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    List<Action> actions =
        book.onExecResult(
            new ExecOutcome(
                KEY,
                c.requestId(),
                126,
                "unable to upgrade connection: container not found (\"step-test\")"));
    assertThat(actions).singleElement().satisfies(a -> published(a));
    assertThat(published(actions.get(0)).type()).isEqualTo(EventType.COMMAND_REJECTED);
  }

  @Test
  void aStepSeenToEndWhileTheExecFailedIsNotReleasedAgain() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    book.onEvent(stepFinished("TaskRunTimeout"));
    List<Action> actions =
        book.onExecResult(new ExecOutcome(KEY, c.requestId(), 127, "sh: not found"));
    assertThat(actions).noneMatch(a -> a instanceof Action.AddReleaseContainer);
    assertThat(book.find(KEY)).get().extracting(Breakpoint::state).isEqualTo(State.ENDED);
  }

  @Test
  void timeoutEndsThePauseWithTektonsReasonAndDropsTheRun() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    List<Action> actions = book.onEvent(finished(RUN, "TaskRunTimeout"));
    BreakpointEnded ended = published(actions.get(0)).data(BreakpointEnded.class);
    assertThat(ended.reason()).isEqualTo("TaskRunTimeout");
    assertThat(ended.pausedAt()).isEqualTo(T0);
    assertThat(ended.decidedAt()).isEqualTo(NOW);
    assertThat(book.waiting()).isEmpty();
    assertThat(book.find(KEY)).isEmpty();
    assertThat(book.runsWithState()).isZero();
    // A command afterwards is told what happened.
    CommandRejected r =
        published(book.onEvent(commandEvent(command(CONTINUE))).get(0)).data(CommandRejected.class);
    assertThat(r.message()).contains("the TaskRun finished (TaskRunTimeout)");
    // A late or replayed reach of the finished run does not pause it again.
    BreakpointReached again =
        new BreakpointReached(RUN, STEP, Mechanism.BEFORE_STEPS, T0, List.of(), null);
    assertThat(book.onEvent(watcher.create(EventType.STEP_BREAKPOINT_REACHED, again, T0)))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TaskRunCancelled", "PodEvicted", "StepOOM", "Failed"})
  void everyOtherWayTheTaskRunEndsEndsThePauseWithTektonsReason(String reason) {
    // Tekton ends a TaskRun whose Pod was evicted with reason PodEvicted (tekton-facts.md §4;
    // "Failed" before v1.12.0): the pause ends with it, so no button waits on a gone Pod.
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    assertThat(
            published(book.onEvent(finished(RUN, reason)).get(0))
                .data(BreakpointEnded.class)
                .reason())
        .isEqualTo(reason);
    assertThat(book.waiting()).isEmpty();
  }

  @Test
  void deletionEndsThePause() {
    book.onEvent(reached(Mechanism.BEFORE_STEPS, RUN));
    assertThat(
            published(book.onEvent(finished(RUN, "Deleted")).get(0))
                .data(BreakpointEnded.class)
                .reason())
        .isEqualTo("Deleted");
  }

  @Test
  void aNewTaskRunOfTheSameNameEndsTheOldOnesPauseAsDeleted() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    RunRef recreated =
        new RunRef(
            RunRef.TASK_RUN,
            "ci",
            "build-compile",
            "uid-2",
            null,
            null,
            null,
            null,
            null,
            0,
            null,
            null);
    List<Action> actions = book.onEvent(reached(Mechanism.ON_FAILURE, recreated));
    assertThat(actions)
        .extracting(a -> published(a).type())
        .containsExactly(EventType.BREAKPOINT_ENDED, EventType.BREAKPOINT_PAUSED);
    assertThat(published(actions.get(0)).data(BreakpointEnded.class).reason()).isEqualTo("Deleted");
    assertThat(book.find(KEY)).get().extracting(b -> b.run().uid()).isEqualTo("uid-2");
  }

  @Test
  void stepFinishedWithoutPitstopsReleaseEndsThePauseAndLaterCommandsAreToldSo() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    List<Action> actions = book.onEvent(stepFinished("Completed"));
    assertThat(published(actions.get(0)).data(BreakpointEnded.class).reason())
        .isEqualTo(BreakpointBook.STEP_FINISHED);
    assertThat(book.waiting()).isEmpty();
    Standing s = book.standing(KEY);
    assertThat(s.kind()).isEqualTo(Standing.Kind.NOT_PAUSED);
    assertThat(s.message()).contains("the pause ended (StepFinished)");
  }

  @Test
  void stepTerminatedByTheTaskRunTimeoutEndsWithThatReason() {
    book.onEvent(reached(Mechanism.BEFORE_STEPS, RUN));
    assertThat(
            published(book.onEvent(stepFinished("TaskRunTimeout")).get(0))
                .data(BreakpointEnded.class)
                .reason())
        .isEqualTo("TaskRunTimeout");
  }

  @Test
  void stepFinishedAfterOurReleaseEndsNothing() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    assertThat(book.onEvent(stepFinished("Completed"))).isEmpty(); // while the exec is under way
    assertThat(book.onExecResult(new ExecOutcome(KEY, c.requestId(), 0, "")))
        .extracting(a -> published(a).type())
        .containsExactly(EventType.BREAKPOINT_CONTINUED);
    assertThat(book.onEvent(finished(RUN, "Succeeded"))).isEmpty();
  }

  @Test
  void runEndingDuringAReleaseEndsThePauseAndRejectsTheCommandAndTheLateExecResultIsIgnored() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    List<Action> actions = book.onEvent(finished(RUN, "TaskRunCancelled"));
    assertThat(actions)
        .extracting(a -> published(a).type())
        .containsExactly(EventType.BREAKPOINT_ENDED, EventType.COMMAND_REJECTED);
    assertThat(book.onExecResult(new ExecOutcome(KEY, c.requestId(), 0, ""))).isEmpty();
    assertThat(book.outcome(c.requestId()))
        .get()
        .extracting(CommandOutcome::status)
        .isEqualTo(CommandOutcome.Status.REJECTED);
  }

  @Test
  void pipelineRunEndEndsItsChildrensPauses() {
    book.onEvent(reached(Mechanism.ON_FAILURE, RUN));
    RunRef pr =
        new RunRef(
            RunRef.PIPELINE_RUN,
            "ci",
            "build",
            "uid-pr",
            null,
            null,
            "build",
            null,
            null,
            0,
            null,
            null);
    RunFinished f = new RunFinished(pr, "False", "Cancelled", "", T0, NOW, null);
    List<Action> actions = book.onEvent(watcher.create(EventType.PIPELINERUN_FINISHED, f, NOW));
    assertThat(published(actions.get(0)).data(BreakpointEnded.class).reason())
        .isEqualTo("Cancelled");
    assertThat(book.runsWithState()).isZero();
  }

  @Test
  void aSecondMechanismOnTheSameStepIsANewPause() {
    book.onEvent(reached(Mechanism.BEFORE_STEPS, RUN));
    Command c = command(CONTINUE);
    book.onEvent(commandEvent(c));
    book.onExecResult(new ExecOutcome(KEY, c.requestId(), 0, ""));
    assertThat(book.onEvent(reached(Mechanism.ON_FAILURE, RUN)))
        .extracting(a -> published(a).type())
        .containsExactly(EventType.BREAKPOINT_PAUSED);
    assertThat(book.standing(KEY).kind()).isEqualTo(Standing.Kind.PAUSED);
    assertThat(execOf(book.onEvent(commandEvent(command(CONTINUE)))).command())
        .containsExactly("/tekton/debug/scripts/debug-continue");
  }

  @Test
  void stateOfFinishedRunsIsDroppedAndWhatRemainsIsBounded() {
    for (int i = 0; i < 50; i++) {
      RunRef r =
          new RunRef(
              RunRef.TASK_RUN,
              "ci",
              "tr-" + i,
              "uid-" + i,
              null,
              null,
              null,
              null,
              null,
              0,
              null,
              null);
      book.onEvent(reached(Mechanism.ON_FAILURE, r));
      book.onEvent(finished(r, "Failed"));
    }
    assertThat(book.runsWithState()).isZero();
    assertThat(book.waiting()).isEmpty();
    // Only the last 3 finished runs (the capacity) are remembered.
    assertThat(book.standing(new BreakpointKey("ci", "tr-49", "test")).kind())
        .isEqualTo(Standing.Kind.NOT_PAUSED);
    assertThat(book.standing(new BreakpointKey("ci", "tr-0", "test")).kind())
        .isEqualTo(Standing.Kind.UNKNOWN);
  }

  @Test
  void untrustedPodAndContainerNamesFallBackToTektonsNamesAndTheLogTailIsBounded() {
    StepRef odd = new StepRef("test", 1, "sidecar-evil; rm -rf /", "../x");
    List<String> tail =
        java.util.stream.IntStream.range(0, 30).mapToObj(i -> "x".repeat(2_000)).toList();
    BreakpointReached r = new BreakpointReached(RUN, odd, Mechanism.ON_FAILURE, T0, tail, null);
    book.onEvent(watcher.create(EventType.STEP_BREAKPOINT_REACHED, r, T0));
    Breakpoint bp = book.find(KEY).orElseThrow();
    assertThat(bp.container()).isEqualTo("step-test");
    assertThat(bp.pod()).isEqualTo("build-compile-pod");
    assertThat(bp.logTail()).hasSize(20).allSatisfy(l -> assertThat(l).hasSize(1_000));
  }

  // ---- helpers ----

  PitstopEvent reached(Mechanism m, RunRef run) {
    BreakpointReached r =
        new BreakpointReached(run, STEP, m, T0, List.of("FAIL"), T0.plusSeconds(3600));
    return watcher.create(EventType.STEP_BREAKPOINT_REACHED, r, T0);
  }

  PitstopEvent finished(RunRef run, String reason) {
    return watcher.create(
        EventType.TASKRUN_FINISHED, new RunFinished(run, "False", reason, "", T0, NOW, null), NOW);
  }

  PitstopEvent stepFinished(String reason) {
    return watcher.create(
        EventType.STEP_FINISHED, new StepFinished(RUN, STEP, 0, reason, T0, NOW, null), NOW);
  }

  static Command command(dev.pitstop.events.data.Action a) {
    return new Command(RUN, "test", a, ALICE, "api", NOW, UUID.randomUUID().toString());
  }

  PitstopEvent commandEvent(Command c) {
    EventType t =
        c.action() == CONTINUE ? EventType.COMMAND_CONTINUE : EventType.COMMAND_FAIL_CONTINUE;
    return api.create(t, c, c.requestedAt());
  }

  static PitstopEvent published(Action a) {
    assertThat(a).isInstanceOf(Action.Publish.class);
    return ((Action.Publish) a).event();
  }

  static Action.Exec execOf(List<Action> actions) {
    assertThat(actions).singleElement().isInstanceOf(Action.Exec.class);
    return (Action.Exec) actions.get(0);
  }
}
