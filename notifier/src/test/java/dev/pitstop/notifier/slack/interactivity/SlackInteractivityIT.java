package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.CommandRejected;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.notifier.NotifierService;
import dev.pitstop.notifier.slack.SlackSignature;
import dev.pitstop.notifier.slack.StatusCard;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier's Slack interactivity endpoint, started by {@link NotifierService}, against the real
 * embedded broker, signed requests as Slack sends them, and a local HTTP server as the clicks'
 * {@code response_url}.
 */
@Timeout(120)
class SlackInteractivityIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final SlackSignature SIGNER = new SlackSignature(SECRET);

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<JsonObject> replies = new CopyOnWriteArrayList<>();
  private final List<ConsumerRecord<String, byte[]>> commands = new CopyOnWriteArrayList<>();
  private Topics topics;
  private HttpServer slack;
  private NotifierService service;
  private KafkaConsumer<String, byte[]> consumer;
  private String responseUrl;
  private URI endpoint;

  @BeforeEach
  void start() throws Exception {
    topics = new Topics("slack-it-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    slack =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            b -> {
                              replies.add(b.toJsonObject().put("path", req.path()));
                              req.response().setStatusCode(200).end("ok");
                            }))
            .listen(0, "127.0.0.1")
            .await();
    responseUrl = "http://127.0.0.1:" + slack.actualPort() + "/actions/T024BE7LD/1/abc";
    Path users =
        Files.writeString(
            dir.resolve("users.yaml"),
            "users:\n  U024BE7LH: {username: alice@example.com, groups: [developers]}\n");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("NOTIFIER_SLACK_SIGNING_SECRET", SECRET);
    env.put("NOTIFIER_SLACK_USERS_FILE", users.toString());
    env.put("NOTIFIER_SLACK_INTERACTIVITY_HOST", "127.0.0.1");
    env.put("NOTIFIER_SLACK_INTERACTIVITY_PORT", "0");
    env.put("NOTIFIER_SLACK_MAX_BODY_BYTES", "4096");
    env.put("NOTIFIER_SLACK_RESPONSE_URL_PREFIXES", "http://127.0.0.1:" + slack.actualPort() + "/");
    service = NotifierService.start(vertx, NotifierConfig.fromMap(env)).await();
    endpoint =
        URI.create(
            "http://127.0.0.1:"
                + service.slackInteractivity().orElseThrow().port()
                + SlackInteractivity.PATH);
    consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                SharedKafka.bootstrapServers(),
                "group.id",
                "it-" + UUID.randomUUID(),
                "auto.offset.reset",
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(topics.commands()));
  }

  @AfterEach
  void stop() {
    if (consumer != null) {
      consumer.close();
    }
    if (service != null) {
      service.stop().await();
    }
    slack.close().await();
    vertx.close().await();
  }

  @Test
  void aSignedClickOfAKnownUserPublishesExactlyOneCommandKeyedByTheRootRunEvenWhenReplayed()
      throws Exception {
    byte[] body =
        SlackClicks.form(
            SlackClicks.payload(
                "U024BE7LH", StatusCard.FAIL_CONTINUE, SlackClicks.VALUE, responseUrl));
    long ts = Instant.now().getEpochSecond();
    HttpResponse<String> r = post(body, ts, null);
    assertThat(r.statusCode()).isEqualTo(200);
    // The same signed request again (a replay within Slack's 5 minutes) does nothing.
    assertThat(post(body, ts, null).statusCode()).isEqualTo(200);

    awaitCommands(1);
    // Exactly one: nothing else follows.
    await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> poll() == 1);
    ConsumerRecord<String, byte[]> rec = commands.get(0);
    assertThat(rec.key()).isEqualTo(SlackClicks.PIPELINE_RUN_UID);
    PitstopEvent e = EventRecords.decode(rec.headers(), rec.value());
    assertThat(e.type()).isEqualTo(EventType.COMMAND_FAIL_CONTINUE);
    assertThat(e.partitionKey()).isEqualTo(SlackClicks.PIPELINE_RUN_UID);
    assertThat(e.source().toString()).isEqualTo("/pitstop/sandbox/notifier");
    Command c = (Command) e.data();
    assertThat(c.action()).isEqualTo(Action.FAIL_CONTINUE);
    assertThat(c.via()).isEqualTo("slack");
    assertThat(c.run().namespace()).isEqualTo("ci");
    assertThat(c.run().name()).isEqualTo("build-x7k2p-compile");
    assertThat(c.step()).isEqualTo("test");
    assertThat(c.requestId()).isEqualTo(e.id());
    assertThat(c.requestedBy())
        .isEqualTo(
            new Identity(
                "alice@example.com",
                List.of("developers"),
                Map.of(
                    Identity.SLACK_USER_ID, "U024BE7LH",
                    Identity.SLACK_USER_NAME, "alice",
                    Identity.SLACK_TEAM_ID, "T024BE7LD")));
    assertThat(replies).isEmpty();

    // The engine rejects it (as its SubjectAccessReview would): the user is told why, once.
    EventFactory engine = new EventFactory("sandbox", "breakpoint-engine");
    try (EventPublisher p =
        new EventPublisher(vertx, KafkaSettings.of(SharedKafka.bootstrapServers(), topics), "it")) {
      p.publish(
              engine.create(
                  EventType.COMMAND_REJECTED,
                  new CommandRejected(
                      c,
                      CommandRejected.FORBIDDEN,
                      "alice@example.com may not create pods/exec in ci",
                      Instant.now()),
                  Instant.now()))
          .await();
    }
    await().atMost(WAIT).until(() -> replies.size() == 1);
    JsonObject reply = replies.get(0);
    assertThat(reply.getString("path")).isEqualTo("/actions/T024BE7LD/1/abc");
    assertThat(reply.getString("response_type")).isEqualTo("ephemeral");
    assertThat(reply.getBoolean("replace_original")).isFalse();
    assertThat(reply.getString("text"))
        .contains("fail-continue")
        .contains("ci/build-x7k2p-compile/test")
        .contains("Forbidden")
        .contains("may not create pods/exec in ci");
    await().atMost(WAIT).until(() -> service.slackInteractivity().orElseThrow().pending() == 0);
  }

  @Test
  void refusesForgedStaleMalformedAndOversizedRequestsAndUnknownUsersWithoutACommand()
      throws Exception {
    long now = Instant.now().getEpochSecond();
    byte[] good =
        SlackClicks.form(
            SlackClicks.payload("U024BE7LH", StatusCard.CONTINUE, SlackClicks.VALUE, responseUrl));

    HttpResponse<String> forged = post(good, now, "v0=" + "0".repeat(64));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("signature does not match");

    HttpResponse<String> unsigned =
        http.send(
            HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(good))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.body()).contains("missing X-Slack-Request-Timestamp");

    HttpResponse<String> stale = post(good, now - 6 * 60, null);
    assertThat(stale.statusCode()).isEqualTo(401);
    assertThat(stale.body()).contains("older");

    HttpResponse<String> future = post(good, now + 6 * 60, null);
    assertThat(future.statusCode()).isEqualTo(401);

    HttpResponse<String> notJson = post(SlackClicks.form("{oops"), now, null);
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).isEqualTo("the payload is not JSON");

    HttpResponse<String> forgedValue =
        post(
            SlackClicks.form(
                SlackClicks.payload(
                    "U024BE7LH", StatusCard.CONTINUE, "ci/build-x7k2p-compile/test", responseUrl)),
            now,
            null);
    assertThat(forgedValue.statusCode()).isEqualTo(400);
    assertThat(forgedValue.body()).contains("not v1|");

    HttpResponse<String> unknownAction =
        post(
            SlackClicks.form(
                SlackClicks.payload("U024BE7LH", "pitstop.nuke", SlackClicks.VALUE, responseUrl)),
            now,
            null);
    assertThat(unknownAction.statusCode()).isEqualTo(400);
    assertThat(unknownAction.body()).contains("action_id");

    byte[] big =
        SlackClicks.form(
            SlackClicks.payload("U024BE7LH", StatusCard.CONTINUE, SlackClicks.VALUE, responseUrl)
                .put("padding", "x".repeat(5_000)));
    HttpResponse<String> tooLarge = post(big, now, null);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("larger than 4096 bytes");

    HttpResponse<String> stranger =
        post(
            SlackClicks.form(
                SlackClicks.payload(
                    "U0STRANGER", StatusCard.CONTINUE, SlackClicks.VALUE, responseUrl)),
            now,
            null);
    assertThat(stranger.statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> replies.size() == 1);
    assertThat(replies.get(0).getString("response_type")).isEqualTo("ephemeral");
    assertThat(replies.get(0).getString("text"))
        .contains("does not know your Slack user (U0STRANGER)")
        .contains("NOTIFIER_SLACK_USERS_FILE");

    // A response_url elsewhere than the allowed prefix is not answered.
    HttpResponse<String> elsewhere =
        post(
            SlackClicks.form(
                SlackClicks.payload(
                    "U0STRANGER",
                    StatusCard.CONTINUE,
                    SlackClicks.VALUE,
                    "http://127.0.0.2:" + slack.actualPort() + "/actions/x")),
            now,
            null);
    assertThat(elsewhere.statusCode()).isEqualTo(200);

    // None of these published a command; a good click afterwards does (the topic is read).
    assertThat(post(good, now, null).statusCode()).isEqualTo(200);
    awaitCommands(1);
    await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> poll() == 1);
    assertThat(replies).hasSize(1);
  }

  private HttpResponse<String> post(byte[] body, long timestamp, String signature)
      throws Exception {
    String sig = signature != null ? signature : "v0=" + SIGNER.sign(timestamp, body);
    return http.send(
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
            .header("X-Slack-Signature", sig)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private int poll() {
    consumer.poll(Duration.ofMillis(200)).forEach(commands::add);
    return commands.size();
  }

  private void awaitCommands(int n) {
    await().atMost(WAIT).until(() -> poll() >= n);
  }
}
