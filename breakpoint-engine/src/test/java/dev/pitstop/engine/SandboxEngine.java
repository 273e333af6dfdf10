package dev.pitstop.engine;

import static org.awaitility.Awaitility.await;

import dev.pitstop.engine.admission.AdmissionDecider;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.k8s.FailurePolicy;
import dev.pitstop.sandbox.k8s.LogLine;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The engine on the real path, for ITs: the sandbox's API server calls the engine's admission
 * webhook over HTTPS on every TaskRun CREATE ({@code failurePolicy: Ignore}, 2 s); the Tekton
 * simulator moves the runs (steps of 200 ms); the engine authenticates API callers by TokenReview
 * and authorizes by SubjectAccessReview against the sandbox's table (token {@code alice-token} may
 * {@code create pods/exec} in {@value #NS}, {@code bob-token} may not); every decision the engine
 * publishes is collected in {@link #decisions}. The watcher is played by {@link #pending} and
 * {@link #reached} (the engine module does not depend on the watcher): they publish what it would
 * observe, built from the stored TaskRun. One topic prefix per instance.
 */
final class SandboxEngine implements AutoCloseable {
  static final String NS = "default";
  static final String ALICE = "alice-token";
  static final String BOB = "bob-token";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String ON_FAILURE_MARKER = "debug onFailure breakpoint has taken effect";
  static final String BEFORE_STEP_MARKER = "debug before step breakpoint has taken effect";

  final Topics topics;
  final List<PitstopEvent> decisions = new CopyOnWriteArrayList<>();
  final Map<String, String> env = new HashMap<>();
  final SandboxApiServer api;
  final TektonSimulator sim;
  final KubernetesClient client;
  final Vertx vertx;
  final WebClient http;
  final EventPublisher watcher;
  final EventFactory watcherEvents = new EventFactory("sandbox", "watcher");
  Vertx engineVertx;
  EngineService engine;

  /**
   * Starts everything.
   *
   * @param topicTag makes the topic prefix unique and readable ({@code it-<tag>-<random>.})
   * @param extraEnv engine settings added to (or replacing) the defaults here
   */
  static SandboxEngine start(String topicTag, Map<String, String> extraEnv) throws Exception {
    return new SandboxEngine(topicTag, extraEnv, o -> o);
  }

  /** As {@link #start(String, Map)}, with the simulator's options changed by {@code sim}. */
  static SandboxEngine start(
      String topicTag, Map<String, String> extraEnv, UnaryOperator<SimulatorOptions> sim)
      throws Exception {
    return new SandboxEngine(topicTag, extraEnv, sim);
  }

  private SandboxEngine(
      String topicTag, Map<String, String> extraEnv, UnaryOperator<SimulatorOptions> simOptions)
      throws Exception {
    topics =
        new Topics("it-" + topicTag + "-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    String bootstrap = SharedKafka.bootstrapServers();
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    api = SandboxApiServer.start();
    api.addUser(ALICE, "alice").allow("alice", "create", "pods", "exec", NS);
    api.addUser(BOB, "bob");
    sim =
        TektonSimulator.start(
            api,
            simOptions.apply(SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(200))));
    client = api.newClient();
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    KafkaSettings kafka = KafkaSettings.of(bootstrap, topics);
    watcher = new EventPublisher(vertx, kafka, "it-watcher");
    vertx
        .deployVerticle(
            new EventConsumer(
                kafka,
                EventConsumer.topics(topics.decisions()),
                "it-decisions-" + UUID.randomUUID(),
                watcher,
                e -> {
                  decisions.add(e);
                  return Future.succeededFuture();
                }))
        .await();
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("ENGINE_HTTP_HOST", "127.0.0.1");
    env.put("ENGINE_HTTP_PORT", "0");
    env.put("ENGINE_AUTH", "kubernetes");
    env.put("ENGINE_WEBHOOK_HOST", "localhost");
    env.put("ENGINE_WEBHOOK_PORT", "0");
    env.put("ENGINE_WEBHOOK_CERT_FILE", cert.certificatePath());
    env.put("ENGINE_WEBHOOK_KEY_FILE", cert.privateKeyPath());
    env.putAll(extraEnv);
    engineVertx = Vertx.vertx();
    engine = EngineService.start(engineVertx, EngineConfig.fromMap(env), client).await();
    api.registerMutatingWebhook(
        "breakpoints.pitstop.dev",
        URI.create("https://localhost:" + engine.webhookPort() + "/admission/taskruns"),
        Files.readAllBytes(Path.of(cert.certificatePath())),
        Duration.ofSeconds(2),
        FailurePolicy.IGNORE);
  }

  /**
   * Kills the engine (its Vert.x goes away without a clean stop) and starts a new one on the same
   * topics and group. The new one serves its webhook on another port that is not registered: the
   * API server then admits TaskRuns unmutated ({@code failurePolicy: Ignore}).
   */
  void killAndRestartEngine() {
    engineVertx.close().await();
    engineVertx = Vertx.vertx();
    engine = EngineService.start(engineVertx, EngineConfig.fromMap(env), client).await();
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.stop().await();
      engineVertx.close().await();
    }
    vertx.close().await();
    sim.close();
    client.close();
    api.close();
  }

  // ---- the cluster ----

  TaskRun taskRun(String name) {
    return client.resources(TaskRun.class).inNamespace(NS).withName(name).get();
  }

  PipelineRun pipelineRun(String name) {
    return client.resources(PipelineRun.class).inNamespace(NS).withName(name).get();
  }

  /**
   * A TaskRun with Tekton's own breakpoints {@code onFailure: enabled} and {@code beforeSteps:
   * [test]}: step build runs, then the TaskRun pauses before step test.
   */
  static String pausingBeforeTest(String name) {
    return """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
        spec:
          debug:
            breakpoints:
              onFailure: enabled
              beforeSteps: [test]
          taskSpec:
            steps:
            - {name: build, image: alpine, script: echo building}
            - {name: test, image: alpine, script: echo testing}
        """
        .formatted(name);
  }

  /**
   * A PipelineRun carrying {@code breakpoints} as its {@code pitstop.dev/breakpoints} annotation:
   * compile and lint independent, deploy after compile, smoke after deploy.
   */
  static String chain(String name, String breakpoints) {
    return """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: %s
          annotations:
            pitstop.dev/breakpoints: '%s'
        spec:
          pipelineSpec:
            tasks:
              - name: compile
                taskSpec: {steps: [{name: build, image: alpine, script: echo b}]}
              - name: lint
                taskSpec: {steps: [{name: run, image: alpine, script: echo l}]}
              - name: deploy
                runAfter: [compile]
                taskSpec: {steps: [{name: push, image: alpine, script: echo p}]}
              - name: smoke
                runAfter: [deploy]
                taskSpec: {steps: [{name: check, image: alpine, script: echo s}]}
        """
        .formatted(name, breakpoints);
  }

  static boolean succeeded(TaskRun tr) {
    return tr != null
        && tr.getStatus() != null
        && tr.getStatus().succeeded() != null
        && "True".equals(tr.getStatus().succeeded().getStatus());
  }

  static boolean done(TaskRun tr) {
    return tr != null && tr.getStatus() != null && tr.getStatus().isDone();
  }

  TaskRun awaitTaskRun(String name) {
    await().atMost(WAIT).until(() -> taskRun(name) != null);
    return taskRun(name);
  }

  /**
   * The TaskRun once {@code until} holds: its status follows the Pod's (Tekton's reconciler copies
   * the step states), so it may lag what the step's log already shows.
   */
  TaskRun awaitTaskRun(String name, java.util.function.Predicate<TaskRun> until) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              TaskRun t = taskRun(name);
              return t != null && until.test(t);
            });
    return taskRun(name);
  }

  TaskRun awaitDone(String taskRun) {
    await().atMost(WAIT).until(() -> done(taskRun(taskRun)));
    return taskRun(taskRun);
  }

  PipelineRun awaitPipelineRunDone(String name) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              PipelineRun p = pipelineRun(name);
              return p != null && p.getStatus() != null && p.getStatus().isDone();
            });
    return pipelineRun(name);
  }

  /** Waits until step {@code step}'s container logged the Tekton breakpoint marker. */
  void awaitMarker(String taskRun, String step, String marker) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                api.podLogs().lines(NS, taskRun + "-pod", "step-" + step).stream()
                    .map(LogLine::text)
                    .anyMatch(l -> l.contains(marker)));
  }

  static Instant time(String rfc3339) {
    return Instant.parse(rfc3339);
  }

  // ---- the watcher, played ----

  /** The run as the watcher describes it (labels, annotations cut to 256 characters). */
  RunRef ref(TaskRun tr) {
    Map<String, String> labels =
        tr.getMetadata().getLabels() == null ? Map.of() : tr.getMetadata().getLabels();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (tr.getMetadata().getAnnotations() != null) {
      tr.getMetadata()
          .getAnnotations()
          .forEach((k, v) -> annotations.put(k, v.length() > 256 ? v.substring(0, 256) : v));
    }
    return new RunRef(
        RunRef.TASK_RUN,
        NS,
        tr.getMetadata().getName(),
        tr.getMetadata().getUid(),
        labels.get("tekton.dev/pipelineRun"),
        labels.get("tekton.dev/pipelineRunUID"),
        labels.get("tekton.dev/pipeline"),
        labels.get("tekton.dev/pipelineTask"),
        labels.get("tekton.dev/task"),
        0,
        Map.of(),
        annotations);
  }

  /** Publishes {@code taskrun.pending} for a TaskRun created held (it must carry held-by). */
  void pending(String taskRun) {
    TaskRun tr = taskRun(taskRun);
    if (tr.getMetadata().getAnnotations() == null
        || !tr.getMetadata().getAnnotations().containsKey(AdmissionDecider.HELD_BY)) {
      throw new IllegalStateException(taskRun + " was not created held by Pitstop");
    }
    Instant created = time(tr.getMetadata().getCreationTimestamp());
    publish(EventType.TASKRUN_PENDING, new RunPending(ref(tr), created, null), created);
  }

  /** Publishes {@code step.breakpoint.reached} for step {@code index} named {@code step}. */
  void reached(String taskRun, String step, int index, Mechanism mechanism) {
    Instant at = Instant.now();
    publish(
        EventType.STEP_BREAKPOINT_REACHED,
        new BreakpointReached(
            ref(taskRun(taskRun)),
            new StepRef(step, index, "step-" + step, taskRun + "-pod"),
            mechanism,
            at,
            List.of(),
            null),
        at);
  }

  private void publish(EventType type, EventData data, Instant time) {
    watcher.publish(watcherEvents.create(type, data, time)).await();
  }

  // ---- the engine ----

  boolean has(EventType type) {
    return decisions.stream().anyMatch(e -> e.type() == type);
  }

  <T extends EventData> List<T> events(EventType type, Class<T> data) {
    return decisions.stream().filter(e -> e.type() == type).map(e -> e.data(data)).toList();
  }

  <T extends EventData> T awaitEvent(EventType type, Class<T> data) {
    await().atMost(WAIT).until(() -> has(type));
    return events(type, data).get(0);
  }

  int post(String path, String token) {
    var req = http.post(engine.httpPort(), "127.0.0.1", path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.send().await().statusCode();
  }

  /** POSTs {@code /v1/breakpoints/<ns>/<taskRun>/<step>/<action>} as alice. */
  int releaseStep(String taskRun, String step, String action) {
    return post("/v1/breakpoints/" + NS + "/" + taskRun + "/" + step + "/" + action, ALICE);
  }

  /** POSTs {@code /v1/holds/<ns>/<taskRun>/<action>} as alice. */
  int releaseHold(String taskRun, String action) {
    return post("/v1/holds/" + NS + "/" + taskRun + "/" + action, ALICE);
  }
}
