package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.cli.demo.EventTap;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.PodInitialized;
import dev.pitstop.events.data.PodReady;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.events.data.StepStarted;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.otlp.ReceivedSpan;
import dev.pitstop.sandbox.sim.ApplyResult;
import dev.pitstop.sandbox.sim.FailSpec;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole stack — real Kafka broker, sandbox Kubernetes API and simulator, watcher, engine,
 * notifier, tracer — driven by Tekton's own example YAML (../shared/fixtures/tekton), asserting
 * what a user sees: the events per run, Tekton's names and reasons, webhook deliveries and one
 * well-formed trace per root run.
 */
class EndToEndIT {
  /** What a fixture needs from the sandbox and what Tekton would report for it. */
  record Fixture(
      String file,
      List<String> fail,
      boolean secondPrecision,
      String rootReason,
      Map<String, Map<String, String>> stepReasons,
      List<String> results,
      Map<String, String> taskRunReasons,
      Map<String, String> skipped) {
    Fixture(
        String file,
        List<String> fail,
        boolean secondPrecision,
        String rootReason,
        Map<String, Map<String, String>> stepReasons) {
      this(file, fail, secondPrecision, rootReason, stepReasons, List.of(), Map.of(), Map.of());
    }

    @Override
    public String toString() {
      return file
          + (fail.isEmpty() ? "" : " --fail " + fail)
          + (secondPrecision ? " (times in whole seconds)" : "");
    }
  }

  /** Step termination reasons by task ("-" for a standalone TaskRun) and step name. */
  private static Map<String, Map<String, String>> steps(Object... taskStepReason) {
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    for (int i = 0; i < taskStepReason.length; i += 3) {
      m.computeIfAbsent((String) taskStepReason[i], k -> new LinkedHashMap<>())
          .put((String) taskStepReason[i + 1], (String) taskStepReason[i + 2]);
    }
    return m;
  }

