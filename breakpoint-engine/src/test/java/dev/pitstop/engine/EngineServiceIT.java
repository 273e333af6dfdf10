package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;
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
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.fabric8.kubernetes.api.model.PodBuilder;
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
 * longer paused is refused over HTTP and rejected on the topic.
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

  Vertx vertx;
  SandboxApiServer api;
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
          if (container.equals("step-distroless")) {
            return ExecResult.failure(127, "exec: \"/bin/sh\": not found\n");
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
                .withName("step-distroless")
                .withImage("gcr.io/distroless/static")
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
    EngineConfig config =
        EngineConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "PITSTOP_TOPIC_PREFIX", topics.prefix(),
                "PITSTOP_CLUSTER", "it",
                "ENGINE_HTTP_HOST", "127.0.0.1",
                "ENGINE_HTTP_PORT", "0",
                "ENGINE_API_TOKENS", "alice=" + TOKEN,
                "ENGINE_EXEC_TIMEOUT", "10s"));
    engine = EngineService.start(vertx, config, client).await();
    web = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.stop().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
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
    assertThat(posted.statusCode()).isEqualTo(202);
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
  void execFailureInAShellLessStepIsRejectedAndTheStepStaysPausedUntilTheRunTimesOut() {
    reach("distroless", 2, Mechanism.BEFORE_STEPS);
    awaitDecision(EventType.BREAKPOINT_PAUSED, BreakpointPaused.class);
    HttpResponse<Buffer> posted =
        post("/v1/breakpoints/" + ns + "/build-compile/distroless/fail-continue");
    assertThat(posted.statusCode()).isEqualTo(202);
    CommandRejected rejected = awaitDecision(EventType.COMMAND_REJECTED, CommandRejected.class);
    assertThat(execCalls)
        .containsExactly(
            ns
                + "/build-compile-pod/step-distroless"
                + " [/tekton/debug/scripts/debug-beforestep-fail-continue]");
    assertThat(rejected.reason()).isEqualTo(CommandRejected.EXEC_FAILED);
    assertThat(rejected.message()).contains("127").contains("not found");
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
