package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.k8s.LogLine;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine releasing a step of a TaskRun that the sandbox's Tekton simulator runs: the release
 * really is Tekton's script exec'd in the paused step's container, and the run goes on. (The
 * watcher is not part of this test: the observation is published by hand.)
 */
class EngineSimulatorIT {
  static final String TOKEN = "it-sim-token";

  final Topics topics =
      new Topics("it-engine-sim-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  final List<PitstopEvent> decisions = new CopyOnWriteArrayList<>();
  SandboxApiServer api;
  TektonSimulator sim;
  KubernetesClient client;
  Vertx vertx;
  EngineService engine;

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
  void continueReleasesAnOnFailurePauseInTheSimulatedTaskRunWhichThenSucceeds() {
    String bootstrap = SharedKafka.bootstrapServers();
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    api = SandboxApiServer.start();
    sim =
        TektonSimulator.start(
            api, SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(100)));
    client = api.newClient();
    vertx = Vertx.vertx();
    KafkaSettings kafka = KafkaSettings.of(bootstrap, topics);
    EventPublisher watcher = new EventPublisher(vertx, kafka, "it-watcher");
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
    engine =
        EngineService.start(
                vertx,
                EngineConfig.fromMap(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        bootstrap,
                        "PITSTOP_TOPIC_PREFIX",
                        topics.prefix(),
                        "ENGINE_HTTP_HOST",
                        "127.0.0.1",
                        "ENGINE_HTTP_PORT",
                        "0",
                        "ENGINE_API_TOKENS",
                        "alice=" + TOKEN)),
                client)
            .await();

    String name = "paused-" + UUID.randomUUID().toString().substring(0, 6);
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
            - name: build
              image: alpine
              script: echo building
            - name: test
              image: alpine
              script: echo testing
        """
            .formatted(name));
    String pod = name + "-pod";
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.podLogs().lines("default", pod, "step-build").stream()
                    .map(LogLine::text)
                    .anyMatch(l -> l.contains("debug onFailure breakpoint has taken effect")));
    TaskRun tr = client.resources(TaskRun.class).inNamespace("default").withName(name).get();
    RunRef run =
        new RunRef(
            RunRef.TASK_RUN,
            "default",
            name,
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
            run,
            new StepRef("build", 0, "step-build", pod),
            Mechanism.ON_FAILURE,
            Instant.now(),
            List.of("building"),
            null);
    watcher
        .publish(
            new EventFactory("sandbox", "watcher")
                .create(EventType.STEP_BREAKPOINT_REACHED, reached, reached.reachedAt()))
        .await();
    await().atMost(Duration.ofSeconds(30)).until(() -> has(EventType.BREAKPOINT_PAUSED));

    int status =
        WebClient.create(vertx)
            .post(
                engine.httpPort(),
                "127.0.0.1",
                "/v1/breakpoints/default/" + name + "/build/continue")
            .putHeader("Authorization", "Bearer " + TOKEN)
            .send()
            .await()
            .statusCode();
    assertThat(status).isIn(200, 202);

    await().atMost(Duration.ofSeconds(30)).until(() -> has(EventType.BREAKPOINT_CONTINUED));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              TaskRun t =
                  client.resources(TaskRun.class).inNamespace("default").withName(name).get();
              return t.getStatus() != null
                  && t.getStatus().succeeded() != null
                  && "True".equals(t.getStatus().succeeded().getStatus());
            });
    TaskRun done = client.resources(TaskRun.class).inNamespace("default").withName(name).get();
    assertThat(done.getStatus().steps)
        .extracting(s -> s.terminationReason)
        .containsExactly("Completed", "Completed");
  }

  private boolean has(EventType type) {
    return decisions.stream().anyMatch(e -> e.type() == type);
  }
}
