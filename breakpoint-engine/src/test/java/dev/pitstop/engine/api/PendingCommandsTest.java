package dev.pitstop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.CommandOutcome;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Matching the owners' decisions to the API's waiting commands, and giving up in time. */
class PendingCommandsTest {
  static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  final EventFactory engine = new EventFactory("sandbox", "breakpoint-engine");

  PitstopEvent continued(String commandId) {
    return engine.create(
        EventType.BREAKPOINT_CONTINUED,
        new BreakpointContinued(
            SampleEvents.TASK_RUN,
            SampleEvents.STEP,
            Mechanism.ON_FAILURE,
            Action.CONTINUE,
            Identity.of("alice"),
            "api",
            NOW,
            NOW.plusSeconds(1),
            BreakpointContinued.EXEC,
            "step-test",
            commandId),
        NOW);
  }

  PitstopEvent rejected(String commandId, String reason) {
    return engine.create(
        EventType.COMMAND_REJECTED,
        new CommandRejected(
            new Command(
                SampleEvents.TASK_RUN,
                "test",
                Action.CONTINUE,
                Identity.of("alice"),
                "api",
                NOW,
                commandId),
            reason,
            "ci/x step test is not paused: continue by bob via slack",
            NOW.plusSeconds(2)),
        NOW);
  }

  PitstopEvent holdReleased(String commandId) {
    return engine.create(
        EventType.HOLD_RELEASED,
        new HoldReleased(
            SampleEvents.TASK_RUN,
            Action.FAIL_CONTINUE,
            Identity.of("alice"),
            "api",
            NOW,
            NOW.plusSeconds(3),
            commandId),
        NOW);
  }

  @Test
  void aReleaseCarryingTheCommandsIdCompletesItsWaiterWithContinued() {
    PendingCommands p = new PendingCommands(100);
    Future<CommandOutcome> f = p.expect("c1", NOW.plusSeconds(10));
    assertThat(p.offer(continued("other"))).isPresent();
    assertThat(f.isComplete()).as("another command's release is not ours").isFalse();
    p.offer(continued("c1"));
    assertThat(f.isComplete()).isTrue();
    assertThat(f.result().status()).isEqualTo(CommandOutcome.Status.CONTINUED);
    assertThat(f.result().message()).contains("continue done");
    assertThat(f.result().decidedAt()).isEqualTo(NOW.plusSeconds(1));
    assertThat(BreakpointApi.statusOf(f.result())).isEqualTo(200);
    assertThat(p.waiting()).isZero();
  }

  @Test
  void aRejectionCompletesWithItsReasonAndTheHttpStatusFollowsTheReason() {
    PendingCommands p = new PendingCommands(100);
    Future<CommandOutcome> f = p.expect("c1", NOW.plusSeconds(10));
    p.offer(rejected("c1", CommandRejected.NOT_PAUSED));
    assertThat(f.result().status()).isEqualTo(CommandOutcome.Status.REJECTED);
    assertThat(f.result().reason()).isEqualTo("NotPaused");
    assertThat(f.result().message()).contains("continue by bob");
    assertThat(BreakpointApi.statusOf(f.result())).isEqualTo(409);
    assertThat(BreakpointApi.statusOf(outcome(CommandRejected.NOT_HELD))).isEqualTo(409);
    assertThat(BreakpointApi.statusOf(outcome(CommandRejected.FORBIDDEN))).isEqualTo(403);
    assertThat(BreakpointApi.statusOf(outcome(CommandRejected.EXEC_FAILED))).isEqualTo(502);
    assertThat(BreakpointApi.statusOf(outcome(CommandRejected.RELEASE_FAILED))).isEqualTo(502);
    assertThat(BreakpointApi.statusOf(CommandOutcome.pending("x"))).isEqualTo(202);
  }

  static CommandOutcome outcome(String reason) {
    return new CommandOutcome("x", CommandOutcome.Status.REJECTED, reason, "m", NOW);
  }

  @Test
  void aHeldTaskRunsReleaseMatchesByCommandId() {
    PendingCommands p = new PendingCommands(100);
    Future<CommandOutcome> f = p.expect("h1", NOW.plusSeconds(10));
    p.offer(holdReleased("h1"));
    assertThat(f.result().status()).isEqualTo(CommandOutcome.Status.CONTINUED);
    assertThat(f.result().message()).contains("fail-continue done");
  }

