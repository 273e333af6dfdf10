package dev.pitstop.bench.legs;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.StepStarted;
import dev.pitstop.notifier.NotifierConfig;
import dev.pitstop.notifier.NotifierService;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.receivers.WebhookReceiver;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Not a test: prints the notifier's leg of a pause notification (issue #7, "Pitstop's Kafka legs"
 * in docs/performance.md). A notifier with a {@link WebhookReceiver} subscribed; one {@code
 * breakpoint.paused} every {@code -Dinterval.ms} (20) published through {@link EventPublisher},
 * with {@code -Dobservations} (4) step observations between two pauses as background (the bench's
 * mix); times from the {@code publish()} call to (a) a plain {@code KafkaConsumer} of the decisions
 * topic and (b) the receiver holding the event. Kafka client properties as {@code
 * -Dkafka.<property>=<value>}, notifier settings as {@code -Denv.<KEY>=<value>}.
 */
public final class NotifierLegsProbe {
  private NotifierLegsProbe() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("count", 500);
    int warmup = Integer.getInteger("warmup", 500);
    int observations = Integer.getInteger("observations", 4);
    long intervalMs = Long.getLong("interval.ms", 20);
    Map<String, String> env = new HashMap<>();
    Map<String, String> client = Legs.clientProperties();
    System.getProperties()
        .forEach(
            (k, v) -> {
              if (k.toString().startsWith("kafka.")) {
                env.put(
                    "KAFKA_" + k.toString().substring(6).toUpperCase().replace('.', '_'),
                    v.toString());
              } else if (k.toString().startsWith("env.")) {
                env.put(k.toString().substring(4), v.toString());
              }
            });
    Topics topics = new Topics("nlegs-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    Vertx receiverVertx = Vertx.vertx();
    WebhookReceiver receiver = WebhookReceiver.start(receiverVertx, 0).await();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("NOTIFIER_WEBHOOK_URLS", receiver.url());
    Vertx vertx = Vertx.vertx();
    NotifierService notifier = NotifierService.start(vertx, NotifierConfig.fromMap(env)).await();
    Vertx producerVertx = Vertx.vertx();
    EventPublisher publisher =
        new EventPublisher(producerVertx, new KafkaSettings(client, topics), "nlegs");

    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    java.util.Set<String> measured = ConcurrentHashMap.newKeySet();
    List<Long> acked = Collections.synchronizedList(new ArrayList<>());
    List<Long> plain = Collections.synchronizedList(new ArrayList<>());
    List<Long> webhook = Collections.synchronizedList(new ArrayList<>());
    List<Long> handler = Collections.synchronizedList(new ArrayList<>());
    vertx
        .deployVerticle(
            new dev.pitstop.runtime.kafka.EventConsumer(
                new KafkaSettings(client, topics),
                java.util.Set.of(topics.observations(), topics.decisions()),
                "nlegs-evc",
                publisher,
                e -> {
                  long now = System.nanoTime();
                  Long t = sentAt.get(e.id());
                  if (t != null && measured.contains(e.id())) {
                    handler.add(now - t);
                  }
                  return io.vertx.core.Future.succeededFuture();
                }))
        .await();
    CountDownLatch arrived = new CountDownLatch(count + warmup + 1);
    receiver.onEvent(
        ce -> {
          long now = System.nanoTime();
          Long t = sentAt.get(ce.getId());
          if (t != null && measured.contains(ce.getId())) {
            webhook.add(now - t);
          }
          arrived.countDown();
        });
    KafkaConsumer<byte[], byte[]> raw =
        Legs.plainConsumer(
            client,
            "nlegs-raw",
            topics.decisions(),
            new CountDownLatch(1),
            (now, e) -> {
              Long t = sentAt.get(e.id());
              if (t != null && measured.contains(e.id())) {
                plain.add(now - t);
              }
            });

    EventFactory factory = new EventFactory("sandbox", "nlegs");
    // The groups joined (a new group's first rebalance waits 3 s) before timing.
    publisher.publish(paused(factory, UUID.randomUUID().toString(), 0)).await();
    arrived.await(60, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (arrived.getCount() > count + warmup && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long next = System.nanoTime();
    long slot = TimeUnit.MILLISECONDS.toNanos(intervalMs) / (observations + 1);
    for (int i = 0; i < count + warmup; i++) {
      String uid = UUID.randomUUID().toString();
      for (int o = 0; o < observations; o++) {
        LockSupport.parkNanos(next - System.nanoTime());
        PitstopEvent obs =
            factory.create(
                EventType.STEP_STARTED,
                new StepStarted(
                    Legs.run(UUID.randomUUID().toString(), o), SampleEvents.STEP, Instant.now()),
                Instant.now());
        producerVertx.runOnContext(v -> publisher.publish(obs));
        next += slot;
      }
      LockSupport.parkNanos(next - System.nanoTime());
      PitstopEvent e = paused(factory, uid, i);
      boolean measure = i >= warmup;
      if (measure) {
        measured.add(e.id());
      }
      Legs.publishTimed(producerVertx, publisher, e, measure, sentAt, acked);
      next += slot;
    }
    arrived.await(60, TimeUnit.SECONDS);
    System.out.printf(
        "env overrides: %s%n",
        System.getProperties().keySet().stream()
            .filter(k -> k.toString().startsWith("env.") || k.toString().startsWith("kafka."))
            .map(k -> k + "=" + System.getProperty(k.toString()))
            .toList());
    Legs.print("publish() -> acked", acked);
    Legs.print("publish() -> plain KafkaConsumer", plain);
    Legs.print("publish() -> an EventConsumer's handler", handler);
    Legs.print("publish() -> webhook receiver (notifier)", webhook);
    raw.wakeup();
    System.exit(0);
  }

  private static PitstopEvent paused(EventFactory factory, String uid, int i) {
    Instant now = Instant.now();
    return factory.create(
        EventType.BREAKPOINT_PAUSED,
        new BreakpointPaused(
            Legs.run(uid, i),
            SampleEvents.STEP,
            Mechanism.ON_FAILURE,
            now,
            now,
            List.of("[ERROR] Tests run: 42, Failures: 1"),
            now.plusSeconds(3600),
            "kubectl exec -it -n ci x -c step-test -- sh"),
        now);
  }
}
