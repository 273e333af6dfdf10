package dev.pitstop.notifier;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import java.util.Map;
import java.util.UUID;

/** Sample events of another run (fresh UIDs) with chosen namespace and annotations. */
public final class TestEvents {
  private TestEvents() {}

  /**
   * The sample event of {@code type}, for a new run in {@code namespace} with these annotations.
   */
  public static PitstopEvent of(
      EventType type, String namespace, Map<String, String> annotations, String rootUid) {
    PitstopEvent sample = SampleEvents.of(type);
    RunRef r = sample.data().run();
    String uid = r.pipelineRunUid() != null ? UUID.randomUUID().toString() : rootUid;
    RunRef run =
        new RunRef(
            r.kind(),
            namespace,
            r.name(),
            uid,
            r.pipelineRun(),
            r.pipelineRunUid() == null ? null : rootUid,
            r.pipeline(),
            r.pipelineTask(),
            r.task(),
            r.retry(),
            r.labels(),
            annotations);
    EventData d = sample.data();
    EventData data;
    if (d instanceof BreakpointPaused b) {
      data =
          new BreakpointPaused(
              run,
              b.step(),
              b.mechanism(),
              b.pausedAt(),
              b.decidedAt(),
              b.logTail(),
              b.deadline(),
              b.exec());
    } else if (d instanceof BreakpointContinued b) {
      data =
          new BreakpointContinued(
              run,
              b.step(),
              b.mechanism(),
              b.action(),
              b.by(),
              b.via(),
              b.pausedAt(),
              b.decidedAt());
    } else if (d instanceof BreakpointEnded b) {
      data =
          new BreakpointEnded(
              run, b.step(), b.mechanism(), b.reason(), b.pausedAt(), b.decidedAt());
    } else if (d instanceof RunFinished f) {
      data =
          new RunFinished(
              run,
              f.succeeded(),
              f.reason(),
              f.message(),
              f.startTime(),
              f.completionTime(),
              f.skippedTasks());
    } else {
      throw new IllegalArgumentException("no test copy for " + type);
    }
    return new EventFactory("sandbox", "test").create(type, data, sample.time());
  }

  /** A failed finish of the sample PipelineRun, in a new run. */
  public static PitstopEvent failedFinish(String namespace, String rootUid) {
    PitstopEvent ok = of(EventType.PIPELINERUN_FINISHED, namespace, Map.of(), rootUid);
    RunFinished f = ok.data(RunFinished.class);
    return new EventFactory("sandbox", "test")
        .create(
            EventType.PIPELINERUN_FINISHED,
            new RunFinished(
                f.run(),
                "False",
                "Failed",
                "Tasks Completed: 1 (Failed: 1)",
                f.startTime(),
                f.completionTime(),
                f.skippedTasks()),
            ok.time());
  }
}
