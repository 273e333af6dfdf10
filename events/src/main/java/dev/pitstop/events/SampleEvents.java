package dev.pitstop.events;

import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.DeliveryResult;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.data.HoldEnded;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.PodContainer;
import dev.pitstop.events.data.PodInitialized;
import dev.pitstop.events.data.PodReady;
import dev.pitstop.events.data.PodScheduled;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.SkippedTask;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.events.data.StepStarted;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One canonical, realistic event of every type: round-tripped by the tests of every codec and
 * printed as the examples of {@code docs/events.md}. A PipelineRun {@code build-x7k2p} in namespace
 * {@code ci} whose {@code compile} task fails its {@code test} step, pauses, and is continued.
 */
public final class SampleEvents {
  public static final String PIPELINE_RUN_UID = "6f1c1f4e-58f5-4c0b-9d7e-0c1a2b3c4d5e";
  public static final String TASK_RUN_UID = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d";

  public static final RunRef PIPELINE_RUN =
      new RunRef(
          RunRef.PIPELINE_RUN,
          "ci",
          "build-x7k2p",
          PIPELINE_RUN_UID,
          null,
          null,
          "build",
          null,
          null,
          0,
          Map.of("app", "shop"),
          Map.of());
  public static final RunRef TASK_RUN =
      new RunRef(
          RunRef.TASK_RUN,
          "ci",
          "build-x7k2p-compile",
          TASK_RUN_UID,
          "build-x7k2p",
          PIPELINE_RUN_UID,
          "build",
          "compile",
          "maven",
          0,
          Map.of("app", "shop"),
          Map.of());
  public static final StepRef STEP = new StepRef("test", 1, "step-test", "build-x7k2p-compile-pod");

  private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  private SampleEvents() {}

  /** The sample data of every type. */
  public static Map<EventType, EventData> data() {
    Map<EventType, EventData> m = new EnumMap<>(EventType.class);
    m.put(EventType.PIPELINERUN_STARTED, new RunStarted(PIPELINE_RUN, T0, null));
    m.put(
        EventType.PIPELINERUN_FINISHED,
        new RunFinished(
            PIPELINE_RUN,
            "True",
            "Completed",
            "Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 1",
            T0,
            t(95),
            List.of(new SkippedTask("deploy", "When Expressions evaluated to false"))));
    m.put(EventType.TASKRUN_STARTED, new RunStarted(TASK_RUN, t(1), "build-x7k2p-compile-pod"));
    m.put(
        EventType.TASKRUN_FINISHED,
        new RunFinished(
            TASK_RUN,
            "True",
            "Succeeded",
            "All Steps have completed executing",
            t(1),
            t(90),
            List.of()));
    m.put(EventType.STEP_STARTED, new StepStarted(TASK_RUN, STEP, t(12)));
    m.put(
        EventType.STEP_FINISHED,
        new StepFinished(TASK_RUN, STEP, 0, "Completed", t(12), t(89), null));
    List<String> tail =
        List.of("[ERROR] Tests run: 42, Failures: 1", "[ERROR] ShopTest.checkout:17 expected 3");
    m.put(
        EventType.STEP_BREAKPOINT_REACHED,
        new BreakpointReached(TASK_RUN, STEP, Mechanism.ON_FAILURE, t(30), tail, t(3601)));
    m.put(
        EventType.BREAKPOINT_PAUSED,
        new BreakpointPaused(
            TASK_RUN,
            STEP,
            Mechanism.ON_FAILURE,
            t(30),
            t(30),
            tail,
            t(3601),
            "kubectl exec -it -n ci build-x7k2p-compile-pod -c step-test -- sh"));
    Identity alice = new Identity("alice@example.com", List.of("developers"));
    m.put(
        EventType.BREAKPOINT_CONTINUED,
        new BreakpointContinued(
            TASK_RUN,
            STEP,
            Mechanism.ON_FAILURE,
            Action.CONTINUE,
            alice,
            "api",
            t(30),
            t(80),
            BreakpointContinued.EXEC,
            "step-test",
            "7d3c0a52-5b8e-4f6e-a1d2-3c4b5a697887"));
    m.put(
        EventType.BREAKPOINT_ENDED,
        new BreakpointEnded(
            TASK_RUN, STEP, Mechanism.ON_FAILURE, "TaskRunTimeout", t(30), t(3601)));
    Command cont =
        new Command(
            TASK_RUN,
            "test",
            Action.CONTINUE,
            alice,
            "api",
            t(79),
            "7d3c0a52-5b8e-4f6e-a1d2-3c4b5a697887");
    m.put(EventType.COMMAND_CONTINUE, cont);
    m.put(
        EventType.COMMAND_FAIL_CONTINUE,
        new Command(
            TASK_RUN,
            "test",
            Action.FAIL_CONTINUE,
            new Identity(
                "alice@example.com",
                List.of("developers"),
                Map.of(Identity.SLACK_USER_ID, "U024BE7LH", Identity.SLACK_TEAM_ID, "T024BE7LD")),
            "slack",
            t(79),
            "0e9d8c7b-6a5f-4e3d-b2c1-a09f8e7d6c5b"));
    m.put(
        EventType.COMMAND_REJECTED,
        new CommandRejected(
            cont,
            CommandRejected.NOT_PAUSED,
            "ci/build-x7k2p-compile step test is not paused (continued by alice@example.com)",
            t(81)));
    RunRef held =
        new RunRef(
            RunRef.TASK_RUN,
            "ci",
            "build-x7k2p-deploy",
            "c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f",
            "build-x7k2p",
            PIPELINE_RUN_UID,
            "build",
            "deploy",
            null,
            0,
            Map.of("app", "shop"),
            Map.of("pitstop.dev/held-by", "afterTasks:compile"));
    m.put(
        EventType.TASKRUN_PENDING,
        new RunPending(held, t(91), "TaskRun \"build-x7k2p-deploy\" is pending"));
    m.put(
        EventType.HOLD_HELD,
        new HoldHeld(held, "afterTasks", "afterTasks: [compile]", t(91), t(91)));
    m.put(
        EventType.HOLD_RELEASED,
        new HoldReleased(
            held,
            Action.CONTINUE,
            alice,
            "cli",
            t(91),
            t(120),
            "5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c"));
    m.put(EventType.HOLD_ENDED, new HoldEnded(held, "PipelineRunTimeout", t(91), t(3600)));
    m.put(
        EventType.BREAKPOINT_WARNING,
        new BreakpointWarning(
            PIPELINE_RUN,
            BreakpointWarning.TIMEOUT_AHEAD,
            "ci/build-x7k2p-deploy is held and the PipelineRun times out in 5m; at the deadline"
                + " policy leave does nothing",
            t(3600),
            t(3300)));
    String pod = "build-x7k2p-compile-pod";
    m.put(EventType.POD_SCHEDULED, new PodScheduled(TASK_RUN, pod, t(2), t(3), "node-1"));
    m.put(
        EventType.POD_INITIALIZED,
        new PodInitialized(
            TASK_RUN,
            pod,
            t(6),
            List.of(
                new PodContainer("prepare", t(4), t(5), 0, "Completed"),
                new PodContainer("place-scripts", t(5), t(6), 0, "Completed"))));
    m.put(
        EventType.POD_READY,
        new PodReady(
            TASK_RUN, pod, t(6), t(9), List.of("sidecar-db"), List.of("ContainerCreating")));
    String pausedId =
        EventFactory.idOf(EventType.BREAKPOINT_PAUSED, m.get(EventType.BREAKPOINT_PAUSED));
    m.put(
        EventType.DELIVERY_DELIVERED,
        new DeliveryResult(
            TASK_RUN,
            pausedId,
            EventType.BREAKPOINT_PAUSED.type(),
            "https://hooks.example.com/pitstop",
            2,
            204,
            null,
            t(32)));
    m.put(
        EventType.DELIVERY_FAILED,
        new DeliveryResult(
            TASK_RUN,
            pausedId,
            EventType.BREAKPOINT_PAUSED.type(),
            "https://hooks.example.com/pitstop",
            1,
            503,
            "HTTP 503: upstream unavailable",
            t(31)));
    m.put(
        EventType.DELIVERY_DEADLETTERED,
        new DeliveryResult(
            TASK_RUN,
            pausedId,
            EventType.BREAKPOINT_PAUSED.type(),
            "https://hooks.example.com/pitstop",
            5,
            503,
            "HTTP 503: upstream unavailable (gave up after 5 attempts)",
            t(62)));
    return m;
  }

