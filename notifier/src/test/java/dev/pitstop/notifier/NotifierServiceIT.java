package dev.pitstop.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.DeliveryResult;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.notifier.delivery.DeliveryDeadLetters;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.receivers.WebhookReceiver;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The notifier against the real embedded broker and real HTTP receivers on loopback. */
@Timeout(120)
class NotifierServiceIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String OLD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String NEW_SECRET = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

  private final Vertx vertx = Vertx.vertx();
  private final List<WebhookReceiver> receivers = new ArrayList<>();
  private Topics topics;
  private EventPublisher publisher;
  private NotifierService service;

  @BeforeEach
  void topics() {
    topics = new Topics("notifier-it-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    publisher =
        new EventPublisher(vertx, KafkaSettings.of(SharedKafka.bootstrapServers(), topics), "it");
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.stop().await();
    }
    receivers.forEach(r -> r.close().await());
    publisher.close();
    vertx.close().await();
  }

  private WebhookReceiver receiver() {
    WebhookReceiver r = WebhookReceiver.start(vertx, 0).await();
    receivers.add(r);
    return r;
  }

  private void startNotifier(String retryBase, String retryMax, WebhookReceiver... to) {
    startNotifier(Map.of(), retryBase, retryMax, to);
  }

  private void startNotifier(
      Map<String, String> extra, String retryBase, String retryMax, WebhookReceiver... to) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.putIfAbsent(
        "NOTIFIER_WEBHOOK_URLS",
        String.join(",", java.util.Arrays.stream(to).map(WebhookReceiver::url).toList()));
    env.putIfAbsent("NOTIFIER_MAX_ATTEMPTS", "3");
    env.put("NOTIFIER_RETRY_BASE", retryBase);
    env.put("NOTIFIER_RETRY_MAX", retryMax);
    env.put("NOTIFIER_REQUEST_TIMEOUT", "5s");
    service = NotifierService.start(vertx, NotifierConfig.fromMap(env)).await();
  }

  @Test
  void deliversAPausedBreakpointInBinaryModeWithTheAttributesItHasOnKafka() throws Exception {
    WebhookReceiver receiver = receiver();
    List<CloudEvent> heard = new CopyOnWriteArrayList<>();
    receiver.onEvent(heard::add);
    startNotifier("50ms", "200ms", receiver);

    // Not notable: a step start, and the finish of a TaskRun that belongs to a PipelineRun.
    publisher.publish(SampleEvents.of(EventType.STEP_STARTED)).await();
    publisher.publish(SampleEvents.of(EventType.TASKRUN_FINISHED)).await();
    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    PitstopEvent continued = SampleEvents.of(EventType.BREAKPOINT_CONTINUED);
    PitstopEvent finished = SampleEvents.of(EventType.PIPELINERUN_FINISHED);
    publisher.publish(paused).await();
    publisher.publish(continued).await();
    publisher.publish(finished).await();

    await().atMost(WAIT).until(() -> receiver.received().size() >= 3);
    // Nothing else arrives: the step start and the child TaskRun's finish were on the same
    // partition before the PipelineRun's finish. One topic's events of a run arrive in order
    // (decisions and observations are two topics: no order between them).
    List<String> ids = receiver.received().stream().map(CloudEvent::getId).toList();
    assertThat(ids).containsExactlyInAnyOrder(paused.id(), continued.id(), finished.id());
    assertThat(ids.indexOf(paused.id())).isLessThan(ids.indexOf(continued.id()));
    assertThat(receiver.requests()).allMatch(r -> r.encoding() == Encoding.BINARY);
    assertThat(
            receiver.requests().stream()
                .filter(r -> paused.id().equals(r.headers().get("ce-id")))
                .findFirst()
                .orElseThrow()
                .headers())
        .containsEntry("ce-type", "dev.pitstop.breakpoint.paused.v1")
        .containsEntry("ce-partitionkey", paused.partitionKey())
        .containsEntry("content-type", "application/json");

    CloudEvent got = receiver.received().get(ids.indexOf(paused.id()));
    CloudEvent onKafka = EventCodec.toCloudEvent(paused);
    assertThat(got.getId()).isEqualTo(onKafka.getId());
    assertThat(got.getType()).isEqualTo(onKafka.getType());
    assertThat(got.getSource()).isEqualTo(onKafka.getSource());
    assertThat(got.getSubject()).isEqualTo(onKafka.getSubject());
    assertThat(got.getTime().toInstant()).isEqualTo(onKafka.getTime().toInstant());
    assertThat(got.getExtension("partitionkey")).isEqualTo(paused.partitionKey());
    assertThat(got.getDataContentType()).isEqualTo("application/json");
    assertThat(EventCodec.fromCloudEvent(got)).isEqualTo(paused);
    assertThat(heard).extracting(CloudEvent::getId).containsExactlyElementsOf(ids);
    // The step start was left undecoded (NotifierService.actsOn); the child TaskRun's finish was
    // decoded (a CDEvents webhook would get it) and then not routed.
    String metrics = dev.pitstop.runtime.ops.Ops.of(vertx).metrics().scrape();
    assertThat(metrics)
        .contains(
            "pitstop_events_skipped_total{consumer=\"notifier\",type=\""
                + EventType.STEP_STARTED.type()
                + "\"} 1.0")
        .contains(
            "pitstop_events_consumed_total{consumer=\"notifier\",type=\""
                + EventType.TASKRUN_FINISHED.type()
                + "\"} 1.0");
  }

  @Test
  void signsPerStandardWebhooksWithEverySecretSoAReceiverWithEitherVerifies() {
    WebhookReceiver old = receiver().requireSignatures(OLD_SECRET);
    WebhookReceiver rotated = receiver().requireSignatures(NEW_SECRET);
    startNotifier(
        Map.of("NOTIFIER_WEBHOOK_SECRETS", NEW_SECRET + "," + OLD_SECRET),
        "50ms",
        "200ms",
        old,
        rotated);
    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    publisher.publish(paused).await();

    await().atMost(WAIT).until(() -> old.deliveries(paused.id()) == 1);
    await().atMost(WAIT).until(() -> rotated.deliveries(paused.id()) == 1);
    Map<String, String> h = old.requests().get(0).headers();
    assertThat(h).containsEntry("webhook-id", paused.id()).containsKey("webhook-timestamp");
    assertThat(h.get("webhook-signature").split(" ")).hasSize(2);
    assertThat(old.requests()).extracting(WebhookReceiver.Request::status).containsExactly(204);
  }

  @Test
  void aReceiverWithAnotherSecretRefusesAndTheEventIsDeadLetteredNotRetried() {
    WebhookReceiver receiver = receiver().requireSignatures(OLD_SECRET);
    startNotifier(Map.of("NOTIFIER_WEBHOOK_SECRETS", NEW_SECRET), "50ms", "200ms", receiver);
    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    publisher.publish(paused).await();

    ConsumerRecord<byte[], byte[]> dl =
        awaitDeadLetter(r -> header(r, DeliveryDeadLetters.ATTEMPTS) != null);
    assertThat(header(dl, EventRecords.DLQ_REASON)).contains("HTTP 401");
    assertThat(receiver.requests())
        .extracting(WebhookReceiver.Request::status)
        .containsExactly(401);
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void deliversInStructuredModeWhenConfiguredAndSignsTheWholeDocument() throws Exception {
    WebhookReceiver receiver = receiver().requireSignatures(OLD_SECRET);
    startNotifier(
        Map.of(
            "NOTIFIER_WEBHOOK_SECRETS", OLD_SECRET, "NOTIFIER_WEBHOOK_CONTENT_MODE", "structured"),
        "50ms",
        "200ms",
        receiver);
    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    publisher.publish(paused).await();

    await().atMost(WAIT).until(() -> receiver.received().size() == 1);
    assertThat(receiver.requests()).allMatch(r -> r.encoding() == Encoding.STRUCTURED);
    assertThat(EventCodec.fromCloudEvent(receiver.received().get(0))).isEqualTo(paused);
  }

  @Test
  void aRunSubscribesByAnnotationToAnAllowlistedUrl() {
    WebhookReceiver receiver = receiver();
    startNotifier(
        Map.of(
            "NOTIFIER_ANNOTATION_URL_ALLOWLIST",
            prefixOf(receiver),
            "NOTIFIER_ANNOTATION_ALLOW_PRIVATE",
            "true"),
        "50ms",
        "200ms");
    PitstopEvent paused =
        TestEvents.of(
            EventType.BREAKPOINT_PAUSED,
            "ci",
            Map.of("webhook.integrations.tekton.dev/url", receiver.url()),
            UUID.randomUUID().toString());
    PitstopEvent other =
        TestEvents.of(EventType.BREAKPOINT_PAUSED, "ci", Map.of(), UUID.randomUUID().toString());
    publisher.publish(other).await();
    publisher.publish(paused).await();

    await().atMost(WAIT).until(() -> receiver.deliveries(paused.id()) == 1);
    assertThat(receiver.deliveries(other.id())).isZero();
  }

  @Test
  void anAnnotationUrlThatResolvesToLoopbackIsRefusedAndReportedAsADeadLetter() {
    WebhookReceiver receiver = receiver();
    startNotifier(
        Map.of("NOTIFIER_ANNOTATION_URL_ALLOWLIST", prefixOf(receiver) + ",hooks.example.com"),
        "50ms",
        "200ms");
    PitstopEvent paused =
        TestEvents.of(
            EventType.BREAKPOINT_PAUSED,
            "ci",
            Map.of(
                "webhook.integrations.tekton.dev/url",
                receiver.url() + "?token=s3cret,https://elsewhere.example.net/x"),
            UUID.randomUUID().toString());
    publisher.publish(paused).await();

    List<ConsumerRecord<byte[], byte[]>> dls =
        awaitDeadLetters(r -> header(r, EventRecords.DLQ_REASON).contains("refused"), 2);
    assertThat(dls)
        .extracting(r -> header(r, EventRecords.DLQ_REASON))
        .anySatisfy(reason -> assertThat(reason).contains("loopback"))
        .anySatisfy(reason -> assertThat(reason).contains("not on the allowlist"))
        .allSatisfy(reason -> assertThat(reason).doesNotContain("s3cret"));
    assertThat(receiver.requests()).isEmpty();
  }

  @Test
  void routesFromTheFileMatchOnNamespaceAndOutcome(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    WebhookReceiver failures = receiver();
    WebhookReceiver ci = receiver();
    java.nio.file.Path routes = dir.resolve("routes.yaml");
    java.nio.file.Files.writeString(
        routes,
        "routes:\n"
            + "  - match: {outcomes: [failed]}\n"
            + "    webhook: "
            + failures.url()
            + "\n"
            + "  - match: {namespaces: [ci]}\n"
            + "    webhook: "
            + ci.url()
            + "\n");
    startNotifier(Map.of("NOTIFIER_ROUTES_FILE", routes.toString()), "50ms", "200ms");
    PitstopEvent failedProd = TestEvents.failedFinish("prod", UUID.randomUUID().toString());
    PitstopEvent okCi =
        TestEvents.of(EventType.PIPELINERUN_FINISHED, "ci", Map.of(), UUID.randomUUID().toString());
    publisher.publish(failedProd).await();
    publisher.publish(okCi).await();

    await().atMost(WAIT).until(() -> ci.deliveries(okCi.id()) == 1);
    await().atMost(WAIT).until(() -> failures.deliveries(failedProd.id()) == 1);
    assertThat(failures.received()).hasSize(1);
    assertThat(ci.received()).hasSize(1);
  }

  @Test
  void aRelistAfterARestartDeliversNothingASecondTime() {
    WebhookReceiver receiver = receiver();
    startNotifier("50ms", "200ms", receiver);
    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    publisher.publish(paused).await();
    await().atMost(WAIT).until(() -> receiver.deliveries(paused.id()) == 1);
    service.stop().await();
    service = null;

    // The watcher restarts and relists: the same ids again, then something new.
    startNotifier("50ms", "200ms", receiver);
    publisher.publish(paused).await();
    PitstopEvent finished = SampleEvents.of(EventType.PIPELINERUN_FINISHED);
    publisher.publish(finished).await();
    await().atMost(WAIT).until(() -> receiver.deliveries(finished.id()) == 1);
    assertThat(receiver.deliveries(paused.id())).isEqualTo(1);
    assertThat(receiver.duplicates()).isEmpty();
  }

  @Test
  void publishesDeliveryResultsAsEvents() throws Exception {
    WebhookReceiver ok = receiver().failNext(1, 503);
    WebhookReceiver gone = receiver().failNext(Integer.MAX_VALUE, 404);
    startNotifier("50ms", "200ms", ok, gone);
    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    publisher.publish(paused).await();

    List<PitstopEvent> results = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = rawConsumer()) {
      c.subscribe(List.of(topics.decisions()));
      await()
          .atMost(WAIT)
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                  PitstopEvent e = EventRecords.decode(r.headers(), r.value());
                  if (e.type().type().startsWith("dev.pitstop.delivery.")) {
                    results.add(e);
                  }
                }
                return results.size() >= 3;
              });
    }
    assertThat(results)
        .extracting(e -> e.type(), e -> ((DeliveryResult) e.data()).endpoint())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(EventType.DELIVERY_FAILED, ok.url()),
            org.assertj.core.groups.Tuple.tuple(EventType.DELIVERY_DELIVERED, ok.url()),
            org.assertj.core.groups.Tuple.tuple(EventType.DELIVERY_DEADLETTERED, gone.url()));
    assertThat(results)
        .allSatisfy(
            e -> {
              DeliveryResult d = (DeliveryResult) e.data();
              assertThat(d.eventId()).isEqualTo(paused.id());
              assertThat(e.partitionKey()).isEqualTo(paused.partitionKey());
              assertThat(e.source().toString()).endsWith("/notifier");
            });
    DeliveryResult dead =
        results.stream()
            .filter(e -> e.type() == EventType.DELIVERY_DEADLETTERED)
            .map(e -> (DeliveryResult) e.data())
            .findFirst()
            .orElseThrow();
    assertThat(dead.status()).isEqualTo(404);
    assertThat(dead.reason()).contains("HTTP 404");
  }

  private KafkaConsumer<byte[], byte[]> rawConsumer() {
    return new KafkaConsumer<>(
        Map.of(
            "bootstrap.servers",
            SharedKafka.bootstrapServers(),
            "group.id",
            "it-" + UUID.randomUUID(),
            "auto.offset.reset",
            "earliest"),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private static String prefixOf(WebhookReceiver r) {
    return r.url().substring(0, r.url().lastIndexOf('/') + 1);
  }

  @Test
  void retriesAFailingReceiverAndDeliversOnTheThirdAttempt() {
    WebhookReceiver receiver = receiver().failNext(2, 503);
    startNotifier("50ms", "200ms", receiver);

    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    publisher.publish(paused).await();

    await().atMost(WAIT).until(() -> receiver.received().size() == 1);
    assertThat(receiver.received().get(0).getId()).isEqualTo(paused.id());
    assertThat(receiver.requests())
        .extracting(WebhookReceiver.Request::status)
        .containsExactly(503, 503, 204);
  }

  @Test
  void honoursRetryAfterFromAThrottlingReceiver() {
    WebhookReceiver receiver = receiver().failNext(1, 429, Duration.ofSeconds(1));
    List<Long> arrivals = new CopyOnWriteArrayList<>();
    receiver.onEvent(e -> arrivals.add(System.nanoTime()));
    startNotifier("10ms", "5s", receiver);
    long published = System.nanoTime();
    publisher.publish(SampleEvents.of(EventType.BREAKPOINT_PAUSED)).await();

    await().atMost(WAIT).until(() -> arrivals.size() == 1);
    assertThat(receiver.requests())
        .extracting(WebhookReceiver.Request::status)
        .containsExactly(429, 204);
    assertThat(Duration.ofNanos(arrivals.get(0) - published))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void deadLettersAnEventTheReceiverNeverTakesWithReasonAndAttempts() {
    WebhookReceiver receiver = receiver().failNext(Integer.MAX_VALUE, 503);
    startNotifier("50ms", "200ms", receiver);

    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    publisher.publish(paused).await();

    ConsumerRecord<byte[], byte[]> dl =
        awaitDeadLetter(r -> header(r, DeliveryDeadLetters.ATTEMPTS) != null);
    assertThat(header(dl, DeliveryDeadLetters.ATTEMPTS)).isEqualTo("3");
    assertThat(header(dl, EventRecords.DLQ_REASON)).contains("HTTP 503").contains("3 attempts");
    assertThat(header(dl, EventRecords.DLQ_CONSUMER)).isEqualTo("notifier");
    assertThat(header(dl, DeliveryDeadLetters.ENDPOINT)).isEqualTo(receiver.url());
    assertThat(new String(dl.key(), StandardCharsets.UTF_8)).isEqualTo(paused.partitionKey());
    assertThat(receiver.requests()).hasSize(3);
    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void deadLettersAMalformedRecordAndDeliversLaterEvents() {
    WebhookReceiver receiver = receiver();
    startNotifier("50ms", "200ms", receiver);

    try (KafkaProducer<byte[], byte[]> raw =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", SharedKafka.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      raw.send(
              new ProducerRecord<>(
                  topics.decisions(),
                  SampleEvents.PIPELINE_RUN_UID.getBytes(StandardCharsets.UTF_8),
                  "{not a cloudevent".getBytes(StandardCharsets.UTF_8)))
          .get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    PitstopEvent paused = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    publisher.publish(paused).await();

    await().atMost(WAIT).until(() -> receiver.received().size() == 1);
    assertThat(receiver.received().get(0).getId()).isEqualTo(paused.id());
    ConsumerRecord<byte[], byte[]> dl =
        awaitDeadLetter(r -> "notifier".equals(header(r, EventRecords.DLQ_CONSUMER)));
    assertThat(new String(dl.value(), StandardCharsets.UTF_8)).isEqualTo("{not a cloudevent");
    assertThat(header(dl, EventRecords.DLQ_TOPIC)).isEqualTo(topics.decisions());
    assertThat(header(dl, EventRecords.DLQ_REASON)).isNotBlank();
  }

  @Test
  void aFailingEndpointDoesNotDelayAHealthyOne() {
    WebhookReceiver failing = receiver().failNext(Integer.MAX_VALUE, 503);
    WebhookReceiver healthy = receiver();
    startNotifier("2s", "2s", failing, healthy);

    publisher.publish(SampleEvents.of(EventType.BREAKPOINT_PAUSED)).await();

    await().atMost(WAIT).until(() -> healthy.received().size() == 1);
    // The failing endpoint waits at least a second before its second attempt.
    assertThat(failing.requests()).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void aReceiverDownThenBackGetsEveryEventOnceInOrderPerRun() {
    String url = freeUrl();
    Map<String, String> env = downReceiverEnv(url);
    startNotifier(env, "50ms", "300ms");
    List<List<String>> runs = publishThreeRuns();
    // The notifier tried, and failed, while nothing listened.
    awaitResults(EventType.DELIVERY_FAILED, url, 3);

    WebhookReceiver back = receiverAt(url);
    assertEveryEventOnceInOrder(back, runs);
  }

  @Test
  void eventsPendingWhenTheNotifierStopsAreDeliveredByTheNextInstance() {
    String url = freeUrl();
    Map<String, String> env = downReceiverEnv(url);
    startNotifier(env, "50ms", "300ms");
    List<List<String>> runs = publishThreeRuns();
    awaitResults(EventType.DELIVERY_FAILED, url, 3);
    // Stopped while every event is queued or waiting for a retry: nothing went out, nothing was
    // committed past the first pending event, nothing is dead-lettered.
    service.stop().await();
    service = null;

    startNotifier(env, "50ms", "300ms");
    WebhookReceiver back = receiverAt(url);
    assertEveryEventOnceInOrder(back, runs);
    List<String> ids = runs.stream().flatMap(List::stream).toList();
    assertThat(deadLettersNow())
        .extracting(r -> header(r, "ce_id"))
        .doesNotContainAnyElementsOf(ids);
  }

  /** The URL of a port that was just free: nothing listens there until {@link #receiverAt}. */
  private String freeUrl() {
    WebhookReceiver probe = WebhookReceiver.start(vertx, 0).await();
    String url = probe.url();
    probe.close().await();
    return url;
  }

  /** A receiver on the port of {@code url}, verifying signatures. */
  private WebhookReceiver receiverAt(String url) {
    WebhookReceiver back = WebhookReceiver.start(vertx, portOf(url)).await();
    receivers.add(back);
    return back.requireSignatures(OLD_SECRET);
  }

  private static Map<String, String> downReceiverEnv(String url) {
    Map<String, String> env = new HashMap<>();
    env.put("NOTIFIER_WEBHOOK_SECRETS", OLD_SECRET);
    env.put("NOTIFIER_WEBHOOK_URLS", url);
    env.put("NOTIFIER_MAX_ATTEMPTS", "100");
    return env;
  }

  /**
   * Three events each of three runs, interleaved as a busy cluster produces them; their ids. All
   * are decisions: order per run holds within one topic.
   */
  private List<List<String>> publishThreeRuns() {
    List<List<PitstopEvent>> runs = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      String root = UUID.randomUUID().toString();
      runs.add(
          List.of(
              TestEvents.of(EventType.BREAKPOINT_PAUSED, "ci", Map.of(), root),
              TestEvents.of(EventType.BREAKPOINT_CONTINUED, "ci", Map.of(), root),
              TestEvents.of(EventType.BREAKPOINT_ENDED, "ci", Map.of(), root)));
    }
    for (int i = 0; i < 3; i++) {
      for (List<PitstopEvent> run : runs) {
        publisher.publish(run.get(i)).await();
      }
    }
    return runs.stream().map(run -> run.stream().map(PitstopEvent::id).toList()).toList();
  }

  private static void assertEveryEventOnceInOrder(WebhookReceiver back, List<List<String>> runs) {
    await()
        .atMost(WAIT)
        .until(() -> runs.stream().flatMap(List::stream).allMatch(id -> back.deliveries(id) >= 1));
    assertThat(back.duplicates()).isEmpty();
    assertThat(back.requests()).extracting(WebhookReceiver.Request::status).containsOnly(204);
    List<String> order = back.received().stream().map(CloudEvent::getId).toList();
    for (List<String> run : runs) {
      assertThat(order.stream().filter(run::contains).toList()).containsExactlyElementsOf(run);
    }
  }

  /** Every record in the dead-letter topic now. */
  private List<ConsumerRecord<byte[], byte[]>> deadLettersNow() {
    List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = rawConsumer()) {
      List<org.apache.kafka.common.TopicPartition> parts =
          c.partitionsFor(topics.deadLetter()).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(parts);
      await()
          .atMost(WAIT)
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(seen::add);
                return parts.stream().allMatch(p -> c.position(p) >= end.get(p));
              });
    }
    return seen;
  }

  private static int portOf(String url) {
    return java.net.URI.create(url).getPort();
  }

  /** Waits for at least {@code count} delivery results of {@code type} for this endpoint. */
  private List<PitstopEvent> awaitResults(EventType type, String endpoint, int count) {
    List<PitstopEvent> results = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = rawConsumer()) {
      c.subscribe(List.of(topics.decisions()));
      await()
          .atMost(WAIT)
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                  PitstopEvent e = EventRecords.decode(r.headers(), r.value());
                  if (e.type() == type && endpoint.equals(((DeliveryResult) e.data()).endpoint())) {
                    results.add(e);
                  }
                }
                return results.size() >= count;
              });
    }
    return results;
  }

  private ConsumerRecord<byte[], byte[]> awaitDeadLetter(
      java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
    return awaitDeadLetters(wanted, 1).get(0);
  }

  private List<ConsumerRecord<byte[], byte[]>> awaitDeadLetters(
      java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> wanted, int count) {
    List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
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
                c.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().filter(wanted).count() >= count;
              });
    }
    return seen.stream().filter(wanted).toList();
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