  static Stream<Fixture> fixtures() {
    return Stream.of(
        new Fixture(
            "taskruns/steps-run-in-order.yaml",
            List.of(),
            false,
            "Succeeded",
            steps("-", "unnamed-0", "Completed", "-", "unnamed-1", "Completed")),
        new Fixture(
            "taskruns/unnamed-steps.yaml",
            List.of(),
            false,
            "Succeeded",
            steps(
                "-",
                "unnamed-0",
                "Completed",
                "-",
                "unnamed-1",
                "Completed",
                "-",
                "unnamed-2",
                "Completed")),
        new Fixture(
            "taskruns/task-result.yaml",
            List.of(),
            false,
            "Succeeded",
            steps(
                "-",
                "print-date-unix-timestamp",
                "Completed",
                "-",
                "print-date-human-readable",
                "Completed")),
        // The fixture's first step runs `exit 1` with onError: continue; the sandbox needs --fail.
        new Fixture(
            "taskruns/ignore-step-error.yaml",
            List.of("-/exit-with-1=1"),
            false,
            "Succeeded",
            steps("-", "exit-with-1", "Continued", "-", "verify-step-path", "Completed")),
        new Fixture(
            "pipelineruns/pipelinerun.yaml",
            List.of(),
            false,
            "Succeeded",
            steps(
                "fetch-from-git",
                "clone",
                "Completed",
                "build-image",
                "build-and-push",
                "Completed",
                "build-image",
                "write-url",
                "Completed")),
        new Fixture(
            "pipelineruns/pipelinerun-with-final-tasks.yaml",
            List.of(),
            false,
            "Succeeded",
            steps(
                "clone-app-repo",
                "clone",
                "Completed",
                "cleanup",
                "check-application-dir-has-source",
                "Completed",
                "cleanup",
                "cleanup-workspace",
                "Completed",
                "cleanup",
                "verify-application-dir-has-gone",
                "Completed",
                "check-git-commit",
                "check-commit-initialized",
                "Completed")),
        // A real API server keeps times to the second: the services must cope.
        new Fixture(
            "pipelineruns/pipelinerun-with-final-tasks.yaml",
            List.of(),
            true,
            "Succeeded",
            steps(
                "clone-app-repo",
                "clone",
                "Completed",
                "check-git-commit",
                "check-commit-initialized",
                "Completed")),
        // PipelineTask onError: continue; the fixture's `write` steps exit 1 (the sandbox needs
        // --fail).
        new Fixture(
            "pipelineruns/ignore-task-error.yaml",
            List.of("echo-continue/write", "echo-continue-with-matrix-1/write"),
            false,
            "Succeeded",
            Map.of(),
            List.of(),
            Map.of(
                "echo-continue",
                "FailureIgnored",
                "echo",
                "Succeeded",
                "verify-task-reason",
                "Succeeded"),
            Map.of()),
        new Fixture(
            "pipelineruns/pipelinerun-task-execution-status.yaml",
            List.of(),
            false,
            "Completed",
            Map.of(),
            List.of(),
            Map.of("task1", "Succeeded", "task3", "Succeeded", "task4", "Succeeded"),
            Map.of("task2", "When Expressions evaluated to false")),
        new Fixture(
            "pipelineruns/pipelinerun-with-when-expressions.yaml",
            List.of(),
            false,
            "Completed",
            Map.of(),
            List.of("check-file/exists=yes"),
            Map.of(
                "create-file", "Succeeded",
                "check-file", "Succeeded",
                "echo-file-exists", "Succeeded",
                "finally-task-should-be-executed", "Succeeded"),
            Map.of(
                "task-should-be-skipped-1", "When Expressions evaluated to false",
                "finally-task-should-be-skipped-1", "When Expressions evaluated to false")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void fixtureRunsThroughPitstopAsTektonWouldReportIt(Fixture f) throws Exception {
    SimulatorOptions sim =
        SimulatorOptions.defaults()
            .withStepDuration(Duration.ofMillis(150))
            .withFail(f.fail().stream().map(FailSpec::parse).toList())
            .withResults(SimulatorOptions.parseResults(f.results()))
            .withTruncateTimesToSeconds(f.secondPrecision());
    try (Stack s = Stack.start(sim)) {
      ApplyResult applied = s.stack.simulator().apply(Files.readString(fixture(f.file())));
      HasMetadata root = root(applied);
      String rootUid = root.getMetadata().getUid();

      RunFinished finished = s.awaitRootFinished(rootUid);
      assertThat(finished.reason()).isEqualTo(f.rootReason());
      List<PitstopEvent> events = s.eventsOf(rootUid);

      // Tekton's step names, containers and termination reasons.
      Map<String, Map<String, String>> reasons = new LinkedHashMap<>();
      for (PitstopEvent e : events) {
        if (e.data() instanceof StepFinished sf) {
          String task = sf.run().pipelineTask() == null ? "-" : sf.run().pipelineTask();
          reasons
              .computeIfAbsent(task, k -> new LinkedHashMap<>())
              .put(sf.step().name(), sf.terminationReason());
          assertThat(sf.step().container()).isEqualTo("step-" + sf.step().name());
        }
      }
      f.stepReasons()
          .forEach(
              (task, byStep) ->
                  assertThat(reasons.get(task))
                      .as("steps of " + task)
                      .containsAllEntriesOf(byStep));
      Map<String, String> taskRunReasons = new LinkedHashMap<>();
      events.stream()
          .filter(
              e -> e.type() == EventType.TASKRUN_FINISHED && e.data().run().pipelineTask() != null)
          .forEach(
              e ->
                  taskRunReasons.put(
                      e.data().run().pipelineTask(), e.data(RunFinished.class).reason()));
      assertThat(taskRunReasons).as("TaskRun reasons").containsAllEntriesOf(f.taskRunReasons());
      Map<String, String> skipped = new LinkedHashMap<>();
      finished.skippedTasks().forEach(t -> skipped.put(t.name(), t.reason()));
      assertThat(skipped).as("skipped tasks").containsAllEntriesOf(f.skipped());

      assertEventsInOrderPerSubject(events);
      assertThat(events).extracting(PitstopEvent::partitionKey).containsOnly(rootUid);
      assertOneWellFormedTrace(s, rootUid, events);
      // The trace the fixture's YAML and the run's outcome call for: tree, names, attributes,
      // Kubernetes times, steps in order, skipped tasks.
      FixtureTrace.Expected expected =
          FixtureTrace.fromYaml(Files.readString(fixture(f.file())), root);
      List<FailSpec> fails = f.fail().stream().map(FailSpec::parse).toList();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  FixtureTrace.assertTrace(
                      expected,
                      rootUid,
                      f.rootReason(),
                      s.stack.otlp().trace(traceIdOf(s, rootUid)),
                      s.eventsOf(rootUid),
                      fails));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(s.stack.webhook().received())
                      .anySatisfy(
                          ce -> assertThat(ce.getExtension("partitionkey")).isEqualTo(rootUid)));
    }
  }

  /**
   * Tekton's sidecar-ready fixture: the Pod's phases (scheduled, prepare/place-scripts, containers
   * and the sidecar ready with {@code tekton.dev/ready}) are observed and traced as pod phase spans
   * inside the task run span.
   */
  @Test
  void sidecarReadyFixtureHasPodPhaseSpansInsideItsTaskRunSpan() throws Exception {
    SimulatorOptions sim = SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(150));
    try (Stack s = Stack.start(sim)) {
      ApplyResult applied =
          s.stack.simulator().apply(Files.readString(fixture("taskruns/sidecar-ready.yaml")));
      String rootUid = root(applied).getMetadata().getUid();
      assertThat(s.awaitRootFinished(rootUid).reason()).isEqualTo("Succeeded");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(s.eventsOf(rootUid))
                      .extracting(PitstopEvent::type)
                      .contains(
                          EventType.POD_SCHEDULED, EventType.POD_INITIALIZED, EventType.POD_READY));
      List<PitstopEvent> events = s.eventsOf(rootUid);
      PodReady ready =
          events.stream()
              .filter(e -> e.type() == EventType.POD_READY)
              .findFirst()
              .orElseThrow()
              .data(PodReady.class);
      assertThat(ready.sidecars()).containsExactly("sidecar-slow-sidecar");
      assertThat(ready.run().uid()).isEqualTo(rootUid);
      assertThat(
              events.stream()
                  .filter(e -> e.type() == EventType.POD_INITIALIZED)
                  .findFirst()
                  .orElseThrow()
                  .data(PodInitialized.class)
                  .initContainers())
          .extracting(c -> c.name())
          .containsExactly("prepare", "place-scripts");
      assertEventsInOrderPerSubject(events);
      assertOneWellFormedTrace(s, rootUid, events);
      FixtureTrace.Expected expected =
          FixtureTrace.fromYaml(
              Files.readString(fixture("taskruns/sidecar-ready.yaml")), root(applied));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  FixtureTrace.assertTrace(
                      expected,
                      rootUid,
                      "Succeeded",
                      s.stack.otlp().trace(traceIdOf(s, rootUid)),
                      s.eventsOf(rootUid),
                      List.of()));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                ReceivedSpan taskRun =
                    s.stack.otlp().spans().stream()
                        .filter(ReceivedSpan::isRoot)
                        .filter(r -> rootUid.equals(r.attributes().get("cicd.pipeline.run.id")))
                        .findFirst()
                        .orElseThrow();
                List<ReceivedSpan> pod =
                    s.stack.otlp().spans().stream()
                        .filter(r -> taskRun.spanId().equals(r.parentSpanId()))
                        .filter(r -> r.attributes().containsKey("pitstop.pod.phase"))
                        .toList();
                assertThat(pod)
                    .extracting(ReceivedSpan::name)
                    .containsExactlyInAnyOrder(
                        "pod scheduling", "init prepare", "init place-scripts", "pod starting");
                for (ReceivedSpan span : pod) {
                  assertThat(span.startEpochNanos())
                      .isBetween(taskRun.startEpochNanos(), span.endEpochNanos());
                  assertThat(span.endEpochNanos()).isLessThanOrEqualTo(taskRun.endEpochNanos());
                }
                ReceivedSpan prepare =
                    pod.stream().filter(r -> r.name().equals("init prepare")).findFirst().get();
                ReceivedSpan place =
                    pod.stream()
                        .filter(r -> r.name().equals("init place-scripts"))
                        .findFirst()
                        .get();
                assertThat(prepare.endEpochNanos()).isLessThanOrEqualTo(place.startEpochNanos());
                ReceivedSpan starting =
                    pod.stream().filter(r -> r.name().equals("pod starting")).findFirst().get();
                assertThat(starting.attributes().get("pitstop.pod.sidecars").toString())
                    .contains("sidecar-slow-sidecar");
              });
    }
  }

  /**
   * A PipelineRun carrying Tekton's span context (annotation {@code
   * tekton.dev/pipelinerunSpanContext}, a W3C carrier) is traced inside Tekton's trace: its run
   * span has Tekton's trace id and Tekton's span as parent, and its task spans are in the same
   * trace.
   */
  @Test
  void pipelineRunWithTektonSpanContextJoinsTektonsTrace() throws Exception {
    String tektonTrace = "0f57e147e992b304d977436289d10628";
    String tektonSpan = "73d5909e31793992";
    String yaml =
        """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: traced
          annotations:
            tekton.dev/pipelinerunSpanContext: '{"traceparent":"00-%s-%s-01"}'
        spec:
          pipelineSpec:
            tasks:
            - name: build
              taskSpec:
                steps:
                - {name: compile, image: alpine, script: "true"}
            - name: test
              runAfter: [build]
              taskSpec:
                steps:
                - {name: unit, image: alpine, script: "true"}
        """
            .formatted(tektonTrace, tektonSpan);
    try (Stack s =
        Stack.start(SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(150)))) {
      String uid = root(s.stack.simulator().apply(yaml)).getMetadata().getUid();
      assertThat(s.awaitRootFinished(uid).reason()).isEqualTo("Succeeded");
      Set<String> taskRunUids =
          s.eventsOf(uid).stream()
              .filter(e -> e.type() == EventType.TASKRUN_FINISHED)
              .map(e -> e.data().run().uid())
              .collect(Collectors.toSet());
      assertThat(taskRunUids).hasSize(2);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                List<ReceivedSpan> spans = s.stack.otlp().spans();
                List<ReceivedSpan> runSpans =
                    spans.stream()
                        .filter(r -> uid.equals(r.attributes().get("cicd.pipeline.run.id")))
                        .filter(r -> !r.attributes().containsKey("cicd.pipeline.task.name"))
                        .toList();
                assertThat(runSpans).as("one pipeline run span").hasSize(1);
                ReceivedSpan run = runSpans.get(0);
                assertThat(run.traceId()).isEqualTo(tektonTrace);
                assertThat(run.parentSpanId()).isEqualTo(tektonSpan);
                List<ReceivedSpan> tasks =
                    spans.stream()
                        .filter(r -> r.attributes().containsKey("cicd.pipeline.task.run.id"))
                        .filter(
                            r ->
                                taskRunUids.contains(
                                    String.valueOf(
                                        r.attributes().get("cicd.pipeline.task.run.id"))))
                        .toList();
                assertThat(tasks).as("a span per TaskRun").hasSize(2);
                assertThat(tasks)
                    .allSatisfy(
                        t -> {
                          assertThat(t.traceId()).isEqualTo(tektonTrace);
                          assertThat(t.parentSpanId()).isEqualTo(run.spanId());
                        });
              });
    }
  }

  @Test
  void onFailurePauseIsContinuedThroughTheApiAndTheRunSucceeds() throws Exception {
    RunFinished finished = pauseAndRelease(Action.CONTINUE);
    assertThat(finished.reason()).isEqualTo("Succeeded");
  }

  @Test
  void onFailurePauseIsFailContinuedAndTheRunFailsAsTektonSays() throws Exception {
    RunFinished finished = pauseAndRelease(Action.FAIL_CONTINUE);
    assertThat(finished.succeeded()).isEqualTo("False");
    assertThat(finished.reason()).isEqualTo("Failed");
    assertThat(finished.message()).isEqualTo("\"step-test\" exited with code 1");
  }

  @Test
  void beforeTasksHoldsOnlyThatTaskAndItsDependentsUntilReleasedThroughTheApi() throws Exception {
    String yaml =
        """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: held-run
          annotations:
            pitstop.dev/breakpoints: '{"beforeTasks": ["deploy"]}'
        spec:
          pipelineSpec:
            tasks:
            - name: build
              taskSpec: {steps: [{name: compile, image: alpine, script: "true"}]}
            - name: deploy
              runAfter: [build]
              taskSpec: {steps: [{name: push, image: alpine, script: "true"}]}
            - name: lint
              taskSpec: {steps: [{name: check, image: alpine, script: "true"}]}
            - name: smoke
              runAfter: [deploy]
              taskSpec: {steps: [{name: probe, image: alpine, script: "true"}]}
        """;
    try (Stack s =
        Stack.start(SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(150)))) {
      String uid = root(s.stack.simulator().apply(yaml)).getMetadata().getUid();
      var held = s.await(uid, EventType.HOLD_HELD, dev.pitstop.events.data.HoldHeld.class);
      assertThat(held.run().pipelineTask()).isEqualTo("deploy");
      // The independent branch runs on while deploy is held; its dependent waits.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  s.eventsOf(uid).stream()
                      .anyMatch(
                          e ->
                              e.type() == EventType.TASKRUN_FINISHED
                                  && "lint".equals(e.data().run().pipelineTask())));
      assertThat(s.eventsOf(uid))
          .noneMatch(
              e ->
                  e.type() == EventType.TASKRUN_STARTED
                      && ("deploy".equals(e.data().run().pipelineTask())
                          || "smoke".equals(e.data().run().pipelineTask())));

      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create(
                      s.stack.engineUrl() + "/v1/holds/default/" + held.run().name() + "/continue"))
              .header("Authorization", "Bearer " + s.stack.apiToken())
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      HttpResponse<String> res = s.http.send(req, HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as(res.body()).isIn(200, 202);
      var released =
          s.await(uid, EventType.HOLD_RELEASED, dev.pitstop.events.data.HoldReleased.class);
      assertThat(released.by().username()).isEqualTo(LocalStack.DEMO_USER);

      RunFinished finished = s.awaitRootFinished(uid);
      assertThat(finished.reason()).isEqualTo("Succeeded");
      List<PitstopEvent> events = s.eventsOf(uid);
      assertOneWellFormedTrace(s, uid, events);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(s.stack.otlp().spans())
                      .anySatisfy(
                          span -> {
                            assertThat(span.name()).isEqualTo("hold beforeTasks");
                            assertThat(span.attributes().get("pitstop.breakpoint.released_by"))
                                .isEqualTo(LocalStack.DEMO_USER);
                            // Exactly the held interval: held since → released. heldSince is
                            // the TaskRun's creationTimestamp (whole seconds): when its parent
                            // span starts later in that second, the tracer clamps the start into
                            // it and keeps the raw time (TraceBuilder's documented rule).
                            Object raw = span.attributes().get("pitstop.raw.start");
                            assertThat(
                                    raw != null
                                        ? FixtureTrace.nanos(
                                            java.time.Instant.parse(raw.toString()))
                                        : span.startEpochNanos())
                                .isEqualTo(FixtureTrace.nanos(held.heldSince()));
                            assertThat(span.startEpochNanos())
                                .isGreaterThanOrEqualTo(FixtureTrace.nanos(held.heldSince()));
                            assertThat(span.endEpochNanos())
                                .isEqualTo(FixtureTrace.nanos(released.decidedAt()));
                            assertThat(span.attributes())
                                .containsEntry("pitstop.hold.breakpoint", "beforeTasks")
                                .containsEntry("pitstop.breakpoint.action", "continue");
                          }));
    }
  }

  @Test
  void deletingAPausedTaskRunEndsThePause() throws Exception {
    String yaml =
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: delete-me
          annotations:
            sandbox.pitstop.dev/fail: "-/test"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - {name: test, image: alpine, script: "exit 1"}
        """;
    try (Stack s =
            Stack.start(SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(150)));
        var client = s.stack.api().newClient()) {
      String uid = root(s.stack.simulator().apply(yaml)).getMetadata().getUid();
      s.await(uid, EventType.BREAKPOINT_PAUSED, BreakpointPaused.class);
      client.resources(TaskRun.class).inNamespace("default").withName("delete-me").delete();
      var ended =
          s.await(uid, EventType.BREAKPOINT_ENDED, dev.pitstop.events.data.BreakpointEnded.class);
      assertThat(ended.reason()).isEqualTo("Deleted");
      HttpResponse<String> late = s.release("default", "delete-me", "test", Action.CONTINUE);
      assertThat(late.statusCode()).as(late.body()).isIn(404, 409);
    }
  }

  private RunFinished pauseAndRelease(Action action) throws Exception {
    String yaml =
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: debug-me
          annotations:
            sandbox.pitstop.dev/fail: "-/test=3"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - {name: compile, image: alpine, script: "true"}
            - {name: test, image: alpine, script: "exit 3"}
            - {name: package, image: alpine, script: "true"}
        """;
    try (Stack s =
        Stack.start(SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(150)))) {
      ApplyResult applied = s.stack.simulator().apply(yaml);
      String uid = root(applied).getMetadata().getUid();
      BreakpointPaused paused = s.await(uid, EventType.BREAKPOINT_PAUSED, BreakpointPaused.class);
      assertThat(paused.step().name()).isEqualTo("test");
      assertThat(paused.step().container()).isEqualTo("step-test");
      assertThat(paused.mechanism().json()).isEqualTo("onFailure");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(s.stack.webhook().received())
                      .anySatisfy(
                          ce ->
                              assertThat(ce.getType())
                                  .isEqualTo(EventType.BREAKPOINT_PAUSED.type())));

      HttpResponse<String> res = s.release("default", "debug-me", "test", action);
      assertThat(res.statusCode()).as(res.body()).isIn(200, 202);
      var continued =
          s.await(
              uid,
              EventType.BREAKPOINT_CONTINUED,
              dev.pitstop.events.data.BreakpointContinued.class);
      assertThat(continued.action()).isEqualTo(action);
      assertThat(continued.by().username()).isEqualTo(LocalStack.DEMO_USER);

      RunFinished finished = s.awaitRootFinished(uid);
      StepFinished test =
          s.eventsOf(uid).stream()
              .filter(e -> e.data() instanceof StepFinished sf && sf.step().name().equals("test"))
              .map(e -> e.data(StepFinished.class))
              .findFirst()
              .orElseThrow();
      assertThat(test.exitCode()).isEqualTo(action == Action.CONTINUE ? 0 : 1);
      StepFinished pkg =
          s.eventsOf(uid).stream()
              .filter(
                  e -> e.data() instanceof StepFinished sf && sf.step().name().equals("package"))
              .map(e -> e.data(StepFinished.class))
              .findFirst()
              .orElseThrow();
      assertThat(pkg.terminationReason()).as("later steps still run").isEqualTo("Completed");

      // A second release is a no-op, reported as such.
      HttpResponse<String> again = s.release("default", "debug-me", "test", action);
      assertThat(again.statusCode()).isEqualTo(409);
      assertOneWellFormedTrace(s, uid, s.eventsOf(uid));
      // The pause span covers exactly the paused interval: marker line → release decision.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                ReceivedSpan pause =
                    s.stack.otlp().spans().stream()
                        .filter(r -> r.name().equals("breakpoint onFailure"))
                        .findFirst()
                        .orElseThrow();
                assertThat(pause.startEpochNanos())
                    .isEqualTo(FixtureTrace.nanos(paused.pausedAt()));
                assertThat(pause.endEpochNanos())
                    .isEqualTo(FixtureTrace.nanos(continued.decidedAt()));
                assertThat(pause.attributes())
                    .containsEntry("pitstop.breakpoint.action", action.json())
                    .containsEntry("pitstop.breakpoint.released_by", LocalStack.DEMO_USER)
                    .containsEntry("tekton.step.name", "test");
                ReceivedSpan testSpan =
                    s.stack.otlp().spans().stream()
                        .filter(r -> r.name().equals("test"))
                        .filter(r -> pause.parentSpanId().equals(r.parentSpanId()))
                        .findFirst()
                        .orElseThrow();
                assertThat(pause.startEpochNanos())
                    .as("an on-failure pause lies after the step's command")
                    .isGreaterThanOrEqualTo(testSpan.startEpochNanos());
              });
      return finished;
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertEventsInOrderPerSubject(List<PitstopEvent> events) {
    Map<String, List<EventType>> bySubject = new LinkedHashMap<>();
    for (PitstopEvent e : events) {
      bySubject.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e.type());
    }
    List<EventType> lifecycle =
        List.of(
            EventType.PIPELINERUN_STARTED,
            EventType.TASKRUN_STARTED,
            EventType.STEP_STARTED,
            EventType.STEP_BREAKPOINT_REACHED,
            EventType.BREAKPOINT_PAUSED,
            EventType.COMMAND_CONTINUE,
            EventType.COMMAND_FAIL_CONTINUE,
            EventType.BREAKPOINT_CONTINUED,
            EventType.STEP_FINISHED,
            EventType.TASKRUN_FINISHED,
            EventType.PIPELINERUN_FINISHED);
    bySubject.forEach(
        (subject, types) -> {
          List<EventType> ofTopic =
              types.stream()
                  .filter(t -> t.topicKind() == EventType.STEP_STARTED.topicKind())
                  .toList();
          assertThat(ofTopic)
              .as("observations of " + subject)
              .isSortedAccordingTo(
                  (a, b) -> Integer.compare(lifecycle.indexOf(a), lifecycle.indexOf(b)));
          assertThat(Set.copyOf(ofTopic)).as("no repeats for " + subject).hasSize(ofTopic.size());
        });
    for (PitstopEvent e : events) {
      if (e.data() instanceof StepFinished sf) {
        assertThat(sf.startedAt()).isBeforeOrEqualTo(sf.finishedAt());
      }
      if (e.data() instanceof StepStarted ss) {
        assertThat(ss.startedAt()).isNotNull();
      }
    }
  }

  private static void assertOneWellFormedTrace(Stack s, String rootUid, List<PitstopEvent> events) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<ReceivedSpan> roots =
                  s.stack.otlp().spans().stream()
                      .filter(ReceivedSpan::isRoot)
                      .filter(r -> rootUid.equals(r.attributes().get("cicd.pipeline.run.id")))
                      .toList();
              assertThat(roots).as("one root span for the run").hasSize(1);
              List<ReceivedSpan> trace =
                  s.stack.otlp().spans().stream()
                      .filter(r -> r.traceId().equals(roots.get(0).traceId()))
                      .toList();
              Set<String> taskRunUids =
                  events.stream()
                      .filter(e -> e.type() == EventType.TASKRUN_FINISHED)
                      .map(e -> e.data().run().uid())
                      .collect(Collectors.toSet());
              assertThat(trace.stream().map(r -> r.attributes().get("cicd.pipeline.task.run.id")))
                  .as("a span per TaskRun")
                  .containsAll(taskRunUids.stream().map(u -> (Object) u).toList());
              long stepsFinished =
                  events.stream().filter(e -> e.type() == EventType.STEP_FINISHED).count();
              assertThat(trace.size())
                  .as("run, tasks and steps")
                  .isGreaterThanOrEqualTo((int) stepsFinished + 1);
              Map<String, ReceivedSpan> byId =
                  trace.stream()
                      .collect(Collectors.toMap(ReceivedSpan::spanId, r -> r, (a, b) -> a));
              for (ReceivedSpan span : trace) {
                assertThat(span.startEpochNanos()).isLessThanOrEqualTo(span.endEpochNanos());
                if (!span.isRoot()) {
                  ReceivedSpan parent = byId.get(span.parentSpanId());
                  assertThat(parent).as("parent of " + span.name()).isNotNull();
                  assertThat(span.startEpochNanos())
                      .as(span.name() + " starts inside " + parent.name())
                      .isGreaterThanOrEqualTo(parent.startEpochNanos());
                  assertThat(span.endEpochNanos())
                      .as(span.name() + " ends inside " + parent.name())
                      .isLessThanOrEqualTo(parent.endEpochNanos());
                }
              }
            });
  }

  /** The trace id of the run's root span (once received). */
  private static String traceIdOf(Stack s, String rootUid) {
    return s.stack.otlp().spans().stream()
        .filter(ReceivedSpan::isRoot)
        .filter(r -> rootUid.equals(r.attributes().get("cicd.pipeline.run.id")))
        .map(ReceivedSpan::traceId)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no root span of " + rootUid));
  }

  private static HasMetadata root(ApplyResult applied) {
    return applied.created(PipelineRun.class).stream()
        .map(HasMetadata.class::cast)
        .findFirst()
        .or(() -> applied.created(TaskRun.class).stream().map(HasMetadata.class::cast).findFirst())
        .orElseThrow(() -> new AssertionError("no run in " + applied));
  }

  private static Path fixture(String relative) {
    return Path.of(System.getProperty("pitstop.shared.dir", "../../shared"))
        .resolve("fixtures/tekton")
        .resolve(relative);
  }

  /** A LocalStack on the JVM's shared broker with its own topics, and a tap reading them. */
  private static final class Stack implements AutoCloseable {
    final LocalStack stack;
    final EventTap tap;
    final HttpClient http = HttpClient.newHttpClient();

    private Stack(LocalStack stack, EventTap tap) {
      this.stack = stack;
      this.tap = tap;
    }

    static Stack start(SimulatorOptions sim) {
      String prefix = "e2e-" + UUID.randomUUID() + ".";
      String bootstrap = SharedKafka.bootstrapServers();
      LocalStack stack = LocalStack.start(new LocalStack.Options(bootstrap, prefix, 0, sim));
      EventTap tap = new EventTap(bootstrap, stack.topics(), null);
      tap.start();
      return new Stack(stack, tap);
    }

    List<PitstopEvent> eventsOf(String rootUid) {
      return tap.seen().stream().filter(e -> e.partitionKey().equals(rootUid)).toList();
    }

    <T> T await(String rootUid, EventType type, Class<T> data) {
      return org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  eventsOf(rootUid).stream()
                      .filter(e -> e.type() == type)
                      .map(e -> data.cast(e.data()))
                      .findFirst()
                      .orElse(null),
              r -> r != null);
    }

    RunFinished awaitRootFinished(String rootUid) {
      return org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  eventsOf(rootUid).stream()
                      .filter(
                          e -> e.data() instanceof RunFinished rf && rf.run().uid().equals(rootUid))
                      .map(e -> e.data(RunFinished.class))
                      .findFirst()
                      .orElse(null),
              r -> r != null);
    }

    HttpResponse<String> release(String ns, String taskRun, String step, Action action)
        throws Exception {
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create(
                      stack.engineUrl()
                          + "/v1/breakpoints/"
                          + ns
                          + "/"
                          + taskRun
                          + "/"
                          + step
                          + "/"
                          + action.json()))
              .header("Authorization", "Bearer " + stack.apiToken())
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      tap.close();
      stack.close();
    }
  }
}