  /** The sample event of a type, as the service that emits it would build it. */
  public static PitstopEvent of(EventType type) {
    String service =
        switch (type.topicKind()) {
          case OBSERVATIONS -> "watcher";
          case COMMANDS -> "breakpoint-engine-api";
          default ->
              type.type().startsWith("dev.pitstop.delivery.") ? "notifier" : "breakpoint-engine";
        };
    EventData d = data().get(type);
    return new EventFactory("prod-eu", service).create(type, d, timeOf(d));
  }

  private static Instant timeOf(EventData d) {
    if (d instanceof RunStarted s) {
      return s.startTime();
    } else if (d instanceof RunFinished f) {
      return f.completionTime();
    } else if (d instanceof StepStarted s) {
      return s.startedAt();
    } else if (d instanceof StepFinished s) {
      return s.finishedAt();
    } else if (d instanceof BreakpointReached b) {
      return b.reachedAt();
    } else if (d instanceof BreakpointPaused p) {
      return p.decidedAt();
    } else if (d instanceof BreakpointContinued c) {
      return c.decidedAt();
    } else if (d instanceof BreakpointEnded e) {
      return e.decidedAt();
    } else if (d instanceof Command c) {
      return c.requestedAt();
    } else if (d instanceof CommandRejected r) {
      return r.decidedAt();
    } else if (d instanceof RunPending p) {
      return p.createdAt();
    } else if (d instanceof HoldHeld h) {
      return h.decidedAt();
    } else if (d instanceof HoldReleased h) {
      return h.decidedAt();
    } else if (d instanceof HoldEnded h) {
      return h.decidedAt();
    } else if (d instanceof BreakpointWarning w) {
      return w.decidedAt();
    } else if (d instanceof PodScheduled p) {
      return p.scheduledAt();
    } else if (d instanceof PodInitialized p) {
      return p.initializedAt();
    } else if (d instanceof PodReady p) {
      return p.readyAt();
    } else if (d instanceof DeliveryResult r) {
      return r.at();
    }
    throw new IllegalArgumentException("no sample time for " + d);
  }

  private static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }
}
