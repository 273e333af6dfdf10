package dev.pitstop.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointBook;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.engine.hold.HoldBook;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A snapshot survives JSON and restores books that neither forget nor repeat a release. */
class RootStateTest {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  final EventFactory watcher = new EventFactory("c", "watcher");
  final EventFactory api = new EventFactory("c", "breakpoint-engine-api");
  final EventFactory engine = new EventFactory("c", "breakpoint-engine");
  final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

  static RunRef run(String name, String uid, Map<String, String> annotations) {
    return new RunRef(
        RunRef.TASK_RUN,
        "ci",
        name,
        uid,
        "build",
        "root",
        "p",
        name,
        null,
        0,
        Map.of(),
        annotations);
  }

  PitstopEvent reached(RunRef r) {
    return watcher.create(
        EventType.STEP_BREAKPOINT_REACHED,
        new BreakpointReached(
            r,
            new StepRef("test", 0, "step-test", "pod"),
            Mechanism.ON_FAILURE,
            T0,
            List.of("x"),
            null),
        T0);
  }

  PitstopEvent command(RunRef r, String step, String id) {
    return api.create(
        EventType.COMMAND_CONTINUE,
        new Command(
            r, step, dev.pitstop.events.data.Action.CONTINUE, Identity.of("alice"), "api", T0, id),
        T0);
  }

  RootState roundTrip(BreakpointBook b, HoldBook h) throws Exception {
    RootState s = new RootState("root", b.ofRoot("root"), h.ofRoot("root"));
    byte[] json = EventCodec.mapper().writeValueAsBytes(s);
    return EventCodec.mapper().readValue(json, RootState.class);
  }

  @Test
  void restoredBooksReleaseWhatWaitedOnceAndRememberWhatWasReleased() throws Exception {
    BreakpointBook b1 = new BreakpointBook(engine, clock);
    HoldBook h1 = new HoldBook(engine, clock);
    RunRef compile = run("build-compile", "u1", Map.of());
    RunRef lint = run("build-lint", "u3", Map.of());
    RunRef deploy = run("build-deploy", "u2", Map.of("pitstop.dev/held-by", "beforeTasks:deploy"));
    b1.onEvent(reached(compile));
    b1.onEvent(reached(lint));
    h1.onEvent(watcher.create(EventType.TASKRUN_PENDING, new RunPending(deploy, T0, null), T0));
    // lint is continued before the restart: its command must stay decided.
    b1.onEvent(command(lint, "test", "c-lint"));
    b1.onExecResult(
        new ExecOutcome(new BreakpointKey("ci", "build-lint", "test"), "c-lint", 0, ""));
    // compile's release is under way when the engine dies.
    b1.onEvent(command(compile, "test", "c-lost"));

    RootState restored = roundTrip(b1, h1);
    BreakpointBook b2 = new BreakpointBook(engine, clock);
    HoldBook h2 = new HoldBook(engine, clock);
    restored.breakpoints().forEach(b2::restore);
    restored.holds().forEach(h2::restore);

    assertThat(b2.waiting()).extracting(bp -> bp.key().taskRun()).containsExactly("build-compile");
    assertThat(h2.waiting()).extracting(h -> h.key()).containsExactly("ci/build-deploy");
    // Re-observing the same pause after the restore does not end or repeat it.
    assertThat(b2.onEvent(reached(compile))).isEmpty();
    // The replayed lint command is not carried out again.
    assertThat(b2.onEvent(command(lint, "test", "c-lint"))).isEmpty();
    assertThat(b2.outcome("c-lint").orElseThrow().status().json()).isEqualTo("continued");
    // What waits is released by new commands.
    assertThat(b2.onEvent(command(compile, "test", "c2")))
        .singleElement()
        .isInstanceOf(Action.Exec.class);
    assertThat(h2.onEvent(command(deploy, null, "c3")))
        .singleElement()
        .isInstanceOf(Action.ReleaseHold.class);
  }

