package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.Action;
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
import dev.pitstop.events.data.StepRef;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.k8s.ExecResult;
import dev.pitstop.sandbox.k8s.LogLine;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine against the real embedded broker and the sandbox's Kubernetes API: an observation in
 * Kafka becomes a pause, a POST releases it by exec in the paused step's container, and what is no
 * longer paused is refused over HTTP and rejected on the topic. A step whose image has no shell is
 * released through an ephemeral container, against the sandbox's Tekton simulator (the watcher is
 * not part of this test: the observation is published by hand once the marker line is logged).
 */
class EngineServiceIT {
  static final String TOKEN = "it-token-of-alice";
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  final String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
  final Topics topics =
      new Topics("it-engine-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  final List<String> execCalls = new CopyOnWriteArrayList<>();
  final List<PitstopEvent> decisions = new CopyOnWriteArrayList<>();
  final EventFactory watcher = new EventFactory("it", "watcher");

  static final Duration STEP = Duration.ofMillis(100);

  Vertx vertx;
  SandboxApiServer api;
  TektonSimulator sim;
  KubernetesClient client;
  EngineService engine;
  EventPublisher observations;
  WebClient web;
  RunRef run;

  @BeforeEach
  void start() {
    String bootstrap = SharedKafka.bootstrapServers();
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    api = SandboxApiServer.start();
    api.setExecHandler(
        (namespace, pod, container, command) -> {
          execCalls.add(namespace + "/" + pod + "/" + container + " " + command);
          if (container.equals("step-broken")) {
            return ExecResult.failure(1, "touch: /tekton/run/2/out: read-only file system\n");
          }
          return ExecResult.success("");
        });
    client = api.newClient();
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("build-compile-pod")
                .withNamespace(ns)
                .addToLabels("tekton.dev/taskRun", "build-compile")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("step-build")
                .withImage("busybox")
                .endContainer()
                .addNewContainer()
                .withName("step-test")
                .withImage("busybox")
                .endContainer()
                .addNewContainer()
                .withName("step-broken")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build())
        .create();
    run =
        new RunRef(
            RunRef.TASK_RUN,
            ns,
            "build-compile",
            "uid-" + ns,
            null,
            null,
            null,
            null,
            null,
            0,
            Map.of(),
            Map.of());

    vertx = Vertx.vertx();
    KafkaSettings kafka = KafkaSettings.of(bootstrap, topics);
    observations = new EventPublisher(vertx, kafka, "it-watcher");
    vertx
        .deployVerticle(
            new EventConsumer(
                kafka,
                EventConsumer.topics(topics.decisions()),
                "it-decisions-" + UUID.randomUUID(),
                observations,
                e -> {
                  decisions.add(e);
                  return Future.succeededFuture();
                }))
        .await();
    engine = EngineService.start(vertx, config(Map.of()), client).await();
    web = WebClient.create(vertx);
  }

