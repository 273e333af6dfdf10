package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.Command;
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
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.receivers.SlackApiEmulator;
import dev.pitstop.sandbox.receivers.SlackApiEmulator.Message;
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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two notifier instances in one group with Slack (the SDK pointed at {@link SlackApiEmulator}) and
 * the interactivity endpoint each, and a stand-in engine that rejects every command: a click taken
 * by the instance that does not consume the run's partition is still told to the clicker, by the
 * instance that consumes the {@code command.rejected} (it holds the run's card), as an ephemeral
 * message in the card's channel; a click taken by the owner is told through its {@code
 * response_url} as before, and only once.
 */
@Timeout(180)
class SlackRejectionScaleOutIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String SECRET = "slack-scale-out-signing-secret";
  private static final String TOKEN = "xoxb-test-0000000000-slackscaleout";
  private static final String CHANNEL = "#ci-builds";
  private static final String CHANNEL_ID = "C0CIBUILDS";
  private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  @TempDir Path dir;
  private final String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
  private final Topics topics = new Topics("slack-scale-it-" + UUID.randomUUID() + ".");
  private final List<JsonObject> replies = new CopyOnWriteArrayList<>();
  private final List<PitstopEvent> commands = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private Vertx vertxA;
  private Vertx vertxB;
  private NotifierService a;
  private NotifierService b;
  private EventPublisher engine;
  private HttpServer responseUrls;
  private SlackApiEmulator slackApi;
  private Admin admin;

  @BeforeEach
  void start() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    vertx = Vertx.vertx();
    admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
    KafkaSettings kafka = KafkaSettings.of(bootstrap, topics);
    // The engine, as far as this test needs it: every command is rejected Forbidden.
    engine = new EventPublisher(vertx, kafka, "it-engine");
    EventFactory engineEvents = new EventFactory("sandbox", "breakpoint-engine");
    vertx
        .deployVerticle(
            new EventConsumer(
                kafka,
                EventConsumer.topics(topics.commands()),
                "it-engine-" + UUID.randomUUID(),
                engine,
                e -> {
                  commands.add(e);
                  Command c = (Command) e.data();
                  return engine
                      .publish(
                          engineEvents.create(
                              EventType.COMMAND_REJECTED,
                              new CommandRejected(
                                  c,
                                  CommandRejected.FORBIDDEN,
                                  c.requestedBy().username()
                                      + " may not create pods/exec in namespace "
                                      + c.run().namespace(),
                                  Instant.now()),
                              Instant.now()))
                      .mapEmpty();
                }))
        .await();
    responseUrls =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              replies.add(body.toJsonObject());
                              req.response().end("ok");
                            }))
            .listen(0, "127.0.0.1")
            .await();
    slackApi = SlackApiEmulator.start(TOKEN).addChannel(CHANNEL, CHANNEL_ID);
    Path users =
        Files.writeString(
            dir.resolve("users.yaml"),
            "users:\n  U0ALICE: {username: alice}\n  U0BOB: {username: bob}\n");
    Path routes =
        Files.writeString(
            dir.resolve("routes.yaml"),
            "routes:\n  - match: {namespaces: [" + ns + "]}\n    slack: \"" + CHANNEL + "\"\n");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("NOTIFIER_SLACK_SIGNING_SECRET", SECRET);
    env.put("NOTIFIER_SLACK_USERS_FILE", users.toString());
    env.put("NOTIFIER_SLACK_INTERACTIVITY_HOST", "127.0.0.1");
    env.put("NOTIFIER_SLACK_INTERACTIVITY_PORT", "0");
    env.put(
        "NOTIFIER_SLACK_RESPONSE_URL_PREFIXES",
        "http://127.0.0.1:" + responseUrls.actualPort() + "/");
    env.put("NOTIFIER_ROUTES_FILE", routes.toString());
    env.put("NOTIFIER_SLACK_TOKEN", TOKEN);
    env.put("NOTIFIER_SLACK_API_URL", slackApi.apiUrl());
    env.put("NOTIFIER_SLACK_CARD_POST_ON", "pause");
    env.put(
        "NOTIFIER_SLACK_INTERVAL",
        Math.max(100, dev.pitstop.sandbox.time.SandboxTime.ofSeconds(1).toMillis()) + "ms");
    NotifierConfig config = NotifierConfig.fromMap(env);
    vertxA = Vertx.vertx();
    a = NotifierService.start(vertxA, config).await();
    vertxB = Vertx.vertx();
    b = NotifierService.start(vertxB, config).await();
    await().atMost(WAIT).until(this::bothAssigned);
  }

  @AfterEach
  void stop() {
    for (NotifierService n : new NotifierService[] {a, b}) {
      if (n != null) {
        n.stop().await();
      }
    }
    for (Vertx v : new Vertx[] {vertxA, vertxB, vertx}) {
      if (v != null) {
        v.close().await();
      }
    }
    if (admin != null) {
      admin.close();
    }
    if (slackApi != null) {
      slackApi.close();
    }
  }

  @Test
  void aRejectionReachesTheClickerWhicheverInstanceTookTheClick() throws Exception {
    String prUid = "pr-" + UUID.randomUUID();
    RunRef run =
        new RunRef(
            RunRef.TASK_RUN,
            ns,
            "build-compile",
            "tr-" + UUID.randomUUID(),
            "build",
            prUid,
            "build",
            "compile",
            null,
            0,
            Map.of(),
            Map.of());
    engine
        .publish(
            new EventFactory("sandbox", "breakpoint-engine")
                .create(
                    EventType.BREAKPOINT_PAUSED,
                    new BreakpointPaused(
                        run,
                        new StepRef("test", 0, "step-test", "build-compile-pod"),
                        Mechanism.ON_FAILURE,
                        T0,
                        T0,
                        List.of("FAIL"),
                        null,
                        "sh"),
                    T0))
        .await();
    await().atMost(WAIT).until(() -> button().isPresent());
    Message card = slackApi.topLevel(CHANNEL).get(0);
    // The poster knows the card once Slack's answer reached it (after the emulator recorded it).
    await().atMost(WAIT).until(() -> knows(a, card) || knows(b, card));
    // The owner of the run's partition posted the card and knows it; the other does not.
    NotifierService owner = knows(a, card) ? a : b;
    NotifierService other = owner == a ? b : a;
    assertThat(knows(owner, card)).isTrue();
    assertThat(knows(other, card)).as("only one instance holds the card").isFalse();

    // bob clicks; the click reaches the instance that does not consume the run's partition.
    String responseUrl = "http://127.0.0.1:" + responseUrls.actualPort() + "/actions/T1/1/x";
    assertThat(click(other, "U0BOB", button().orElseThrow(), responseUrl, card)).isEqualTo(200);
    await().atMost(WAIT).until(() -> ephemerals().size() == 1);
    Message told = ephemerals().get(0);
    assertThat(told.ephemeralUser()).isEqualTo("U0BOB");
    assertThat(told.channel()).isEqualTo(CHANNEL_ID);
    assertThat(told.latest().text())
        .contains(":no_entry: Pitstop did not continue `" + ns + "/build-compile/test`")
        .contains("Forbidden")
        .contains("bob may not create pods/exec in namespace " + ns);
    assertThat(replies).as("the taker does not see the rejection").isEmpty();
    assertThat(commands).hasSize(1);
    assertThat(((Command) commands.get(0).data()).requestedBy().attribute(Identity.SLACK_USER_ID))
        .isEqualTo("U0BOB");

    // alice clicks on the owner: told through the click's response_url, not a second time.
    assertThat(click(owner, "U0ALICE", button().orElseThrow(), responseUrl, card)).isEqualTo(200);
    await().atMost(WAIT).until(() -> replies.size() == 1);
    assertThat(replies.get(0).getString("response_type")).isEqualTo("ephemeral");
    assertThat(replies.get(0).getString("text"))
        .contains("Forbidden")
        .contains("alice may not create pods/exec");
    await().atMost(WAIT).until(() -> commands.size() == 2);
    assertThat(ephemerals()).as("no chat.postEphemeral for alice's click").hasSize(1);
    assertThat(slackApi.calls("chat.postEphemeral")).isEqualTo(1);
  }

  private List<Message> ephemerals() {
    return slackApi.messages(CHANNEL).stream().filter(m -> m.ephemeralUser() != null).toList();
  }

  private static boolean knows(NotifierService n, Message card) {
    return n.slackCards().orElseThrow().pauseOf(card.channel(), card.ts()).isPresent();
  }

  /** The card's Continue button value, once the card is posted. */
  private java.util.Optional<String> button() {
    List<Message> top = slackApi.topLevel(CHANNEL);
    if (top.isEmpty() || top.get(0).latest().blocks() == null) {
      return java.util.Optional.empty();
    }
    for (JsonNode block : top.get(0).latest().blocks()) {
      for (JsonNode element : block.path("elements")) {
        if (StatusCard.CONTINUE.equals(element.path("action_id").asText())) {
          return java.util.Optional.of(element.path("value").asText());
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** A signed click on the card's Continue button, posted to {@code to}'s endpoint. */
  private int click(NotifierService to, String user, String value, String responseUrl, Message card)
      throws Exception {
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
                + to.slackInteractivity().orElseThrow().port()
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

  /** The notifier group is stable with exactly these two members, each holding partitions. */
  private boolean bothAssigned() throws Exception {
    ConsumerGroupDescription d =
        admin
            .describeConsumerGroups(List.of(NotifierService.GROUP))
            .describedGroups()
            .get(NotifierService.GROUP)
            .get(10, TimeUnit.SECONDS);
    return d.groupState() == org.apache.kafka.common.GroupState.STABLE
        && d.members().size() == 2
        && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
  }
}
