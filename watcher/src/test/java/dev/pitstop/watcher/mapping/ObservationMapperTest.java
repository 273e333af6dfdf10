package dev.pitstop.watcher.mapping;

import static dev.pitstop.watcher.mapping.Runs.condition;
import static dev.pitstop.watcher.mapping.Runs.running;
import static dev.pitstop.watcher.mapping.Runs.steps;
import static dev.pitstop.watcher.mapping.Runs.terminated;
import static dev.pitstop.watcher.mapping.Runs.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.events.data.SkippedTask;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepStarted;
import dev.pitstop.tekton.model.Breakpoints;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunDebug;
import dev.pitstop.tekton.model.TaskRunStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservationMapperTest {
  private final ObservationMapper mapper = Runs.mapper();

  private static TaskRun copy(TaskRun tr) {
    return Serialization.clone(tr);
  }

  private static TaskRun started() {
    TaskRun tr = Runs.taskRun("build-x7k2p", "uid-1");
    tr.getStatus().startTime = "2026-11-21T09:00:00Z";
    tr.getStatus().podName = "build-x7k2p-pod";
    tr.getStatus()
        .conditions
        .add(condition("Unknown", "Running", "Not all Steps", "2026-11-21T09:00:00Z"));
    return tr;
  }

  @Test
  void aTaskRunDeletedBeforeItFinishedIsObservedAsFinishedWithReasonDeleted() {
    TaskRun tr = started();
    Instant seen = Instant.parse("2026-11-21T09:05:00Z");

    List<PitstopEvent> events = mapper.taskRunDeleted(tr, seen);

    assertThat(events).extracting(PitstopEvent::type).containsExactly(EventType.TASKRUN_FINISHED);
    RunFinished f = events.get(0).data(RunFinished.class);
    assertThat(f.succeeded()).isEqualTo("Unknown");
    assertThat(f.reason()).isEqualTo(ObservationMapper.DELETED);
    assertThat(f.completionTime()).isEqualTo(seen);
    tr.getMetadata().setDeletionTimestamp("2026-11-21T09:04:59Z");
    assertThat(mapper.taskRunDeleted(tr, seen).get(0).time())
        .as("the cluster's deletion time wins")
        .isEqualTo(Instant.parse("2026-11-21T09:04:59Z"));
  }

  @Test
  void deletingAFinishedRunObservesNothingNew() {
    TaskRun tr = started();
    tr.getStatus().conditions.clear();
    tr.getStatus()
        .conditions
        .add(
            condition(
                "True", "Succeeded", "All Steps have completed executing", "2026-11-21T09:01:00Z"));
    assertThat(mapper.taskRunDeleted(tr, Instant.parse("2026-11-21T09:05:00Z"))).isEmpty();
    PipelineRun pr = Runs.pipelineRun("build", "uid-p");
    pr.getStatus().startTime = "2026-11-21T09:00:00Z";
    assertThat(mapper.pipelineRunDeleted(pr, Instant.parse("2026-11-21T09:05:00Z")))
        .extracting(e -> e.data(RunFinished.class).reason())
        .containsExactly(ObservationMapper.DELETED);
  }

  @Test
  void taskRunStartsWhenStartTimeAppears() {
    TaskRun before = Runs.taskRun("build-x7k2p", "uid-1");
    TaskRun after = started();

    List<PitstopEvent> events = mapper.taskRun(before, after);

    assertThat(events).extracting(PitstopEvent::type).containsExactly(EventType.TASKRUN_STARTED);
    PitstopEvent e = events.get(0);
    assertThat(e.time()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
    assertThat(e.subject()).isEqualTo("ci/taskruns/build-x7k2p");
    assertThat(e.data(RunStarted.class).podName()).isEqualTo("build-x7k2p-pod");
    assertThat(mapper.taskRun(after, copy(after))).isEmpty();
  }

  @Test
  void firstStepStartsWhenItsContainerRunsAndNextStepWhenThePreviousEnds() {
    TaskRun a = started();
    a.getStatus().steps = steps(waiting("compile"), waiting("test"));
    TaskRun b = copy(a);
    b.getStatus().steps =
        steps(running("compile", "2026-11-21T09:00:03Z"), running("test", "2026-11-21T09:00:03Z"));
    TaskRun c = copy(b);
    c.getStatus().steps =
        steps(
            terminated("compile", 0, "Completed", "2026-11-21T09:00:04Z", "2026-11-21T09:00:09Z"),
            running("test", "2026-11-21T09:00:03Z"));

    assertThat(mapper.taskRun(started(), a)).isEmpty();
    List<PitstopEvent> ab = mapper.taskRun(a, b);
    assertThat(ab)
        .extracting(PitstopEvent::type, PitstopEvent::subject, PitstopEvent::time)
        .containsExactly(
            tuple(
                EventType.STEP_STARTED,
                "ci/taskruns/build-x7k2p/steps/compile",
                Instant.parse("2026-11-21T09:00:03Z")));
    List<PitstopEvent> bc = mapper.taskRun(b, c);
    assertThat(bc)
        .extracting(PitstopEvent::type, PitstopEvent::subject, PitstopEvent::time)
        .containsExactly(
            tuple(
                EventType.STEP_FINISHED,
                "ci/taskruns/build-x7k2p/steps/compile",
                Instant.parse("2026-11-21T09:00:09Z")),
            tuple(
                EventType.STEP_STARTED,
                "ci/taskruns/build-x7k2p/steps/test",
                Instant.parse("2026-11-21T09:00:09Z")));
    StepFinished f = bc.get(0).data(StepFinished.class);
    assertThat(f.exitCode()).isZero();
    assertThat(f.terminationReason()).isEqualTo("Completed");
    assertThat(f.startedAt()).isEqualTo(Instant.parse("2026-11-21T09:00:04Z"));
    assertThat(f.step().index()).isZero();
    assertThat(f.step().container()).isEqualTo("step-compile");
    assertThat(f.step().pod()).isEqualTo("build-x7k2p-pod");
    assertThat(bc.get(1).data(StepStarted.class).step().index()).isEqualTo(1);
  }

  @Test
  void taskRunFinishesWithTektonsReasonMessageAndCompletionTime() {
    TaskRun a = started();
    a.getStatus().steps = steps(running("only", "2026-11-21T09:00:02Z"));
    TaskRun b = copy(a);
    b.getStatus().steps =
        steps(terminated("only", 1, "Error", "2026-11-21T09:00:02Z", "2026-11-21T09:00:05Z"));
    b.getStatus().conditions =
        new ArrayList<>(
            List.of(
                condition(
                    "False",
                    "Failed",
                    "\"step-only\" exited with code 1",
                    "2026-11-21T09:00:06Z")));
    b.getStatus().completionTime = "2026-11-21T09:00:06Z";

    List<PitstopEvent> events = mapper.taskRun(a, b);

    assertThat(events)
        .extracting(PitstopEvent::type)
        .containsExactly(EventType.STEP_FINISHED, EventType.TASKRUN_FINISHED);
    RunFinished f = events.get(1).data(RunFinished.class);
    assertThat(f.succeeded()).isEqualTo("False");
    assertThat(f.reason()).isEqualTo("Failed");
    assertThat(f.message()).isEqualTo("\"step-only\" exited with code 1");
    assertThat(f.startTime()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
    assertThat(f.completionTime()).isEqualTo(Instant.parse("2026-11-21T09:00:06Z"));
    assertThat(events.get(1).time()).isEqualTo(Instant.parse("2026-11-21T09:00:06Z"));
    assertThat(events.get(0).data(StepFinished.class).exitCode()).isEqualTo(1);
    assertThat(events.get(0).data(StepFinished.class).terminationReason()).isEqualTo("Error");
  }

  @Test
  void finishedWithoutCompletionTimeUsesTheConditionsTransitionTime() {
    TaskRun tr = Runs.taskRun("never-ran", "uid-2");
    tr.getStatus()
        .conditions
        .add(condition("False", "TaskRunValidationFailed", "bad", "2026-11-21T09:00:01Z"));

    List<PitstopEvent> events = mapper.taskRun(null, tr);

    assertThat(events).extracting(PitstopEvent::type).containsExactly(EventType.TASKRUN_FINISHED);
    assertThat(events.get(0).time()).isEqualTo(Instant.parse("2026-11-21T09:00:01Z"));
    assertThat(events.get(0).data(RunFinished.class).startTime()).isNull();
  }

  @Test
  void relistEmitsEveryObservationWithTheIdsOfTheIncrementalPath() {
    TaskRun a = started();
    a.getStatus().steps =
        steps(running("compile", "2026-11-21T09:00:03Z"), running("test", "2026-11-21T09:00:03Z"));
    TaskRun b = copy(a);
    b.getStatus().steps =
        steps(
            terminated("compile", 0, "Completed", "2026-11-21T09:00:04Z", "2026-11-21T09:00:09Z"),
            terminated("test", 0, "Completed", "2026-11-21T09:00:10Z", "2026-11-21T09:00:12Z"));
    b.getStatus().conditions =
        new ArrayList<>(
            List.of(
                condition(
                    "True",
                    "Succeeded",
                    "All Steps have completed executing",
                    "2026-11-21T09:00:13Z")));
    b.getMetadata().setResourceVersion("7");

    List<PitstopEvent> incremental =
        new ArrayList<>(mapper.taskRun(null, Runs.taskRun("build-x7k2p", "uid-1")));
    incremental.addAll(mapper.taskRun(Runs.taskRun("build-x7k2p", "uid-1"), a));
    incremental.addAll(mapper.taskRun(a, b));
    List<PitstopEvent> relist = mapper.taskRun(null, b);

    assertThat(relist)
        .extracting(PitstopEvent::id)
        .containsExactlyElementsOf(incremental.stream().map(PitstopEvent::id).toList());
    assertThat(relist)
        .extracting(PitstopEvent::type)
        .containsExactly(
            EventType.TASKRUN_STARTED,
            EventType.STEP_STARTED,
            EventType.STEP_FINISHED,
            EventType.STEP_STARTED,
            EventType.STEP_FINISHED,
            EventType.TASKRUN_FINISHED);
    assertThat(relist).extracting(PitstopEvent::partitionKey).containsOnly("uid-1");
  }

  @Test
  void idsDoNotDependOnResourceVersionOrMapperInstance() {
    TaskRun a = started();
    TaskRun b = copy(a);
    b.getMetadata().setResourceVersion("999");
    assertThat(Runs.mapper().taskRun(null, b).get(0).id())
        .isEqualTo(mapper.taskRun(null, a).get(0).id());
  }

  @Test
  void readsTimesWithAndWithoutFractions() {
    TaskRun tr = started();
    tr.getStatus().startTime = "2026-11-21T09:00:00.250Z";
    tr.getStatus().steps =
        steps(
            terminated(
                "a",
                0,
                "Completed",
                "2026-11-21T10:00:01+01:00",
                "2026-11-21T09:00:02.123456789Z"));

    List<PitstopEvent> events = mapper.taskRun(null, tr);

    assertThat(events.get(0).time()).isEqualTo(Instant.parse("2026-11-21T09:00:00.250Z"));
    StepFinished f = events.get(2).data(StepFinished.class);
    assertThat(f.startedAt()).isEqualTo(Instant.parse("2026-11-21T09:00:01Z"));
    assertThat(f.finishedAt()).isEqualTo(Instant.parse("2026-11-21T09:00:02.123456789Z"));
    // step 0 first seen terminated: its start is the command's start
    assertThat(events.get(1).data(StepStarted.class).startedAt())
        .isEqualTo(Instant.parse("2026-11-21T09:00:01Z"));
  }

  @Test
  void unnamedStepsAreNamedAsTektonNamesThem() {
    TaskRun tr = started();
    var first =
        terminated("unnamed-0", 0, "Completed", "2026-11-21T09:00:01Z", "2026-11-21T09:00:02Z");
    first.name = null; // only the container is known
    var second = running("unnamed-1", "2026-11-21T09:00:01Z");
    second.name = "";
    second.container = null; // nothing known: by index
    tr.getStatus().steps = steps(first, second);

    List<PitstopEvent> events = mapper.taskRun(null, tr);

    assertThat(events)
        .extracting(PitstopEvent::type, PitstopEvent::subject)
        .containsExactly(
            tuple(EventType.TASKRUN_STARTED, "ci/taskruns/build-x7k2p"),
            tuple(EventType.STEP_STARTED, "ci/taskruns/build-x7k2p/steps/unnamed-0"),
            tuple(EventType.STEP_FINISHED, "ci/taskruns/build-x7k2p/steps/unnamed-0"),
            tuple(EventType.STEP_STARTED, "ci/taskruns/build-x7k2p/steps/unnamed-1"));
    assertThat(events.get(3).data(StepStarted.class).step().container())
        .isEqualTo("step-unnamed-1");
  }

  @Test
  void aFailedStepWithOnErrorContinueIsReportedAsContinuedAndTheNextStepStarts() {
    TaskRun tr = started();
    tr.getStatus().steps =
        steps(
            terminated("lint", 1, "Continued", "2026-11-21T09:00:01Z", "2026-11-21T09:00:02Z"),
            running("build", "2026-11-21T09:00:01Z"));

    List<PitstopEvent> events = mapper.taskRun(null, tr);

    StepFinished lint = events.get(2).data(StepFinished.class);
    assertThat(lint.exitCode()).isEqualTo(1);
    assertThat(lint.terminationReason()).isEqualTo("Continued");
    assertThat(events.get(3).type()).isEqualTo(EventType.STEP_STARTED);
    assertThat(events.get(3).subject()).endsWith("/steps/build");
  }

  @Test
  void eachAttemptOfARetriedTaskRunHasItsOwnIdsAndStaleStepsAreIgnored() {
    TaskRun first = started();
    first.getStatus().steps =
        steps(terminated("a", 1, "Error", "2026-11-21T09:00:01Z", "2026-11-21T09:00:02Z"));
    first.getStatus().conditions =
        new ArrayList<>(List.of(condition("False", "Failed", "boom", "2026-11-21T09:00:03Z")));
    first.getStatus().completionTime = "2026-11-21T09:00:03Z";

    // Tekton's retryTaskRun: the attempt moves to retriesStatus, start/completion/pod reset,
    // step entries left as they were until the new Pod reports.
    TaskRun retried = copy(first);
    TaskRunStatus previous = copy(first).getStatus();
    retried.getStatus().retriesStatus = new ArrayList<>(List.of(previous));
    retried.getStatus().startTime = null;
    retried.getStatus().completionTime = null;
    retried.getStatus().podName = "";
    retried.getStatus().conditions =
        new ArrayList<>(
            List.of(condition("Unknown", "ToBeRetried", "boom", "2026-11-21T09:00:03Z")));

    TaskRun second = copy(retried);
    second.getStatus().startTime = "2026-11-21T09:00:05Z";
    second.getStatus().podName = "build-x7k2p-pod-retry1";

    TaskRun secondRuns = copy(second);
    secondRuns.getStatus().steps = steps(running("a", "2026-11-21T09:00:07Z"));

    assertThat(mapper.taskRun(first, retried)).isEmpty(); // nothing new: the attempt was seen
    assertThat(mapper.taskRun(retried, second))
        .extracting(PitstopEvent::type)
        .containsExactly(EventType.TASKRUN_STARTED);
    List<PitstopEvent> running = mapper.taskRun(second, secondRuns);
    assertThat(running).extracting(PitstopEvent::type).containsExactly(EventType.STEP_STARTED);
    assertThat(running.get(0).data(StepStarted.class).run().retry()).isEqualTo(1);
    assertThat(running.get(0).data(StepStarted.class).step().pod())
        .isEqualTo("build-x7k2p-pod-retry1");

    List<PitstopEvent> relist = mapper.taskRun(null, secondRuns);
    assertThat(relist)
        .extracting(e -> e.data().run().retry(), PitstopEvent::type)
        .containsExactly(
            tuple(0, EventType.TASKRUN_STARTED),
            tuple(0, EventType.STEP_STARTED),
            tuple(0, EventType.STEP_FINISHED),
            tuple(0, EventType.TASKRUN_FINISHED),
            tuple(1, EventType.TASKRUN_STARTED),
            tuple(1, EventType.STEP_STARTED));
    assertThat(relist.get(1).id()).isNotEqualTo(relist.get(5).id());
  }

  @Test
  void runRefCarriesTektonsLabelsAndOnlyAllowedBoundedMetadata() {
    Map<String, String> labels = new HashMap<>();
    labels.put("tekton.dev/pipelineRun", "release-abc");
    labels.put("tekton.dev/pipelineRunUID", "pr-uid");
    labels.put("tekton.dev/pipeline", "release");
    labels.put("tekton.dev/pipelineTask", "build");
    labels.put("tekton.dev/task", "kaniko");
    labels.put("app.kubernetes.io/version", "x".repeat(300));
    labels.put("team", "payments");
    for (int i = 0; i < 100; i++) {
      labels.put("tekton.dev/extra-" + String.format("%03d", i), "v");
    }
    TaskRun tr = Runs.taskRun("release-abc-build", "tr-uid", labels);
    tr.getMetadata()
        .setAnnotations(
            Map.of("pitstop.dev/notify", "slack:#ci", "kubectl.kubernetes.io/last-applied", "{}"));
    tr.getStatus().startTime = "2026-11-21T09:00:00Z";

    PitstopEvent e = mapper.taskRun(null, tr).get(0);
    RunRef run = e.data().run();

    assertThat(run.kind()).isEqualTo("TaskRun");
    assertThat(run.pipelineRun()).isEqualTo("release-abc");
    assertThat(run.pipelineRunUid()).isEqualTo("pr-uid");
    assertThat(run.pipeline()).isEqualTo("release");
    assertThat(run.pipelineTask()).isEqualTo("build");
    assertThat(run.task()).isEqualTo("kaniko");
    assertThat(run.retry()).isZero();
    assertThat(e.partitionKey()).isEqualTo("pr-uid");
    assertThat(run.labels()).hasSize(Allowlist.MAX_ENTRIES).doesNotContainKey("team");
    assertThat(run.labels().get("app.kubernetes.io/version")).hasSize(Allowlist.MAX_VALUE);
    assertThat(run.annotations()).containsOnly(Map.entry("pitstop.dev/notify", "slack:#ci"));
  }

  @Test
  void pipelineRunStartsAndFinishesWithSkippedTasks() {
    PipelineRun a = Runs.pipelineRun("release-abc", "pr-uid");
    PipelineRun b = Serialization.clone(a);
    b.getStatus().startTime = "2026-11-21T09:00:00Z";
    b.getStatus()
        .conditions
        .add(condition("Unknown", "Running", "Tasks Completed: 0", "2026-11-21T09:00:00Z"));
    PipelineRun c = Serialization.clone(b);
    var skipped = new dev.pitstop.tekton.model.SkippedTask();
    skipped.name = "deploy";
    skipped.reason = "When Expressions evaluated to false";
    c.getStatus().skippedTasks.add(skipped);
    c.getStatus().conditions =
        new ArrayList<>(
            List.of(
                condition(
                    "True",
                    "Completed",
                    "Tasks Completed: 1, Skipped: 1",
                    "2026-11-21T09:01:00Z")));
    c.getStatus().completionTime = "2026-11-21T09:01:00Z";

    assertThat(mapper.pipelineRun(null, a)).isEmpty();
    List<PitstopEvent> started = mapper.pipelineRun(a, b);
    List<PitstopEvent> finished = mapper.pipelineRun(b, c);

    assertThat(started)
        .extracting(PitstopEvent::type, PitstopEvent::subject, PitstopEvent::time)
        .containsExactly(
            tuple(
                EventType.PIPELINERUN_STARTED,
                "ci/pipelineruns/release-abc",
                Instant.parse("2026-11-21T09:00:00Z")));
    assertThat(finished)
        .extracting(PitstopEvent::type)
        .containsExactly(EventType.PIPELINERUN_FINISHED);
    RunFinished f = finished.get(0).data(RunFinished.class);
    assertThat(f.reason()).isEqualTo("Completed");
    assertThat(f.isSuccess()).isTrue();
    assertThat(f.skippedTasks())
        .containsExactly(new SkippedTask("deploy", "When Expressions evaluated to false"));
    assertThat(f.run().pipeline()).isEqualTo("build");
    assertThat(finished.get(0).partitionKey()).isEqualTo("pr-uid");
    assertThat(mapper.pipelineRun(null, c))
        .extracting(PitstopEvent::id)
        .containsExactly(started.get(0).id(), finished.get(0).id());
  }

  @Test
  void breakpointReachedCarriesMarkerTimeTailAndDeadline() {
    TaskRun tr = started();
    tr.getSpec().debug = new TaskRunDebug();
    tr.getSpec().debug.breakpoints = new Breakpoints();
    tr.getSpec().debug.breakpoints.onFailure = "enabled";
    tr.getSpec().timeout = "1h30m0s";
    tr.getStatus().steps = steps(running("compile", "2026-11-21T09:00:03Z"));
    BreakpointMarker marker =
        new BreakpointMarker(
            Mechanism.ON_FAILURE, Instant.parse("2026-11-21T09:00:07.5Z"), List.of("error: x"));

    PitstopEvent e = mapper.breakpointReached(tr, "build-x7k2p-pod", "step-compile", marker);
    PitstopEvent again =
        Runs.mapper().breakpointReached(copy(tr), "build-x7k2p-pod", "step-compile", marker);

    assertThat(e.type()).isEqualTo(EventType.STEP_BREAKPOINT_REACHED);
    assertThat(e.time()).isEqualTo(Instant.parse("2026-11-21T09:00:07.5Z"));
    assertThat(e.subject()).isEqualTo("ci/taskruns/build-x7k2p/steps/compile");
    assertThat(e.id()).isEqualTo(again.id());
    BreakpointReached b = e.data(BreakpointReached.class);
    assertThat(b.mechanism()).isEqualTo(Mechanism.ON_FAILURE);
    assertThat(b.logTail()).containsExactly("error: x");
    assertThat(b.deadline()).isEqualTo(Instant.parse("2026-11-21T10:30:00Z"));
    assertThat(b.step().index()).isZero();
    assertThat(b.step().container()).isEqualTo("step-compile");
    PitstopEvent before =
        mapper.breakpointReached(
            tr,
            "build-x7k2p-pod",
            "step-compile",
            new BreakpointMarker(Mechanism.BEFORE_STEPS, marker.at(), List.of()));
    assertThat(before.id()).isNotEqualTo(e.id());
  }

  @Test
  void deadlineIsStartPlusGoDurationTimeoutDefaultingToAnHour() {
    assertThat(ObservationMapper.deadline("2026-11-21T09:00:00Z", null))
        .isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
    assertThat(ObservationMapper.deadline("2026-11-21T09:00:00Z", "1h0m0s"))
        .isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
    assertThat(ObservationMapper.deadline("2026-11-21T09:00:00Z", "90s"))
        .isEqualTo(Instant.parse("2026-11-21T09:01:30Z"));
    assertThat(ObservationMapper.deadline("2026-11-21T09:00:00Z", "0s")).isNull();
    assertThat(ObservationMapper.deadline(null, "1h")).isNull();
    assertThat(ObservationMapper.deadline("2026-11-21T09:00:00Z", "soon")).isNull();
  }

  @Test
  void thePodNamesTheAttempt() {
    TaskRun tr = started();
    TaskRunStatus old = new TaskRunStatus();
    old.podName = "build-x7k2p-pod";
    tr.getStatus().retriesStatus.add(old);
    tr.getStatus().podName = "build-x7k2p-pod-retry1";
    assertThat(ObservationMapper.attemptOfPod(tr, "build-x7k2p-pod")).isZero();
    assertThat(ObservationMapper.attemptOfPod(tr, "build-x7k2p-pod-retry1")).isEqualTo(1);
    assertThat(ObservationMapper.attemptOfPod(tr, "unknown")).isEqualTo(1);
  }

  @Test
  void carriesAValidatedSpanContextFromTheStatusOrTheAnnotation() {
    RunRefs refs = new RunRefs(new Allowlist(List.of()), new Allowlist(List.of()));
    String tp = "00-0f57e0d3c8a94b6c9a1e2d3c4b5a6978-73d5a1b2c3d4e5f6-01";
    PipelineRun pr = Runs.pipelineRun("build-x7k2p", "uid-pr");
    pr.getMetadata()
        .setAnnotations(
            Map.of(
                "tekton.dev/pipelinerunSpanContext",
                "{\"traceparent\":\"" + tp + "\",\"tracestate\":\"x=y\"}"));
    assertThat(refs.pipelineRun(pr).annotations())
        .containsExactly(
            Map.entry("tekton.dev/pipelinerunSpanContext", "{\"traceparent\":\"" + tp + "\"}"));

    pr.getStatus().spanContext = Map.of("traceparent", tp.replace("73d5", "aaaa"));
    assertThat(refs.pipelineRun(pr).annotations().get("tekton.dev/pipelinerunSpanContext"))
        .contains("aaaa");

    pr.getStatus().spanContext = null;
    pr.getMetadata()
        .setAnnotations(Map.of("tekton.dev/pipelinerunSpanContext", "{\"traceparent\":\"00-zz\"}"));
    assertThat(refs.pipelineRun(pr).annotations()).isEmpty();

    TaskRun tr = Runs.taskRun("build-x7k2p-fetch", "uid-tr");
    tr.getMetadata()
        .setAnnotations(
            Map.of("tekton.dev/taskrunSpanContext", "{\"traceparent\":\"" + tp + "\"}"));
    assertThat(refs.taskRun(tr, 0).annotations())
        .containsEntry("tekton.dev/taskrunSpanContext", "{\"traceparent\":\"" + tp + "\"}");
  }
}
