package dev.pitstop.engine.hold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.HoldEnded;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HoldBookTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  final EventFactory watcher = new EventFactory("t", "watcher");
  final EventFactory api = new EventFactory("t", "breakpoint-engine-api");
  final HoldBook book =
      new HoldBook(new EventFactory("t", "breakpoint-engine"), Clock.fixed(T0, ZoneOffset.UTC));

  static RunRef run(String name, String uid, String heldBy) {
    return new RunRef(
        RunRef.TASK_RUN,
        "ci",
        name,
        uid,
        "build",
        "pr-uid",
        "p",
        name,
        null,
        0,
        Map.of(),
        heldBy == null ? Map.of() : Map.of("pitstop.dev/held-by", heldBy));
  }

  PitstopEvent pending(RunRef r) {
    return watcher.create(EventType.TASKRUN_PENDING, new RunPending(r, T0, "pending"), T0);
  }

  PitstopEvent command(RunRef r, dev.pitstop.events.data.Action a, String id) {
    Command c = new Command(r, null, a, Identity.of("alice"), "api", T0, id);
    return api.create(
        a == dev.pitstop.events.data.Action.CONTINUE
            ? EventType.COMMAND_CONTINUE
            : EventType.COMMAND_FAIL_CONTINUE,
        c,
        T0);
  }

  static PitstopEvent published(Action a) {
    return ((Action.Publish) a).event();
  }

  @Test
  void pendingWithPitstopsAnnotationIsHeldOnce() {
    RunRef r = run("build-deploy", "u1", "afterTasks:compile");
    List<Action> a = book.onEvent(pending(r));
    assertThat(a)
        .singleElement()
        .satisfies(
            x -> {
              HoldHeld h = published(x).data(HoldHeld.class);
              assertThat(h.breakpoint()).isEqualTo("afterTasks");
              assertThat(h.cause()).isEqualTo("afterTasks:compile");
            });
    assertThat(book.onEvent(pending(r))).isEmpty();
    assertThat(book.onEvent(pending(run("other", "u2", null)))).isEmpty();
    assertThat(book.waiting()).extracting(Hold::key).containsExactly("ci/build-deploy");
  }

  @Test
  void continueClearsStatusOnceAndASecondContinueIsANoOp() {
    RunRef r = run("build-deploy", "u1", "beforeTasks:deploy");
    book.onEvent(pending(r));
    List<Action> a = book.onEvent(command(r, dev.pitstop.events.data.Action.CONTINUE, "c1"));
    assertThat(a).containsExactly(new Action.ReleaseHold("ci", "build-deploy", "c1", false, null));
    // A second command while the patch is under way:
    List<Action> again = book.onEvent(command(r, dev.pitstop.events.data.Action.CONTINUE, "c2"));
    assertThat(published(again.get(0)).data(CommandRejected.class).reason()).isEqualTo("NotHeld");
    List<Action> done = book.onPatchResult(new PatchOutcome("ci", "build-deploy", "c1", null));
    HoldReleased rel = published(done.get(0)).data(HoldReleased.class);
    assertThat(rel.by().username()).isEqualTo("alice");
    assertThat(book.outcome("c1").orElseThrow().status().json()).isEqualTo("continued");
    // Replays of the same command are ignored; a new one is rejected, saying who released it.
    assertThat(book.onEvent(command(r, dev.pitstop.events.data.Action.CONTINUE, "c1"))).isEmpty();
    CommandRejected third =
        published(book.onEvent(command(r, dev.pitstop.events.data.Action.CONTINUE, "c3")).get(0))
            .data(CommandRejected.class);
    assertThat(third.message()).contains("continue by alice via api");
    // Its start afterwards is ours: no hold.ended.
    assertThat(
            book.onEvent(
                watcher.create(EventType.TASKRUN_STARTED, new RunStarted(r, T0, null), T0)))
        .isEmpty();
    assertThat(book.waiting()).isEmpty();
  }

  @Test
  void failContinueCancelsNamingWho() {
    RunRef r = run("build-deploy", "u1", "beforeTasks:deploy");
    book.onEvent(pending(r));
    List<Action> a = book.onEvent(command(r, dev.pitstop.events.data.Action.FAIL_CONTINUE, "c1"));
    Action.ReleaseHold p = (Action.ReleaseHold) a.get(0);
    assertThat(p.cancel()).isTrue();
    assertThat(p.statusMessage()).contains("alice");
    // Tekton's cancellation is observed before our patch result: not an "ended".
    RunFinished cancelled =
        new RunFinished(r, "False", "TaskRunCancelled", "x", null, T0, List.of());
    assertThat(book.onEvent(watcher.create(EventType.TASKRUN_FINISHED, cancelled, T0))).isEmpty();
    assertThat(book.onPatchResult(new PatchOutcome("ci", "build-deploy", "c1", null))).hasSize(1);
  }

  @Test
  void failedPatchKeepsItHeld() {
    RunRef r = run("build-deploy", "u1", "beforeTasks:deploy");
    book.onEvent(pending(r));
    book.onEvent(command(r, dev.pitstop.events.data.Action.CONTINUE, "c1"));
    List<Action> a = book.onPatchResult(new PatchOutcome("ci", "build-deploy", "c1", "HTTP 500"));
    assertThat(published(a.get(0)).data(CommandRejected.class).reason()).isEqualTo("ReleaseFailed");
    assertThat(book.waiting()).extracting(Hold::state).containsExactly(Hold.State.HELD);
  }

  @Test
  void endsWhenThePipelineRunEndsOrSomeoneElseStartsIt() {
    RunRef a = run("build-a", "ua", "beforeTasks:a");
    RunRef b = run("build-b", "ub", "beforeTasks:b");
    book.onEvent(pending(a));
    book.onEvent(pending(b));
    List<Action> started =
        book.onEvent(watcher.create(EventType.TASKRUN_STARTED, new RunStarted(a, T0, null), T0));
    assertThat(published(started.get(0)).data(HoldEnded.class).reason())
        .isEqualTo(HoldBook.STARTED_OUTSIDE);
    RunRef pr =
        new RunRef(
            RunRef.PIPELINE_RUN,
            "ci",
            "build",
            "pr-uid",
            null,
            null,
            "p",
            null,
            null,
            0,
            Map.of(),
            Map.of());
    List<Action> ended =
        book.onEvent(
            watcher.create(
                EventType.PIPELINERUN_FINISHED,
                new RunFinished(pr, "False", "PipelineRunTimeout", "x", T0, T0, List.of()),
                T0));
    assertThat(published(ended.get(0)).data(HoldEnded.class).reason())
        .isEqualTo("PipelineRunTimeout");
    assertThat(book.waiting()).isEmpty();
    assertThat(
            published(
                    book.onEvent(command(b, dev.pitstop.events.data.Action.CONTINUE, "c9")).get(0))
                .data(CommandRejected.class)
                .message())
        .contains("the hold ended (PipelineRunTimeout)");
  }

  @Test
  void unknownHoldIsRejected() {
    RunRef r = run("nobody", "u", null);
    assertThat(
            published(book.onEvent(command(r, dev.pitstop.events.data.Action.CONTINUE, "c")).get(0))
                .data(CommandRejected.class)
                .message())
        .isEqualTo("no hold is known at ci/nobody");
  }
}
