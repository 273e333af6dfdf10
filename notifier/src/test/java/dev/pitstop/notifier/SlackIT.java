package dev.pitstop.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.receivers.SlackApiEmulator;
import dev.pitstop.sandbox.receivers.SlackApiEmulator.Message;
import dev.pitstop.sandbox.time.SandboxTime;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slack status cards end to end: the notifier against the real embedded broker, its SDK pointed at
 * {@link SlackApiEmulator} on loopback.
 */
@Timeout(180)
class SlackIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOKEN = "xoxb-test-0000000000-abcdefghijkl";
  private static final String CHANNEL = "#ci-builds";
  private static final String CHANNEL_ID = "C0CIBUILDS";
  private static final EventFactory F = new EventFactory("sandbox", "watcher");

  private final Vertx vertx = Vertx.vertx();
  private SlackApiEmulator slack;
  private Topics topics;
  private EventPublisher publisher;
  private NotifierService service;
  private RunRef root;
  private RunRef child;

  @BeforeEach
  void setUp() throws Exception {
    topics = new Topics("slack-it-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    publisher =
        new EventPublisher(vertx, KafkaSettings.of(SharedKafka.bootstrapServers(), topics), "it");
    slack = SlackApiEmulator.start(TOKEN).addChannel(CHANNEL, CHANNEL_ID);
    run(Map.of());
  }

  /** A fresh PipelineRun like the sample one (and its TaskRun), with these annotations. */
  private void run(Map<String, String> annotations) {
    RunRef p = SampleEvents.PIPELINE_RUN;
    RunRef t = SampleEvents.TASK_RUN;
    String uid = UUID.randomUUID().toString();
    root =
        new RunRef(
            p.kind(),
            "ci",
            p.name(),
            uid,
            null,
            null,
            p.pipeline(),
            null,
            null,
            0,
            p.labels(),
            annotations);
    child =
        new RunRef(
            t.kind(),
            "ci",
            t.name(),
            UUID.randomUUID().toString(),
            p.name(),
            uid,
            p.pipeline(),
            t.pipelineTask(),
            t.task(),
            0,
            t.labels(),
            annotations);
  }

  @AfterEach
  void tearDown() {
    if (service != null) {
      service.stop().await();
    }
    publisher.close();
    vertx.close().await();
    slack.close();
  }

  private void startNotifier(Map<String, String> extra) throws Exception {
    Path routes = Files.createTempFile("routes", ".yaml");
    Files.writeString(
        routes, "routes:\n  - match: {namespaces: [ci]}\n    slack: \"" + CHANNEL + "\"\n");
    Path tokenFile = Files.createTempFile("slack", ".token");
    Files.writeString(tokenFile, TOKEN + "\n");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("NOTIFIER_ROUTES_FILE", routes.toString());
    env.put("NOTIFIER_SLACK_TOKEN_FILE", tokenFile.toString());
    env.put("NOTIFIER_SLACK_API_URL", slack.apiUrl());
    env.put("NOTIFIER_SLACK_CARD_POST_ON", "start");
    // Slack's one call per second and channel, at the sandbox's time scale (as the emulator).
    env.put("NOTIFIER_SLACK_INTERVAL", slackInterval());
    env.put("NOTIFIER_RETRY_BASE", "100ms");
    env.put("NOTIFIER_RETRY_MAX", "1s");
    env.put("NOTIFIER_REQUEST_TIMEOUT", "5s");
    env.putAll(extra);
    service = NotifierService.start(vertx, NotifierConfig.fromMap(env)).await();
  }

  /** {@code SandboxTime.go(1s)}, at least the notifier's floor of 100 ms. */
  static String slackInterval() {
    return Math.max(100, SandboxTime.ofSeconds(1).toMillis()) + "ms";
  }

  private PitstopEvent started() {
    return F.create(
        EventType.PIPELINERUN_STARTED, new RunStarted(root, Instant.now(), null), Instant.now());
  }

  private PitstopEvent paused() {
    BreakpointPaused s = SampleEvents.of(EventType.BREAKPOINT_PAUSED).data(BreakpointPaused.class);
    return F.create(
        EventType.BREAKPOINT_PAUSED,
        new BreakpointPaused(
            child,
            s.step(),
            s.mechanism(),
            s.pausedAt(),
            s.decidedAt(),
            s.logTail(),
            Instant.now().plus(Duration.ofMinutes(45)),
            s.exec()),
        s.decidedAt());
  }

  private PitstopEvent continued() {
    BreakpointContinued s =
        SampleEvents.of(EventType.BREAKPOINT_CONTINUED).data(BreakpointContinued.class);
    return F.create(
        EventType.BREAKPOINT_CONTINUED,
        new BreakpointContinued(
            child,
            s.step(),
            s.mechanism(),
            s.action(),
            s.by(),
            s.via(),
            s.pausedAt(),
            s.decidedAt()),
        s.decidedAt());
  }

  private PitstopEvent childFinished(String name, boolean ok) {
    RunRef t =
        new RunRef(
            child.kind(),
            child.namespace(),
            name,
            UUID.randomUUID().toString(),
            child.pipelineRun(),
            child.pipelineRunUid(),
            child.pipeline(),
            name,
            null,
            0,
            child.labels(),
            child.annotations());
    return F.create(
        EventType.TASKRUN_FINISHED,
        new RunFinished(
            t,
            ok ? "True" : "False",
            ok ? "Succeeded" : "Failed",
            "m",
            Instant.now(),
            Instant.now(),
            List.of()),
        Instant.now());
  }

  private PitstopEvent finished() {
    return F.create(
        EventType.PIPELINERUN_FINISHED,
        new RunFinished(root, "True", "Succeeded", "done", Instant.now(), Instant.now(), List.of()),
        Instant.now());
  }

  private Message card() {
    List<Message> top = slack.topLevel(CHANNEL);
    assertThat(top).hasSize(1);
    return top.get(0);
  }

  @Test
  void oneCardIsPostedThenUpdatedInPlaceWithDetailsInItsThread() throws Exception {
    startNotifier(Map.of());
    publisher.publish(started()).await();
    await().atMost(WAIT).until(() -> slack.topLevel(CHANNEL).size() == 1);
    String ts = card().ts();
    assertThat(card().blocksJson()).contains("running").doesNotContain("pitstop.continue");

    publisher.publish(paused()).await();
    await().atMost(WAIT).until(() -> card().blocksJson().contains("pitstop.continue"));
    assertThat(card().blocksJson())
        .contains("*Task* `compile`")
        .contains("*Step* `test`")
        .contains("*Breakpoint* `onFailure`")
        .contains("*Timeout in* 4")
        .contains("ShopTest.checkout:17 expected 3")
        .contains("kubectl exec -it -n ci build-x7k2p-compile-pod -c step-test -- sh")
        .contains("\"value\":\"v1|ci|build-x7k2p-compile|test|");
    await().atMost(WAIT).until(() -> slack.thread(CHANNEL, ts).size() == 1);

    publisher.publish(continued()).await();
    await()
        .atMost(WAIT)
        .until(() -> card().blocksJson().contains("Continued by alice@example.com"));
    assertThat(card().blocksJson()).doesNotContain("pitstop.continue");

    publisher.publish(childFinished("compile", true)).await();
    publisher.publish(finished()).await();
    await().atMost(WAIT).until(() -> card().latest().text().contains("succeeded"));
    assertThat(card().blocksJson()).contains("Tasks finished: 1");

    Message card = card();
    assertThat(card.ts()).isEqualTo(ts);
    assertThat(card.channel()).isEqualTo(CHANNEL_ID);
    assertThat(card.updates()).isGreaterThanOrEqualTo(3);
    await().atMost(WAIT).until(() -> slack.thread(CHANNEL, ts).size() == 2);
    List<Message> thread = slack.thread(CHANNEL, ts);
    assertThat(thread.get(0).latest().text()).contains("paused at `onFailure`");
    assertThat(thread.get(1).latest().text()).contains("continued by alice@example.com");
    assertThat(slack.rateLimited()).isZero();
  }

  @Test
  void aRestartedNotifierUpdatesTheSameCard() throws Exception {
    run(Map.of("slack.integrations.tekton.dev/channel", CHANNEL));
    // The channel comes from the run's annotation, through the allowlist; no route.
    Map<String, String> env =
        Map.of(
            "NOTIFIER_SLACK_CHANNEL_ALLOWLIST", "ci:" + CHANNEL,
            "NOTIFIER_SLACK_CARD_POST_ON", "pause",
            "NOTIFIER_ROUTES_FILE", "");
    startNotifier(env);
    publisher.publish(started()).await();
    publisher.publish(paused()).await();
    await().atMost(WAIT).until(() -> slack.topLevel(CHANNEL).size() == 1);
    String ts = card().ts();
    assertThat(card().blocksJson()).contains("pitstop.continue");

    service.stop().await();
    service = null;
    startNotifier(env);

    publisher.publish(continued()).await();
    publisher.publish(finished()).await();
    // Decisions and observations are two topics: wait for both the release and the finish.
    await()
        .atMost(WAIT)
        .until(
            () ->
                slack.messages(CHANNEL).stream()
                    .anyMatch(
                        m ->
                            m.threadTs() == null
                                && m.latest().text().contains("succeeded")
                                && m.blocksJson().contains("Continued by alice@example.com")));
    Message card = card();
    assertThat(card.ts()).isEqualTo(ts);
    assertThat(card.blocksJson())
        .contains("Continued by alice@example.com")
        .doesNotContain("pitstop.continue")
        // the pause shown before the restart is still there: the card was read back whole
        .contains("ShopTest.checkout");
    assertThat(slack.rateLimited()).isZero();
  }

  @Test
  void aBurstOf50EventsIsCoalescedWithoutA429AndTheCardEndsInTheFinalState() throws Exception {
    startNotifier(Map.of());
    publisher.publish(started()).await();
    await().atMost(WAIT).until(() -> slack.topLevel(CHANNEL).size() == 1);
    for (int i = 0; i < 48; i++) {
      publisher.publish(childFinished("task-" + i, i != 7));
    }
    publisher.publish(finished()).await();
    await()
        .atMost(WAIT)
        .until(
            () ->
                card().latest().text().contains("succeeded")
                    && card().blocksJson().contains("Tasks finished: 48 (1 failed)"));
    // 50 events, one reply (the failed task), and far fewer updates than events.
    await().atMost(WAIT).until(() -> slack.thread(CHANNEL, card().ts()).size() == 1);
    assertThat(slack.thread(CHANNEL, card().ts()).get(0).latest().text())
        .contains("task `task-7` failed");
    assertThat(slack.calls("chat.update")).isLessThan(20);
    assertThat(slack.rateLimited()).isZero();
    assertThat(slack.topLevel(CHANNEL)).hasSize(1);
  }

  @Test
  void a429IsHonoured() throws Exception {
    slack.throttleNext(CHANNEL, 1, 3);
    startNotifier(Map.of());
    publisher.publish(started()).await();
    await().atMost(WAIT).until(() -> slack.topLevel(CHANNEL).size() == 1);
    assertThat(slack.injectedThrottles()).isEqualTo(1);
    assertThat(service.slackCards().orElseThrow().throttles()).isEqualTo(1);
    assertThat(dev.pitstop.runtime.ops.Ops.of(vertx).metrics().scrape())
        .contains("pitstop_slack_rate_limited_total{method=\"chat.postMessage\"} 1.0");
    // Retry-After is in real seconds (Slack's); the emulator's clock runs at the time scale.
    long waited = card().versions().get(0).atNanos() - slack.lastInjectedThrottleNanos();
    assertThat(Duration.ofNanos(Math.round(waited * SandboxTime.scale())))
        .isGreaterThanOrEqualTo(Duration.ofMillis(2_999));
    assertThat(slack.rateLimited()).isZero();
  }

  @Test
  void aWrongTokenDeadLettersWhatCouldNotBePosted() throws Exception {
    startNotifier(Map.of("NOTIFIER_SLACK_TOKEN", "xoxb-wrong", "NOTIFIER_SLACK_TOKEN_FILE", ""));
    PitstopEvent started = started();
    publisher.publish(started).await();
    List<String> reasons = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                SharedKafka.bootstrapServers(),
                "group.id",
                "it-" + UUID.randomUUID(),
                "auto.offset.reset",
                "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      c.subscribe(List.of(topics.deadLetter()));
      await()
          .atMost(WAIT)
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                  Header h = r.headers().lastHeader("pitstop-dlq-reason");
                  Header id = r.headers().lastHeader("ce_id");
                  if (h != null
                      && id != null
                      && new String(id.value(), StandardCharsets.UTF_8).equals(started.id())) {
                    reasons.add(new String(h.value(), StandardCharsets.UTF_8));
                  }
                }
                return !reasons.isEmpty();
              });
    }
    assertThat(reasons.get(0)).contains("slack: invalid_auth").doesNotContain("xoxb-wrong");
    assertThat(slack.topLevel(CHANNEL)).isEmpty();
    assertThat(slack.calls("chat.postMessage")).isEqualTo(1);
  }
}
