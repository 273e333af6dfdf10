package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.engine.EngineConfig;
import dev.pitstop.engine.EngineService;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.notifier.NotifierService;
import dev.pitstop.notifier.slack.SlackSignature;
import dev.pitstop.notifier.slack.StatusCard;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.k8s.ExecResult;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.receivers.SlackApiEmulator;
import dev.pitstop.sandbox.receivers.SlackApiEmulator.Message;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A click on a status card's button, through the notifier's Slack endpoint, to the real breakpoint
 * engine, which authorizes the mapped identity by SubjectAccessReview (the sandbox API answers it)
 * and releases the paused step by exec. The notifier also has a Slack token (its SDK pointed at
 * {@link SlackApiEmulator}), so the click is made as Slack would make it: with the button value
 * read from the card the emulator recorded, and the release is seen replacing that card's buttons
 * (issue #4).
 */
@Timeout(180)
class SlackToEngineIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "slack-to-engine-signing-secret";
  private static final String TOKEN = "xoxb-test-0000000000-slacktoengine";
  private static final String CHANNEL = "#ci-builds";
  private static final String CHANNEL_ID = "C0CIBUILDS";
  private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  private final String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
  private final Topics topics = new Topics("slack-engine-it-" + UUID.randomUUID() + ".");
  private final List<String> execCalls = new CopyOnWriteArrayList<>();
  private final List<PitstopEvent> decisions = new CopyOnWriteArrayList<>();
  private final List<JsonObject> replies = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private SandboxApiServer api;
  private KubernetesClient client;
  private Vertx vertx;
  private Vertx engineVertx;
  private EngineService engine;
  private NotifierService notifier;
  private EventPublisher watcher;
  private HttpServer slack;
  private SlackApiEmulator slackApi;
  private RunRef run;

  @BeforeEach
  void start() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    api = SandboxApiServer.start();
    api.addUser("alice-token", "alice").allow("alice", "create", "pods", "exec", ns);
    api.addUser("bob-token", "bob");
    api.setExecHandler(
        (namespace, pod, container, command) -> {
          execCalls.add(namespace + "/" + pod + "/" + container + " " + command);
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
                .withName("step-test")
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
            "tr-" + ns,
            "build",
            "pr-" + ns,
            "build",
            "compile",
            null,
            0,
            Map.of(),
            Map.of());

    vertx = Vertx.vertx();
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
    slack =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            b -> {
                              replies.add(b.toJsonObject());
                              req.response().end("ok");
                            }))
            .listen(0, "127.0.0.1")
            .await();

    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("ENGINE_HTTP_HOST", "127.0.0.1");
    env.put("ENGINE_HTTP_PORT", "0");
    env.put("ENGINE_AUTH", "kubernetes");
    env.put("ENGINE_AUTHORIZE_COMMANDS", "true");
    env.put("ENGINE_WEBHOOK_PORT", "0");
    env.put("ENGINE_WEBHOOK_HOST", "127.0.0.1");
    env.put("ENGINE_EXEC_TIMEOUT", "10s");
    engineVertx = Vertx.vertx();
    engine = EngineService.start(engineVertx, EngineConfig.fromMap(env), client).await();

    Path users =
        Files.writeString(
            dir.resolve("users.yaml"),
            "users:\n  U0ALICE: {username: alice}\n  U0BOB: {username: bob}\n");
    env.put("NOTIFIER_SLACK_SIGNING_SECRET", SECRET);
    env.put("NOTIFIER_SLACK_USERS_FILE", users.toString());
    env.put("NOTIFIER_SLACK_INTERACTIVITY_HOST", "127.0.0.1");
    env.put("NOTIFIER_SLACK_INTERACTIVITY_PORT", "0");
    env.put("NOTIFIER_SLACK_RESPONSE_URL_PREFIXES", "http://127.0.0.1:" + slack.actualPort() + "/");
    slackApi = SlackApiEmulator.start(TOKEN).addChannel(CHANNEL, CHANNEL_ID);
    Path routes =
        Files.writeString(
            dir.resolve("routes.yaml"),
            "routes:\n  - match: {namespaces: [" + ns + "]}\n    slack: \"" + CHANNEL + "\"\n");
    env.put("NOTIFIER_ROUTES_FILE", routes.toString());
    env.put("NOTIFIER_SLACK_TOKEN", TOKEN);
    env.put("NOTIFIER_SLACK_API_URL", slackApi.apiUrl());
    env.put("NOTIFIER_SLACK_CARD_POST_ON", "pause");
    env.put(
        "NOTIFIER_SLACK_INTERVAL",
        Math.max(100, dev.pitstop.sandbox.time.SandboxTime.ofSeconds(1).toMillis()) + "ms");
    notifier = NotifierService.start(vertx, NotifierConfig.fromMap(env)).await();
  }

  @AfterEach
  void stop() {
    if (notifier != null) {
      notifier.stop().await();
    }
    if (engine != null) {
      engine.stop().await();
      engineVertx.close().await();
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
    if (slackApi != null) {
      slackApi.close();
    }
  }

  @Test
  void aForbiddenUsersClickIsRejectedToThemAndAnAllowedUsersClickReleasesTheStep()
      throws Exception {
    watcher
        .publish(
            new EventFactory("it", "watcher")
                .create(
                    EventType.STEP_BREAKPOINT_REACHED,
                    new BreakpointReached(
                        run,
                        new StepRef("test", 0, "step-test", "build-compile-pod"),
                        Mechanism.ON_FAILURE,
                        T0,
                        List.of("FAIL"),
                        T0.plusSeconds(3600)),
                    T0))
        .await();
    BreakpointPaused paused = awaitDecision(EventType.BREAKPOINT_PAUSED, BreakpointPaused.class);
    // The card is posted on the pause, with the buttons; the click carries what the card holds.
    await().atMost(WAIT).until(() -> button(StatusCard.CONTINUE).isPresent());
    Message posted = card();
    String ts = posted.ts();
    String value = button(StatusCard.CONTINUE).orElseThrow();
    assertThat(value).isEqualTo(ButtonValue.of(paused.run(), paused.step().name()).encode());
    assertThat(button(StatusCard.FAIL_CONTINUE)).contains(value);
    String responseUrl = "http://127.0.0.1:" + slack.actualPort() + "/actions/T1/1/x";

    // bob is in the users file but may not exec in the namespace: the engine's review says no.
    assertThat(click("U0BOB", value, responseUrl, posted)).isEqualTo(200);
    CommandRejected rejected = awaitDecision(EventType.COMMAND_REJECTED, CommandRejected.class);
    assertThat(rejected.reason()).isEqualTo(CommandRejected.FORBIDDEN);
    assertThat(rejected.command().requestedBy().attribute(Identity.SLACK_USER_ID))
        .isEqualTo("U0BOB");
    await().atMost(WAIT).until(() -> replies.size() == 1);
    assertThat(replies.get(0).getString("response_type")).isEqualTo("ephemeral");
    assertThat(replies.get(0).getString("text"))
        .contains("Forbidden")
        .contains("bob may not create pods/exec in namespace " + ns);
    assertThat(execCalls).isEmpty();
    // The refusal reached the notifier (it answered bob): the card keeps its buttons.
    assertThat(card().ts()).isEqualTo(ts);
    assertThat(button(StatusCard.CONTINUE)).contains(value);
    assertThat(card().blocksJson()).doesNotContain(StatusCard.RELEASED_BLOCK);

    // alice may: the engine execs the continue script and reports who, with her Slack id.
    assertThat(click("U0ALICE", value, responseUrl, posted)).isEqualTo(200);
    BreakpointContinued continued =
        awaitDecision(EventType.BREAKPOINT_CONTINUED, BreakpointContinued.class);
    assertThat(continued.action()).isEqualTo(Action.CONTINUE);
    assertThat(continued.via()).isEqualTo("slack");
    assertThat(continued.by().username()).isEqualTo("alice");
    assertThat(continued.by().attribute(Identity.SLACK_USER_ID)).isEqualTo("U0ALICE");
    assertThat(execCalls)
        .containsExactly(
            ns + "/build-compile-pod/step-test [/tekton/debug/scripts/debug-continue]");
    PitstopEvent continuedEvent =
        decisions.stream()
            .filter(e -> e.type() == EventType.BREAKPOINT_CONTINUED)
            .findFirst()
            .orElseThrow();
    assertThat(continuedEvent.partitionKey()).isEqualTo("pr-" + ns);
    assertThat(replies).hasSize(1);

    // Once the engine reported the release, the same card (same ts) loses its buttons and names
    // the clicker by mention, so nobody clicks twice.
    await().atMost(WAIT).until(() -> card().blocksJson().contains("Continued by <@U0ALICE>"));
    Message card = card();
    assertThat(card.ts()).isEqualTo(ts);
    assertThat(card.channel()).isEqualTo(CHANNEL_ID);
    assertThat(card.blocksJson())
        .contains(StatusCard.RELEASED_BLOCK)
        .doesNotContain(StatusCard.CONTINUE)
        .doesNotContain(StatusCard.FAIL_CONTINUE)
        .doesNotContain(StatusCard.ACTIONS_BLOCK);
    assertThat(slackApi.topLevel(CHANNEL)).hasSize(1);
    assertThat(slackApi.rateLimited()).isZero();
  }

  /** The one top-level card in the channel. */
  private Message card() {
    List<Message> top = slackApi.topLevel(CHANNEL);
    assertThat(top).hasSize(1);
    return top.get(0);
  }

  /** The value of the card's button with this {@code action_id}, as the emulator recorded it. */
  private Optional<String> button(String actionId) {
    List<Message> top = slackApi.topLevel(CHANNEL);
    if (top.isEmpty() || top.get(0).latest().blocks() == null) {
      return Optional.empty();
    }
    for (JsonNode block : top.get(0).latest().blocks()) {
      if (!"actions".equals(block.path("type").asText())) {
        continue;
      }
      for (JsonNode element : block.path("elements")) {
        if (actionId.equals(element.path("action_id").asText())) {
          return Optional.of(element.path("value").asText());
        }
      }
    }
    return Optional.empty();
  }

  /** Posts a signed click on the card's Continue button, as Slack posts it. */
  private int click(String user, String value, String responseUrl, Message card) throws Exception {
    JsonObject payload = SlackClicks.payload(user, StatusCard.CONTINUE, value, responseUrl);
    payload
        .getJsonObject("container")
        .put("message_ts", card.ts())
        .put("channel_id", card.channel());
    payload.getJsonObject("channel").put("id", card.channel());
    payload.getJsonObject("message").put("ts", card.ts());
    byte[] body = SlackClicks.form(payload);
    long ts = Instant.now().getEpochSecond();
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + notifier.slackInteractivity().orElseThrow().port()
                + SlackInteractivity.PATH);
    return http.send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", "v0=" + new SlackSignature(SECRET).sign(ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private <T> T awaitDecision(EventType type, Class<T> data) {
    return await()
        .atMost(WAIT)
        .until(
            () -> decisions.stream().filter(e -> e.type() == type).findFirst(), o -> o.isPresent())
        .map(e -> data.cast(e.data()))
        .orElseThrow();
  }
}