  /** The engine's configuration for this test, with {@code extra} keys over the defaults. */
  private EngineConfig config(Map<String, String> extra) {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "PITSTOP_TOPIC_PREFIX", topics.prefix(),
                "PITSTOP_CLUSTER", "it",
                "ENGINE_HTTP_HOST", "127.0.0.1",
                "ENGINE_HTTP_PORT", "0",
                "ENGINE_API_TOKENS", "alice=" + TOKEN,
                "ENGINE_EXEC_TIMEOUT", "10s"));
    env.putAll(extra);
    return EngineConfig.fromMap(env);
  }

  /** Stops the engine and starts another on the same topics (its state comes back). */
  private void restartEngine(Map<String, String> extra) {
    engine.stop().await();
    engine = null;
    engine = EngineService.start(vertx, config(extra), client).await();
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.stop().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (sim != null) {
      sim.close();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void startUpDoesItsKafkaSideWhileTheKubernetesClientIsBuiltAndFailsWithTheClientsError()
      throws Exception {
    engine.stop().await();
    engine = null;
    String stateTopic = topics.prefix() + "engine-state-late-client";
    io.vertx.core.Promise<KubernetesClient> late = io.vertx.core.Promise.promise();
    Future<EngineService> starting =
        EngineService.start(vertx, config(Map.of("ENGINE_STATE_TOPIC", stateTopic)), late.future());
    // The state topic is checked (here: created) before the Kubernetes client is there.
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", SharedKafka.bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> admin.listTopics().names().get().contains(stateTopic));
    }
    assertThat(starting.isComplete()).as("waits for the client").isFalse();
    late.complete(client);
    engine = starting.await();
    reach("test", 1, Mechanism.ON_FAILURE);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                get("/v1/breakpoints").bodyAsJsonObject().getJsonArray("breakpoints").size() == 1);
    HttpResponse<Buffer> posted = post("/v1/breakpoints/" + ns + "/build-compile/test/continue");
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(200);

    // A client that cannot be built: start-up fails with its error.
    Future<EngineService> failing =
        EngineService.start(
            vertx,
            config(Map.of("ENGINE_HTTP_PORT", "0")),
            Future.failedFuture(new IllegalStateException("no kubeconfig")));
    assertThatThrownBy(() -> failing.await()).hasMessageContaining("no kubeconfig");
  }

  /** A handling held until {@code gate} completes; sets {@code held} once it began. */
  private static EventConsumer.Handling holding(
      java.util.concurrent.atomic.AtomicBoolean held, io.vertx.core.Promise<Void> gate) {
    held.set(true);
    return new EventConsumer.Handling(gate.future(), gate.future());
  }

  @Test
  void aCommandIsActedUponWhileTheObservationsBeforeItAreStillBeingHandled() {
    // An engine whose handling of one observation (another run's) is held until the gate opens,
    // as a backlog of other runs' observations would hold it.
    engine.stop().await();
    engine = null;
    RunRef other =
        new RunRef(
            RunRef.TASK_RUN,
            ns,
            "other",
            "uid-other-" + ns,
            null,
            null,
            null,
            null,
            null,
            0,
            Map.of(),
            Map.of());
    PitstopEvent blocker =
        watcher.create(
            EventType.TASKRUN_STARTED, new dev.pitstop.events.data.RunStarted(other, T0, null), T0);
    io.vertx.core.Promise<Void> gate = io.vertx.core.Promise.promise();
    java.util.concurrent.atomic.AtomicBoolean held =
        new java.util.concurrent.atomic.AtomicBoolean();
    engine =
        EngineService.start(
                vertx,
                config(Map.of()),
                Future.succeededFuture(client),
                handler ->
                    e -> e.id().equals(blocker.id()) ? holding(held, gate) : handler.apply(e))
            .await();
    try {
      reach("test", 1, Mechanism.ON_FAILURE);
      awaitDecision(EventType.BREAKPOINT_PAUSED, BreakpointPaused.class);

      observations.publish(blocker).await();
      // The two runs' records may sit on different partitions: publish the next one only once
      // the blocker is being handled, so it is received behind it.
      await().atMost(Duration.ofSeconds(30)).untilTrue(held);
      reach("build", 0, Mechanism.BEFORE_STEPS); // behind the held observation
      HttpResponse<Buffer> posted = post("/v1/breakpoints/" + ns + "/build-compile/test/continue");

      // The command went through although the observations' handling is held ...
      assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(200);
      assertThat(posted.bodyAsJsonObject().getString("status")).isEqualTo("continued");
      assertThat(execCalls)
          .containsExactly(
              ns + "/build-compile-pod/step-test [/tekton/debug/scripts/debug-continue]");
      // ... and the observation behind the held one waits, in order.
      assertThat(decisions).filteredOn(e -> e.type() == EventType.BREAKPOINT_PAUSED).hasSize(1);

    } finally {
      gate.tryComplete(); // else stopping the engine waits for the held observation
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                decisions.stream().filter(e -> e.type() == EventType.BREAKPOINT_PAUSED).count()
                    == 2);
  }

  @Test
  void pausedThenContinuedByExecInThePausedStepsContainerThenSecondContinuesAreRefused() {
    reach("test", 1, Mechanism.ON_FAILURE);
    BreakpointPaused paused = awaitDecision(EventType.BREAKPOINT_PAUSED, BreakpointPaused.class);
    assertThat(paused.step().name()).isEqualTo("test");
    assertThat(paused.pausedAt()).isEqualTo(T0);

    HttpResponse<Buffer> listed = get("/v1/breakpoints");
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.bodyAsJsonObject().getJsonArray("breakpoints")).hasSize(1);

    HttpResponse<Buffer> posted = post("/v1/breakpoints/" + ns + "/build-compile/test/continue");
    // The API waits for the decision (ENGINE_API_COMMAND_WAIT) and answers with it.
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(200);
    assertThat(posted.bodyAsJsonObject().getString("status")).isEqualTo("continued");
    String commandId = posted.bodyAsJsonObject().getString("commandId");

    BreakpointContinued continued =
        awaitDecision(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class);
    assertThat(execCalls)
        .containsExactly(
            ns + "/build-compile-pod/step-test [/tekton/debug/scripts/debug-continue]");
    assertThat(continued.action()).isEqualTo(Action.CONTINUE);
    assertThat(continued.by()).isEqualTo(Identity.of("alice"));
    assertThat(continued.via()).isEqualTo("api");
    assertThat(continued.pausedAt()).isEqualTo(T0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "continued"
                    .equals(
                        get("/v1/commands/" + commandId).bodyAsJsonObject().getString("status")));

    HttpResponse<Buffer> again = post("/v1/breakpoints/" + ns + "/build-compile/test/continue");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("error")).contains("continue by alice via api");

    // A command straight onto the topic (e.g. from Slack) is rejected NotPaused; no second exec.
    Command direct =
        new Command(
            run,
            "test",
            Action.CONTINUE,
            Identity.of("bob"),
            "slack",
            Instant.now(),
            UUID.randomUUID().toString());
    observations
        .publish(
            new EventFactory("it", "notifier")
                .create(EventType.COMMAND_CONTINUE, direct, direct.requestedAt()))
        .await();
    CommandRejected rejected = awaitDecision(EventType.COMMAND_REJECTED, CommandRejected.class);
    assertThat(rejected.command().requestId()).isEqualTo(direct.requestId());
    assertThat(rejected.reason()).isEqualTo(CommandRejected.NOT_PAUSED);
    assertThat(rejected.message()).contains("continue by alice via api");
    assertThat(execCalls).hasSize(1);
  }

  @Test
  void aShellLessStepPausedBeforeItRunsIsFailContinuedThroughAnEphemeralContainerAndTheRunFails() {
    sim = TektonSimulator.start(api, SimulatorOptions.defaults().withStepDuration(STEP));
    String name = "kaniko-" + UUID.randomUUID().toString().substring(0, 6);
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
          namespace: %s
        spec:
          debug:
            breakpoints:
              onFailure: enabled
              beforeSteps: [build]
          taskSpec:
            steps:
            - name: prepare
              image: alpine
              script: echo preparing
            - name: build
              image: gcr.io/kaniko-project/executor:v1.23.2
              args: [--no-push]
            - name: report
              image: alpine
              script: echo done
        """
            .formatted(name, ns));
    RunRef simRun =
        reachSimulated(name, "build", 1, Mechanism.BEFORE_STEPS, "debug before step breakpoint");

    HttpResponse<Buffer> posted =
        post("/v1/breakpoints/" + ns + "/" + name + "/build/fail-continue");
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isIn(200, 202);
    String commandId = posted.bodyAsJsonObject().getString("commandId");

    // The exec of Tekton's script fails (no shell): the engine says so ...
    BreakpointWarning noShell = awaitWarning(BreakpointWarning.NO_SHELL);
    assertThat(noShell.run().uid()).isEqualTo(simRun.uid());
    assertThat(noShell.message())
        .contains("debug-beforestep-fail-continue")
        .contains("exited with code 127")
        .contains("executable file not found");
    // ... and releases through an ephemeral container mounting the step's run volume.
    BreakpointContinued continued =
        awaitDecision(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class);
    assertThat(continued.action()).isEqualTo(Action.FAIL_CONTINUE);
    assertThat(continued.releasedThrough()).isEqualTo(BreakpointContinued.EPHEMERAL_CONTAINER);
    assertThat(continued.releaseContainer()).startsWith("pitstop-release-1-");
    assertThat(noShell.message()).contains(continued.releaseContainer());
    EphemeralContainer added = onlyEphemeralContainer(name + "-pod");
    assertThat(added.getName()).isEqualTo(continued.releaseContainer());
    assertThat(added.getImage()).isEqualTo(EngineConfig.DEFAULT_RELEASE_IMAGE);
    assertThat(added.getVolumeMounts())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getName()).isEqualTo("tekton-internal-run-1");
              assertThat(m.getMountPath()).isEqualTo("/tekton/run/1");
            });
    assertThat(added.getArgs()).containsExactly("echo 1 > /tekton/run/1/out.beforestepexit.err");
    assertThat(added.getSecurityContext().getRunAsNonRoot()).isTrue();

    // Tekton: the step is skipped with exit 1, later steps still run, the TaskRun fails.
    TaskRun done = awaitDone(name);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("False");
    assertThat(done.getStatus().steps).extracting(st -> st.name).contains("build");
    assertThat(
            done.getStatus().steps.stream()
                .filter(st -> st.name.equals("build"))
                .findFirst()
                .orElseThrow()
                .terminated
                .getExitCode())
        .isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "continued"
                    .equals(
                        get("/v1/commands/" + commandId).bodyAsJsonObject().getString("status")));

    // A second continue is a no-op, reported as such; no second container is added.
    HttpResponse<Buffer> again = post("/v1/breakpoints/" + ns + "/" + name + "/build/continue");
    assertThat(again.statusCode()).isEqualTo(409);
    Command direct =
        new Command(
            simRun,
            "build",
            Action.CONTINUE,
            Identity.of("bob"),
            "slack",
            Instant.now(),
            UUID.randomUUID().toString());
    observations
        .publish(
            new EventFactory("it", "notifier")
                .create(EventType.COMMAND_CONTINUE, direct, direct.requestedAt()))
        .await();
    CommandRejected rejected = awaitDecision(EventType.COMMAND_REJECTED, CommandRejected.class);
    assertThat(rejected.command().requestId()).isEqualTo(direct.requestId());
    assertThat(rejected.reason()).isEqualTo(CommandRejected.NOT_PAUSED);
    assertThat(rejected.message()).contains("fail-continue by alice via api");
    assertThat(onlyEphemeralContainer(name + "-pod").getName())
        .isEqualTo(continued.releaseContainer());
    assertThat(decisions.stream().filter(e -> e.type() == EventType.BREAKPOINT_CONTINUED))
        .hasSize(1);
  }

  @Test
  void aShellLessStepPausedOnFailureIsContinuedThroughAnEphemeralContainerAndTheRunSucceeds() {
    sim = TektonSimulator.start(api, SimulatorOptions.defaults().withStepDuration(STEP));
    String name = "distroless-" + UUID.randomUUID().toString().substring(0, 6);
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
          namespace: %s
          annotations:
            sandbox.pitstop.dev/fail: "-/build"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - name: build
              image: gcr.io/distroless/static:nonroot
              args: [--build]
            - name: test
              image: alpine
              script: echo testing
        """
            .formatted(name, ns));
    reachSimulated(name, "build", 0, Mechanism.ON_FAILURE, "debug onFailure breakpoint");

    assertThat(post("/v1/breakpoints/" + ns + "/" + name + "/build/continue").statusCode())
        .isIn(200, 202);
    assertThat(awaitWarning(BreakpointWarning.NO_SHELL).message()).contains("debug-continue");
    BreakpointContinued continued =
        awaitDecision(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class);
    assertThat(continued.releasedThrough()).isEqualTo(BreakpointContinued.EPHEMERAL_CONTAINER);
    EphemeralContainer added = onlyEphemeralContainer(name + "-pod");
    // "continued" was said once the container was seen to terminate with exit code 0 (or the
    // step's container to terminate): by now the Pod reports one of them.
    Pod pod = client.pods().inNamespace(ns).withName(name + "-pod").get();
    boolean releaseDone =
        pod.getStatus().getEphemeralContainerStatuses().stream()
            .anyMatch(
                st ->
                    st.getName().equals(continued.releaseContainer())
                        && st.getState().getTerminated() != null
                        && st.getState().getTerminated().getExitCode() == 0);
    boolean stepDone =
        pod.getStatus().getContainerStatuses().stream()
            .anyMatch(
                st -> st.getName().equals("step-build") && st.getState().getTerminated() != null);
    assertThat(releaseDone || stepDone).isTrue();
    assertThat(added.getVolumeMounts())
        .extracting(VolumeMount::getName, VolumeMount::getMountPath)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("tekton-internal-run-0", "/tekton/run/0"));
    assertThat(added.getArgs())
        .containsExactly("touch /tekton/run/0/out && echo 0 > /tekton/run/0/out.breakpointexit");

    // Tekton: debug-continue makes the step exit 0 and the next step runs; the run succeeds.
    TaskRun done = awaitDone(name);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("True");
    assertThat(done.getStatus().steps)
        .extracting(st -> st.terminationReason)
        .containsExactly("Completed", "Completed");
  }

  @Test
  void aReleaseContainerThatCannotRunIsRejectedTheStepStaysPausedAndAnotherContinueReleasesIt() {
    // An engine whose release image cannot be pulled (the simulator: a name with pull-fails).
    restartEngine(Map.of("ENGINE_RELEASE_IMAGE", "registry.invalid/pull-fails:1"));
    sim = TektonSimulator.start(api, SimulatorOptions.defaults().withStepDuration(STEP));
    String name = "distroless-" + UUID.randomUUID().toString().substring(0, 6);
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
          namespace: %s
          annotations:
            sandbox.pitstop.dev/fail: "-/build"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - name: build
              image: gcr.io/distroless/static:nonroot
              args: [--build]
            - name: test
              image: alpine
              script: echo testing
        """
            .formatted(name, ns));
    reachSimulated(name, "build", 0, Mechanism.ON_FAILURE, "debug onFailure breakpoint");

    HttpResponse<Buffer> posted = post("/v1/breakpoints/" + ns + "/" + name + "/build/continue");
    // 502 with the rejection when it came within ENGINE_API_COMMAND_WAIT, else 202 (undecided).
    assertThat(posted.statusCode()).isIn(502, 202);
    String first = posted.bodyAsJsonObject().getString("commandId");
    assertThat(awaitWarning(BreakpointWarning.NO_SHELL).message()).contains("debug-continue");
    CommandRejected rejected = awaitDecision(EventType.COMMAND_REJECTED, CommandRejected.class);
    String container = onlyEphemeralContainer(name + "-pod").getName();
    assertThat(rejected.command().requestId()).isEqualTo(first);
    assertThat(rejected.reason()).isEqualTo(CommandRejected.EXEC_FAILED);
    assertThat(rejected.message())
        .contains("ephemeral container " + container)
        .contains("ErrImagePull")
        .contains("still waits");
    assertThat(decisions).noneMatch(e -> e.type() == EventType.BREAKPOINT_CONTINUED);
    assertThat(get("/v1/commands/" + first).bodyAsJsonObject().getString("status"))
        .isEqualTo("rejected");
    assertThat(get("/v1/breakpoints").bodyAsJsonObject().getJsonArray("breakpoints")).hasSize(1);
    assertThat(client.resources(TaskRun.class).inNamespace(ns).withName(name).get())
        .extracting(t -> t.getStatus().succeeded().getReason())
        .isEqualTo("Running");

    // With a release image that runs, a new continue releases it, through a new container.
    restartEngine(Map.of());
    HttpResponse<Buffer> again = post("/v1/breakpoints/" + ns + "/" + name + "/build/continue");
    assertThat(again.statusCode()).isIn(200, 202);
    BreakpointContinued continued =
        awaitDecision(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class);
    assertThat(continued.releasedThrough()).isEqualTo(BreakpointContinued.EPHEMERAL_CONTAINER);
    assertThat(continued.releaseContainer()).isNotEqualTo(container);
    Pod pod = client.pods().inNamespace(ns).withName(name + "-pod").get();
    assertThat(pod.getSpec().getEphemeralContainers())
        .extracting(EphemeralContainer::getName, EphemeralContainer::getImage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(container, "registry.invalid/pull-fails:1"),
            org.assertj.core.groups.Tuple.tuple(
                continued.releaseContainer(), EngineConfig.DEFAULT_RELEASE_IMAGE));
    TaskRun done = awaitDone(name);
    assertThat(done.getStatus().succeeded().getStatus()).isEqualTo("True");
    String second = again.bodyAsJsonObject().getString("commandId");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "continued"
                    .equals(get("/v1/commands/" + second).bodyAsJsonObject().getString("status")));
    assertThat(decisions.stream().filter(e -> e.type() == EventType.BREAKPOINT_CONTINUED))
        .hasSize(1);
  }

  @Test
  void execFailureThatIsNotAMissingShellIsRejectedAndTheStepStaysPausedUntilTheRunTimesOut() {
    reach("broken", 2, Mechanism.BEFORE_STEPS);
    awaitDecision(EventType.BREAKPOINT_PAUSED, BreakpointPaused.class);
    HttpResponse<Buffer> posted =
        post("/v1/breakpoints/" + ns + "/build-compile/broken/fail-continue");
    // The owner's rejection, answered by the API: the release failed on the cluster's side.
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(502);
    assertThat(posted.bodyAsJsonObject().getString("reason")).isEqualTo("ExecFailed");
    CommandRejected rejected = awaitDecision(EventType.COMMAND_REJECTED, CommandRejected.class);
    assertThat(execCalls)
        .containsExactly(
            ns
                + "/build-compile-pod/step-broken"
                + " [/tekton/debug/scripts/debug-beforestep-fail-continue]");
    assertThat(rejected.reason()).isEqualTo(CommandRejected.EXEC_FAILED);
    assertThat(rejected.message()).contains("exited with code 1").contains("read-only");
    assertThat(decisions).noneMatch(e -> e.type() == EventType.BREAKPOINT_WARNING);
    assertThat(get("/v1/breakpoints").bodyAsJsonObject().getJsonArray("breakpoints")).hasSize(1);

    observations
        .publish(
            watcher.create(
                EventType.TASKRUN_FINISHED,
                new RunFinished(
                    run, "False", "TaskRunTimeout", "timed out", T0, T0.plusSeconds(3600), null),
                T0.plusSeconds(3600)))
        .await();
    BreakpointEnded ended = awaitDecision(EventType.BREAKPOINT_ENDED, BreakpointEnded.class);
    assertThat(ended.reason()).isEqualTo("TaskRunTimeout");
    assertThat(get("/v1/breakpoints").bodyAsJsonObject().getJsonArray("breakpoints")).isEmpty();
  }

  // ---- helpers ----

  /** Waits for the simulated step's marker line, then publishes the watcher's observation. */
  private RunRef reachSimulated(
      String taskRun, String step, int index, Mechanism m, String marker) {
    String pod = taskRun + "-pod";
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.podLogs().lines(ns, pod, "step-" + step).stream()
                    .map(LogLine::text)
                    .anyMatch(l -> l.contains(marker)));
    TaskRun tr = client.resources(TaskRun.class).inNamespace(ns).withName(taskRun).get();
    RunRef r =
        new RunRef(
            RunRef.TASK_RUN,
            ns,
            taskRun,
            tr.getMetadata().getUid(),
            null,
            null,
            null,
            null,
            null,
            0,
            Map.of(),
            Map.of());
    BreakpointReached reached =
        new BreakpointReached(
            r, new StepRef(step, index, "step-" + step, pod), m, Instant.now(), List.of(), null);
    observations
        .publish(watcher.create(EventType.STEP_BREAKPOINT_REACHED, reached, reached.reachedAt()))
        .await();
    awaitDecision(EventType.BREAKPOINT_PAUSED, BreakpointPaused.class);
    return r;
  }

  private BreakpointWarning awaitWarning(String reason) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                decisions.stream()
                    .filter(e -> e.type() == EventType.BREAKPOINT_WARNING)
                    .map(e -> (BreakpointWarning) e.data())
                    .filter(w -> w.reason().equals(reason))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  private EphemeralContainer onlyEphemeralContainer(String pod) {
    Pod p = client.pods().inNamespace(ns).withName(pod).get();
    assertThat(p.getSpec().getEphemeralContainers()).hasSize(1);
    return p.getSpec().getEphemeralContainers().get(0);
  }

  private TaskRun awaitDone(String name) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.resources(TaskRun.class).inNamespace(ns).withName(name).get(),
            t ->
                t.getStatus() != null
                    && t.getStatus().succeeded() != null
                    && !"Unknown".equals(t.getStatus().succeeded().getStatus()));
  }

  // ---- helpers ----

  private void reach(String step, int index, Mechanism m) {
    BreakpointReached r =
        new BreakpointReached(
            run,
            new StepRef(step, index, "step-" + step, "build-compile-pod"),
            m,
            T0,
            List.of("last line"),
            T0.plusSeconds(3600));
    observations.publish(watcher.create(EventType.STEP_BREAKPOINT_REACHED, r, T0)).await();
  }

  private <T> T awaitDecision(EventType type, Class<T> data) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> decisions.stream().filter(e -> e.type() == type).findFirst(), Optional::isPresent)
        .map(e -> data.cast(e.data()))
        .orElseThrow();
  }

  private HttpResponse<Buffer> get(String path) {
    return web.get(engine.httpPort(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer " + TOKEN)
        .send()
        .await();
  }

  private HttpResponse<Buffer> post(String path) {
    return web.post(engine.httpPort(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer " + TOKEN)
        .send()
        .await();
  }
}