  @Test
  void aShellLessReleaseUnderWayAtARestartIsRedoneWithTheSameEphemeralContainer() throws Exception {
    BreakpointBook b1 = new BreakpointBook(engine, clock);
    HoldBook h1 = new HoldBook(engine, clock);
    RunRef kaniko = run("build-kaniko", "u4", Map.of());
    BreakpointKey key = new BreakpointKey("ci", "build-kaniko", "test");
    b1.onEvent(reached(kaniko));
    b1.onEvent(command(kaniko, "test", "c-shellless"));
    Action.AddReleaseContainer before =
        (Action.AddReleaseContainer)
            b1.onExecResult(new ExecOutcome(key, "c-shellless", 127, "sh: not found")).get(1);
    // The engine dies before the container's result is known.

    RootState restored = roundTrip(b1, h1);
    BreakpointBook b2 = new BreakpointBook(engine, clock);
    restored.breakpoints().forEach(b2::restore);
    assertThat(b2.waiting()).extracting(bp -> bp.key()).containsExactly(key);
    // The command is replayed: the exec fails again and the same container is asked for, which
    // the adapter finds already added (a no-op), so the step is released once.
    b2.onEvent(command(kaniko, "test", "c-shellless"));
    List<Action> again = b2.onExecResult(new ExecOutcome(key, "c-shellless", 127, "sh: not found"));
    assertThat(again.get(1)).isEqualTo(before);
    b2.onEphemeralResult(
        new dev.pitstop.engine.breakpoint.EphemeralOutcome(
            key, "c-shellless", before.name(), null));

    RootState after = roundTrip(b2, new HoldBook(engine, clock));
    BreakpointBook b3 = new BreakpointBook(engine, clock);
    after.breakpoints().forEach(b3::restore);
    assertThat(b3.waiting()).isEmpty();
    assertThat(b3.onEvent(command(kaniko, "test", "c-shellless"))).isEmpty();
    assertThat(b3.outcome("c-shellless").orElseThrow().status().json()).isEqualTo("continued");
  }

  @Test
  void droppingAPartitionsRootsForgetsTheirBreakpointsAndHoldsButNotOtherRootsNorOutcomes() {
    BreakpointBook b = new BreakpointBook(engine, clock);
    HoldBook h = new HoldBook(engine, clock);
    RunRef mine = run("build-compile", "u1", Map.of());
    RunRef other =
        new RunRef(
            RunRef.TASK_RUN,
            "ci",
            "solo",
            "u9",
            null,
            null,
            null,
            null,
            null,
            0,
            Map.of(),
            Map.of());
    RunRef held = run("build-deploy", "u2", Map.of("pitstop.dev/held-by", "beforeTasks:deploy"));
    b.onEvent(reached(mine));
    b.onEvent(reached(other));
    h.onEvent(watcher.create(EventType.TASKRUN_PENDING, new RunPending(held, T0, null), T0));
    b.onEvent(command(other, "test", "c-other"));
    b.onExecResult(new ExecOutcome(new BreakpointKey("ci", "solo", "test"), "c-other", 0, ""));

    assertThat(b.dropRoots("root"::equals)).isEqualTo(1);
    assertThat(h.dropRoots("root"::equals)).isEqualTo(1);

    assertThat(b.ofRoot("root")).isEmpty();
    assertThat(h.ofRoot("root")).isEmpty();
    assertThat(h.waiting()).isEmpty();
    assertThat(b.ofRoot("u9"))
        .singleElement()
        .satisfies(bp -> assertThat(bp.run()).isEqualTo(other));
    assertThat(b.outcome("c-other")).isPresent();
    // A command for a dropped run is not carried out here: its new owner decides it.
    assertThat(b.onEvent(command(mine, "test", "c-mine"))).noneMatch(a -> a instanceof Action.Exec);
  }

  @Test
  void partitionOfIsThePartitionKafkasProducerPicksForTheRootUid() {
    java.util.Random random = new java.util.Random(20261121L);
    for (int i = 0; i < 2_000; i++) {
      String uid = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
      int n = 1 + random.nextInt(64);
      assertThat(StateTopic.partitionOf(uid, n))
          .as(uid + " of " + n)
          .isEqualTo(
              org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
                  uid.getBytes(java.nio.charset.StandardCharsets.UTF_8), n));
    }
  }
}