  @Test
  void releasesWithoutACommandIdAndOtherDecisionsAreNoOutcome() {
    PendingCommands p = new PendingCommands(100);
    Future<CommandOutcome> f = p.expect("c1", NOW.plusSeconds(10));
    PitstopEvent old =
        engine.create(
            EventType.BREAKPOINT_CONTINUED,
            new BreakpointContinued(
                SampleEvents.TASK_RUN,
                SampleEvents.STEP,
                Mechanism.ON_FAILURE,
                Action.CONTINUE,
                Identity.of("alice"),
                "api",
                NOW,
                NOW),
            NOW);
    assertThat(p.offer(old)).isEmpty();
    for (EventType t : EventType.values()) {
      if (t != EventType.BREAKPOINT_CONTINUED
          && t != EventType.HOLD_RELEASED
          && t != EventType.COMMAND_REJECTED) {
        assertThat(p.offer(SampleEvents.of(t))).as(t.type()).isEmpty();
      }
    }
    assertThat(f.isComplete()).isFalse();
  }

  @Test
  void theWaitEndsPendingAtTheDeadlineAndALateOutcomeIsStillRemembered() {
    PendingCommands p = new PendingCommands(100);
    Future<CommandOutcome> a = p.expect("a", NOW.plusSeconds(10));
    Future<CommandOutcome> b = p.expect("b", NOW.plusSeconds(20));
    assertThat(p.expire(NOW.plusSeconds(9))).isEmpty();
    assertThat(a.isComplete()).isFalse();
    assertThat(p.expire(NOW.plusSeconds(10))).containsExactly("a");
    assertThat(a.result()).isEqualTo(CommandOutcome.pending("a"));
    assertThat(BreakpointApi.statusOf(a.result())).isEqualTo(202);
    assertThat(b.isComplete()).isFalse();
    // The owner decides after the API gave up: GET /v1/commands/a still finds it.
    p.offer(continued("a"));
    assertThat(p.seen("a")).map(CommandOutcome::status).contains(CommandOutcome.Status.CONTINUED);
    assertThat(a.result().status()).isEqualTo(CommandOutcome.Status.PENDING);
    p.offer(rejected("b", CommandRejected.FORBIDDEN));
    assertThat(b.result().reason()).isEqualTo("Forbidden");
  }

  @Test
  void anOutcomeSeenBeforeTheWaiterRegistersAnswersAtOnce() {
    PendingCommands p = new PendingCommands(100);
    p.offer(continued("c1")); // the decision overtook the publisher's acknowledgement
    Future<CommandOutcome> f = p.expect("c1", NOW.plusSeconds(10));
    assertThat(f.isComplete()).isTrue();
    assertThat(f.result().status()).isEqualTo(CommandOutcome.Status.CONTINUED);
  }

  @Test
  void forgetAnswersPendingAndRememberedOutcomesAreBounded() {
    PendingCommands p = new PendingCommands(3);
    Future<CommandOutcome> f = p.expect("lost", NOW.plusSeconds(10));
    p.forget("lost");
    assertThat(f.result().status()).isEqualTo(CommandOutcome.Status.PENDING);
    for (int i = 0; i < 5; i++) {
      p.offer(continued("c" + i));
    }
    assertThat(p.seen("c0")).isEmpty();
    assertThat(p.seen("c4")).isPresent();
  }

  /**
   * Seeded random interleavings: every waiter completes exactly once, with its own outcome when it
   * arrived before its deadline, else pending.
   */
  @Test
  void randomInterleavingsCompleteEachWaiterOnceWithItsOwnOutcomeOrPending() {
    Random random = new Random(20261121L);
    for (int round = 0; round < 200; round++) {
      PendingCommands p = new PendingCommands(1_000);
      int n = 1 + random.nextInt(20);
      List<Future<CommandOutcome>> fs = new ArrayList<>();
      List<Integer> decidedAt = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(p.expect("c" + i, NOW.plusSeconds(10)));
        decidedAt.add(random.nextInt(20)); // seconds after NOW; >= 10 is too late
      }
      for (int s = 0; s <= 20; s++) {
        p.expire(NOW.plus(Duration.ofSeconds(s)));
        for (int i = 0; i < n; i++) {
          if (decidedAt.get(i) == s) {
            p.offer(random.nextBoolean() ? continued("c" + i) : rejected("c" + i, "NotPaused"));
          }
        }
      }
      for (int i = 0; i < n; i++) {
        CommandOutcome o = fs.get(i).result();
        assertThat(o.commandId()).isEqualTo("c" + i);
        if (decidedAt.get(i) < 10) {
          assertThat(o.status()).isNotEqualTo(CommandOutcome.Status.PENDING);
        } else {
          assertThat(o.status()).isEqualTo(CommandOutcome.Status.PENDING);
        }
      }
      assertThat(p.waiting()).isZero();
    }
  }
}
