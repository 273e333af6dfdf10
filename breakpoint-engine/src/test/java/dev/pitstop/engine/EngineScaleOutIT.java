package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.engine.admission.AdmissionDecider;
import dev.pitstop.engine.state.StateTopic;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.HoldReleased;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunPending;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.k8s.FailurePolicy;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engine instances in one consumer group on the real broker, over the sandbox's Kubernetes API
 * and Tekton simulator: live pauses and holds on every partition, one instance stops while commands
 * for its runs are under way, the other takes its partitions over (state read from the state
 * topic's matching partitions) and every breakpoint and hold is released exactly once.
 */
class EngineScaleOutIT {
  static final String NS = "default";
  static final int PARTITIONS = 3;

  final Topics topics =
      new Topics("it-engine-scale-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  final List<PitstopEvent> decisions = new CopyOnWriteArrayList<>();
  final EventFactory watcherEvents = new EventFactory("sandbox", "watcher");
  final EventFactory apiEvents = new EventFactory("sandbox", "breakpoint-engine-api");
  SandboxApiServer api;
  TektonSimulator sim;
  KubernetesClient client;
  Vertx vertx;
  Vertx vertxA;
  Vertx vertxB;
  EngineService engineA;
  EngineService engineB;
  EventPublisher publisher;
  WebClient http;
  Map<String, String> env;

  /** A paused step or a held TaskRun, with the run it belongs to. */
  record Live(RunRef run, String step) {
    String name() {
      return run.name() + (step == null ? "" : "/" + step);
    }

    int partition() {
      return StateTopic.partitionOf(run.rootUid(), PARTITIONS);
    }
  }

  @BeforeEach
  void start() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    SharedKafka.createTopics(PARTITIONS, topics.all().toArray(String[]::new));
    api = SandboxApiServer.start();
    api.addUser("alice-token", "alice").allow("alice", "create", "pods", "exec", NS);
    sim =
        TektonSimulator.start(
            api, SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(100)));
    client = api.newClient();
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    KafkaSettings kafka = KafkaSettings.of(bootstrap, topics);
    publisher = new EventPublisher(vertx, kafka, "it-watcher-and-api");
    vertx
        .deployVerticle(
            new EventConsumer(
                kafka,
                EventConsumer.topics(topics.decisions()),
                "it-decisions-" + UUID.randomUUID(),
                publisher,
                e -> {
                  decisions.add(e);
                  return Future.succeededFuture();
                }))
        .await();
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("ENGINE_HTTP_HOST", "127.0.0.1");
    env.put("ENGINE_HTTP_PORT", "0");
    env.put("ENGINE_AUTH", "kubernetes");
    env.put("ENGINE_WEBHOOK_HOST", "localhost");
    env.put("ENGINE_WEBHOOK_PORT", "0");
    env.put("ENGINE_WEBHOOK_CERT_FILE", cert.certificatePath());
    env.put("ENGINE_WEBHOOK_KEY_FILE", cert.privateKeyPath());
    vertxA = Vertx.vertx();
    engineA = EngineService.start(vertxA, EngineConfig.fromMap(env), client).await();
    vertxB = Vertx.vertx();
    engineB = EngineService.start(vertxB, EngineConfig.fromMap(env), client).await();
    // The survivor serves admission (stateless: either instance could).
    api.registerMutatingWebhook(
        "breakpoints.pitstop.dev",
        URI.create("https://localhost:" + engineB.webhookPort() + "/admission/taskruns"),
        Files.readAllBytes(Path.of(cert.certificatePath())),
        Duration.ofSeconds(2),
        FailurePolicy.IGNORE);
  }

  @AfterEach
  void stop() {
    if (engineA != null) {
      engineA.stop().await();
    }
    if (vertxA != null) {
      vertxA.close().await();
    }
    if (engineB != null) {
      engineB.stop().await();
      vertxB.close().await();
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
  void theSurvivorTakesOverTheStoppedInstancesPartitionsAndReleasesEachPauseAndHoldExactlyOnce() {
    // Live pauses (2 per partition) and holds (1 per partition) on every partition.
    List<Live> pauses = new ArrayList<>();
    List<Live> holds = new ArrayList<>();
    for (int i = 0; i < 60 && !covers(pauses, 2); i++) {
      // A run landing on a partition already covered is kept too: it is released as well.
      pauses.add(pause("paused-" + i + "-" + UUID.randomUUID().toString().substring(0, 5)));
    }
    for (int i = 0; i < 30 && !covers(holds, 1); i++) {
      holds.add(hold("held-" + i + "-" + UUID.randomUUID().toString().substring(0, 5)));
    }
    assertThat(covers(pauses, 2) && covers(holds, 1)).as("runs on every partition").isTrue();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count(EventType.BREAKPOINT_PAUSED) == pauses.size()
                    && count(EventType.HOLD_HELD) == holds.size());

    // Each instance owns the runs of its own partitions (and lists the others' from the view).
    Set<String> aKnows = owned(engineA, "/v1/breakpoints", "breakpoints");
    Set<String> bKnows = owned(engineB, "/v1/breakpoints", "breakpoints");
    Set<String> aHolds = owned(engineA, "/v1/holds", "holds");
    assertThat(aKnows).as("A owns some partitions").isNotEmpty();
    assertThat(bKnows).as("B owns the others").isNotEmpty();
    assertThat(aKnows).doesNotContainAnyElementsOf(bKnows);
    assertThat(aKnows.size() + bKnows.size()).isEqualTo(pauses.size());
    assertThat(aHolds).as("A holds some TaskRuns").isNotEmpty();
    List<Live> ofA = pauses.stream().filter(p -> aKnows.contains(p.run().name())).toList();

    // A releases one of its pauses while it runs: its state then says who released it.
    List<String> commandIds = new ArrayList<>();
    Live early = ofA.get(0);
    commandIds.add(command(early));
    await().atMost(Duration.ofSeconds(30)).until(() -> continued(early.run().name()) == 1);

    // Commands for all but A's last pause and A's holds are under way while A stops.
    List<Live> ofAHeld = holds.stream().filter(h -> aHolds.contains(h.run().name())).toList();
    Live last = ofA.get(ofA.size() - 1);
    List<Live> afterStop = new ArrayList<>(ofAHeld);
    if (last != early) {
      afterStop.add(last);
    }
    List<Live> rest = new ArrayList<>(pauses);
    rest.addAll(holds);
    rest.remove(early);
    rest.removeAll(afterStop);
    for (Live l : rest) {
      commandIds.add(command(l));
    }
    engineA.stop().await();
    engineA = null;
    vertxA.close().await();
    vertxA = null;

    // B took A's partitions over with their state: A's pause and holds still wait, in B's lists.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                listed(engineB, "/v1/holds", "holds")
                    .containsAll(ofAHeld.stream().map(h -> h.run().name()).toList()));
    if (last != early) {
      assertThat(listed(engineB, "/v1/breakpoints", "breakpoints")).contains(last.run().name());
    }
    for (Live l : afterStop) {
      commandIds.add(command(l));
    }

    // B took A's partitions over: it lists every pause still waiting, and releases them all.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                pauses.stream().allMatch(p -> continued(p.run().name()) >= 1)
                    && holds.stream().allMatch(h -> released(h.run().name()) >= 1));

    // A second round of commands for everything: each is refused (nothing waits any more). Once
    // all are answered every earlier command on these partitions has been decided.
    List<String> again = new ArrayList<>();
    for (Live l : pauses) {
      again.add(command(l));
    }
    for (Live l : holds) {
      again.add(command(l));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> rejectedIds().containsAll(again));

    for (Live p : pauses) {
      assertThat(continued(p.run().name())).as("continued once: " + p.name()).isEqualTo(1);
    }
    for (Live h : holds) {
      assertThat(released(h.run().name())).as("released once: " + h.name()).isEqualTo(1);
    }
    assertThat(rejectedIds())
        .as("no first command was refused (none was lost in the hand-over)")
        .doesNotContainAnyElementsOf(commandIds);
    assertThat(listed(engineB, "/v1/breakpoints", "breakpoints")).isEmpty();
    assertThat(listed(engineB, "/v1/holds", "holds")).isEmpty();
  }

  @Test
  void everyInstanceListsAllRunsAndAContinueSentToTheNonOwnerReleasesOnceAndAnswersTheOutcome() {
    List<Live> pauses = new ArrayList<>();
    List<Live> holds = new ArrayList<>();
    for (int i = 0; i < 60 && !covers(pauses, 1); i++) {
      pauses.add(pause("global-" + i + "-" + UUID.randomUUID().toString().substring(0, 5)));
    }
    for (int i = 0; i < 30 && !covers(holds, 1); i++) {
      holds.add(hold("gheld-" + i + "-" + UUID.randomUUID().toString().substring(0, 5)));
    }
    Set<String> pauseNames = names(pauses);
    Set<String> holdNames = names(holds);

    // Both APIs list every live pause and hold, whichever instance owns it.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (EngineService e : List.of(engineA, engineB)) {
                assertThat(listed(e, "/v1/breakpoints", "breakpoints")).isEqualTo(pauseNames);
                assertThat(listed(e, "/v1/holds", "holds")).isEqualTo(holdNames);
              }
            });
    Set<String> aOwns = owned(engineA, "/v1/breakpoints", "breakpoints");
    Set<String> bOwns = owned(engineB, "/v1/breakpoints", "breakpoints");
    assertThat(aOwns).isNotEmpty().doesNotContainAnyElementsOf(bOwns);
    assertThat(bOwns).isNotEmpty();
    assertThat(aOwns.size() + bOwns.size()).isEqualTo(pauses.size());

    // A continue of A's pause sent to B's API: B publishes it, A releases, B answers the outcome.
    Live ofA =
        pauses.stream().filter(p -> aOwns.contains(p.run().name())).findFirst().orElseThrow();
    var res = post(engineB, "/v1/breakpoints/" + NS + "/" + ofA.run().name() + "/build/continue");
    assertThat(res.statusCode()).as(res.bodyAsString()).isEqualTo(200);
    JsonObject body = res.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("continued");
    String id = body.getString("commandId");
    assertThat(id).isNotBlank();
    // (this test's own decisions consumer may see the decision after B's API did)
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        decisions.stream()
                            .filter(e -> e.type() == EventType.BREAKPOINT_CONTINUED)
                            .map(e -> e.data(BreakpointContinued.class))
                            .filter(c -> c.run().name().equals(ofA.run().name()))
                            .map(BreakpointContinued::commandId))
                    .as("A carried out B's command")
                    .containsExactly(id));
    // B's /v1/commands knows the outcome too, though A decided it.
    JsonObject outcome = get(engineB, "/v1/commands/" + id);
    assertThat(outcome.getString("status")).isEqualTo("continued");

    // A second continue through B: refused by the owner (or already by B's view), 409 either way.
    var again = post(engineB, "/v1/breakpoints/" + NS + "/" + ofA.run().name() + "/build/continue");
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("error")).contains("not paused");

    // A held TaskRun owned by B, started through A's API.
    Set<String> bHolds = owned(engineB, "/v1/holds", "holds");
    Live heldByB =
        holds.stream().filter(h -> bHolds.contains(h.run().name())).findFirst().orElse(null);
    {
      var r = post(engineA, "/v1/holds/" + NS + "/" + heldByB.run().name() + "/continue");
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("continued");
      await().atMost(Duration.ofSeconds(10)).until(() -> released(heldByB.run().name()) == 1);
    }

    // Unknown everywhere: 404 saying so.
    var unknown = post(engineA, "/v1/breakpoints/" + NS + "/no-such-run/build/continue");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getString("error")).contains("any engine instance");

    // Exactly once: nothing else released that step; both lists drop it.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(listed(engineA, "/v1/breakpoints", "breakpoints"))
                  .doesNotContain(ofA.run().name());
              assertThat(listed(engineB, "/v1/breakpoints", "breakpoints"))
                  .doesNotContain(ofA.run().name());
            });
    assertThat(continued(ofA.run().name())).isEqualTo(1);
  }

  @Test
  void anInstanceThatLosesPartitionsStillListsTheirRunsAndKeepsOneCopyOfWhatItOwns() {
    List<Live> pauses = new ArrayList<>();
    for (int i = 0; i < 60 && !covers(pauses, 1); i++) {
      pauses.add(pause("handover-" + i + "-" + UUID.randomUUID().toString().substring(0, 5)));
    }
    Set<String> all = names(pauses);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(listed(engineA, "/v1/breakpoints", "breakpoints")).isEqualTo(all));

    // B stops: A owns every partition, lists every run from its books (none twice).
    engineB.stop().await();
    engineB = null;
    vertxB.close().await();
    vertxB = null;
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(owned(engineA, "/v1/breakpoints", "breakpoints")).isEqualTo(all);
              assertThat(get(engineA, "/v1/breakpoints").getJsonArray("breakpoints"))
                  .hasSize(all.size());
            });

    // A new instance joins: A hands some partitions over and still lists their runs (from the
    // state its books had, until the new owner writes), marked as not its own.
    vertxB = Vertx.vertx();
    engineB = EngineService.start(vertxB, EngineConfig.fromMap(env), client).await();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Set<String> bOwns = owned(engineB, "/v1/breakpoints", "breakpoints");
              assertThat(bOwns).isNotEmpty();
              Set<String> aOwns = owned(engineA, "/v1/breakpoints", "breakpoints");
              assertThat(aOwns).doesNotContainAnyElementsOf(bOwns);
              assertThat(get(engineA, "/v1/breakpoints").getJsonArray("breakpoints"))
                  .hasSize(all.size());
              assertThat(listed(engineA, "/v1/breakpoints", "breakpoints")).isEqualTo(all);
              assertThat(listed(engineB, "/v1/breakpoints", "breakpoints")).isEqualTo(all);
            });

    // A run A handed over is released through A's API by its new owner, B.
    Set<String> bOwns = owned(engineB, "/v1/breakpoints", "breakpoints");
    Live ofB =
        pauses.stream().filter(p -> bOwns.contains(p.run().name())).findFirst().orElseThrow();
    var res = post(engineA, "/v1/breakpoints/" + NS + "/" + ofB.run().name() + "/build/continue");
    assertThat(res.statusCode()).as(res.bodyAsString()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> continued(ofB.run().name()) == 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(listed(engineA, "/v1/breakpoints", "breakpoints"))
                    .doesNotContain(ofB.run().name()));
  }

  static Set<String> names(List<Live> live) {
    return live.stream().map(l -> l.run().name()).collect(Collectors.toSet());
  }

  io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> post(
      EngineService engine, String path) {
    return http.post(engine.httpPort(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer alice-token")
        .send()
        .await();
  }

  JsonObject get(EngineService engine, String path) {
    return http.get(engine.httpPort(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer alice-token")
        .send()
        .await()
        .bodyAsJsonObject();
  }

  // ---- runs ----

  static boolean covers(List<Live> live, int each) {
    for (int p = 0; p < PARTITIONS; p++) {
      int q = p;
      if (live.stream().filter(l -> l.partition() == q).count() < each) {
        return false;
      }
    }
    return true;
  }

  /**
   * A standalone TaskRun whose step fails and pauses (onFailure), observed as the watcher would.
   */
  Live pause(String name) {
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
          annotations:
            sandbox.pitstop.dev/fail: "-/build"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - {name: build, image: alpine, script: echo building}
        """
            .formatted(name));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                api.podLogs().lines(NS, name + "-pod", "step-build").stream()
                    .anyMatch(
                        l -> l.text().contains("debug onFailure breakpoint has taken effect")));
    RunRef run =
        new RunRef(
            RunRef.TASK_RUN,
            NS,
            name,
            taskRun(name).getMetadata().getUid(),
            null,
            null,
            null,
            null,
            null,
            0,
            Map.of(),
            Map.of());
    Instant at = Instant.now();
    publisher
        .publish(
            watcherEvents.create(
                EventType.STEP_BREAKPOINT_REACHED,
                new BreakpointReached(
                    run,
                    new StepRef("build", 0, "step-build", name + "-pod"),
                    Mechanism.ON_FAILURE,
                    at,
                    List.of("building"),
                    null),
                at))
        .await();
    return new Live(run, "build");
  }

  /** A PipelineRun whose task deploy is held (beforeTasks), observed as the watcher would. */
  Live hold(String pr) {
    sim.apply(SandboxEngine.chain(pr, "{\"beforeTasks\":[\"deploy\"]}"));
    await().atMost(Duration.ofSeconds(30)).until(() -> taskRun(pr + "-deploy") != null);
    TaskRun deploy = taskRun(pr + "-deploy");
    assertThat(deploy.getSpec().status).isEqualTo("TaskRunPending");
    String prUid =
        client
            .resources(PipelineRun.class)
            .inNamespace(NS)
            .withName(pr)
            .get()
            .getMetadata()
            .getUid();
    RunRef run =
        new RunRef(
            RunRef.TASK_RUN,
            NS,
            deploy.getMetadata().getName(),
            deploy.getMetadata().getUid(),
            pr,
            prUid,
            null,
            "deploy",
            null,
            0,
            Map.of(),
            Map.of(AdmissionDecider.HELD_BY, "beforeTasks:deploy"));
    Instant created = Instant.parse(deploy.getMetadata().getCreationTimestamp());
    publisher
        .publish(
            watcherEvents.create(
                EventType.TASKRUN_PENDING, new RunPending(run, created, null), created))
        .await();
    return new Live(run, null);
  }

  TaskRun taskRun(String name) {
    return client.resources(TaskRun.class).inNamespace(NS).withName(name).get();
  }

  /** Publishes a continue as the API would (to the commands topic, keyed by the root run). */
  String command(Live l) {
    Instant now = Instant.now();
    Command c =
        new Command(
            l.run(),
            l.step(),
            Action.CONTINUE,
            Identity.of("alice"),
            "api",
            now,
            UUID.randomUUID().toString());
    publisher.publish(apiEvents.create(EventType.COMMAND_CONTINUE, c, now)).await();
    return c.requestId();
  }

  // ---- what was decided ----

  long count(EventType type) {
    return decisions.stream().filter(e -> e.type() == type).count();
  }

  long continued(String taskRun) {
    return decisions.stream()
        .filter(e -> e.type() == EventType.BREAKPOINT_CONTINUED)
        .filter(e -> e.data(BreakpointContinued.class).run().name().equals(taskRun))
        .count();
  }

  long released(String taskRun) {
    return decisions.stream()
        .filter(e -> e.type() == EventType.HOLD_RELEASED)
        .filter(e -> e.data(HoldReleased.class).run().name().equals(taskRun))
        .count();
  }

  Set<String> rejectedIds() {
    return decisions.stream()
        .filter(e -> e.type() == EventType.COMMAND_REJECTED)
        .map(e -> e.data(CommandRejected.class).command().requestId())
        .collect(Collectors.toSet());
  }

  /** The TaskRun names an instance's API lists as its own (its partitions). */
  Set<String> owned(EngineService engine, String path, String field) {
    JsonArray items = get(engine, path).getJsonArray(field);
    Set<String> out = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      var o = items.getJsonObject(i);
      if (o.getBoolean("ownedHere")) {
        out.add(o.getString("taskRun"));
      }
    }
    return out;
  }

  /**
   * The TaskRun names an instance's API lists. A 503 ("authentication is unavailable; try again":
   * the sandbox's TokenReview did not answer in time on a loaded machine) is asked again, as the
   * API says; any other non-200 fails naming the answer.
   */
  Set<String> listed(EngineService engine, String path, String field) {
    var response =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    http.get(engine.httpPort(), "127.0.0.1", path)
                        .putHeader("Authorization", "Bearer alice-token")
                        .send()
                        .await(),
                r -> r.statusCode() != 503);
    assertThat(response.statusCode())
        .as("GET %s: %s", path, response.bodyAsString())
        .isEqualTo(200);
    JsonArray items = response.bodyAsJsonObject().getJsonArray(field);
    Set<String> out = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      var o = items.getJsonObject(i);
      out.add(o.getString("taskRun"));
    }
    return out;
  }
}
