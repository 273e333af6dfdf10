package dev.pitstop.bench.legs;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepStarted;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.kafka.EventConsumer;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Not a test: prints where the runtime's Kafka hop spends its time (issue #7, "Pitstop's Kafka
 * legs" in docs/performance.md). Every {@code -Dinterval.ms} (20) / 2 it sends one observation,
 * alternately through the real {@link EventPublisher} and a raw kafka-clients producer ({@code
 * acks=all}, idempotent, {@code linger.ms=0}), and times from the send, per producer: the broker's
 * acknowledgement, an {@link EventConsumer}'s handler and a plain {@code KafkaConsumer} polling on
 * its own thread; and, for both producers together, a bare vertx-kafka-client consumer and a plain
 * polling thread handing batches to a Vert.x context. Each consumer is its own group; timing starts
 * once all joined, after {@code -Dwarmup} (750) unrecorded pairs, for {@code -Dcount} (500) pairs.
 * Kafka client properties as {@code -Dkafka.<property>=<value>} (e.g. {@code -Dkafka.linger.ms=1});
 * run it with the test classpath.
 */
public final class KafkaLegsProbe {
  private KafkaLegsProbe() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("count", 500);
    int warmup = Integer.getInteger("warmup", 750);
    long intervalMs = Long.getLong("interval.ms", 20);
    Map<String, String> client = Legs.clientProperties();
    Topics topics = new Topics("legs-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    KafkaSettings settings = new KafkaSettings(client, topics);
    Vertx vertx = Vertx.vertx();
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<Long> acked = Collections.synchronizedList(new ArrayList<>());
    List<Long> handled = Collections.synchronizedList(new ArrayList<>());
    List<Long> raw = Collections.synchronizedList(new ArrayList<>());
    List<Long> rawAcked = Collections.synchronizedList(new ArrayList<>());
    List<Long> rawHandled = Collections.synchronizedList(new ArrayList<>());
    List<Long> rawRaw = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch allHandled = new CountDownLatch(2 * (count + warmup) + 1);
    CountDownLatch allRaw = new CountDownLatch(2 * (count + warmup) + 1);
    Set<String> measured = ConcurrentHashMap.newKeySet();
    Set<String> viaRaw = ConcurrentHashMap.newKeySet();
    Properties pp = new Properties();
    pp.putAll(client);
    pp.put("acks", "all");
    pp.put("enable.idempotence", "true");
    pp.put("linger.ms", "0");
    org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> rawProducer =
        new org.apache.kafka.clients.producer.KafkaProducer<>(
            pp,
            new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer());
    EventPublisher publisher = new EventPublisher(vertx, settings, "legs");
    EventConsumer consumer =
        new EventConsumer(
            settings,
            Set.of(topics.observations()),
            "legs-consumer",
            publisher,
            e -> {
              long now = System.nanoTime();
              Long t = sentAt.get(e.id());
              if (t != null && measured.contains(e.id())) {
                (viaRaw.contains(e.id()) ? rawHandled : handled).add(now - t);
              }
              allHandled.countDown();
              return Future.succeededFuture();
            });
    vertx.deployVerticle(consumer).await();
    List<Long> vertxRaw = Collections.synchronizedList(new ArrayList<>());
    List<Long> handoff = Collections.synchronizedList(new ArrayList<>());
    vertx
        .deployVerticle(
            new io.vertx.core.VerticleBase() {
              @Override
              public Future<?> start() {
                io.vertx.kafka.client.consumer.KafkaConsumer<byte[], byte[]> c =
                    io.vertx.kafka.client.consumer.KafkaConsumer.create(
                        vertx, settings.consumerConfig("legs-vertx", "legs-vertx"));
                c.handler(
                    r -> {
                      long now = System.nanoTime();
                      PitstopEvent e = decode(r.record().headers().toArray(), r.value());
                      Long t = sentAt.get(e.id());
                      if (t != null && measured.contains(e.id())) {
                        vertxRaw.add(now - t);
                      }
                    });
                return c.subscribe(topics.observations());
              }
            })
        .await();
    io.vertx.core.Context handoffContext = vertx.getOrCreateContext();
    Properties hp = new Properties();
    hp.putAll(settings.consumerConfig("legs-handoff", "legs-handoff"));
    KafkaConsumer<byte[], byte[]> handoffConsumer =
        new KafkaConsumer<>(hp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Thread handoffThread =
        new Thread(
            () -> {
              handoffConsumer.subscribe(List.of(topics.observations()));
              try {
                while (true) {
                  var records = handoffConsumer.poll(Duration.ofMillis(100));
                  if (records.isEmpty()) {
                    continue;
                  }
                  handoffContext.runOnContext(
                      v -> {
                        for (ConsumerRecord<byte[], byte[]> r : records) {
                          long now = System.nanoTime();
                          PitstopEvent e = decode(r.headers().toArray(), r.value());
                          Long t = sentAt.get(e.id());
                          if (t != null && measured.contains(e.id())) {
                            handoff.add(now - t);
                          }
                        }
                      });
                }
              } catch (org.apache.kafka.common.errors.WakeupException done) {
                handoffConsumer.close();
              }
            },
            "legs-handoff-consumer");
    handoffThread.setDaemon(true);
    handoffThread.start();

    CountDownLatch rawAssigned = new CountDownLatch(1);
    KafkaConsumer<byte[], byte[]> plain =
        Legs.plainConsumer(
            client,
            "legs-raw",
            topics.observations(),
            rawAssigned,
            (now, e) -> {
              Long t = sentAt.get(e.id());
              if (t != null && measured.contains(e.id())) {
                (viaRaw.contains(e.id()) ? rawRaw : raw).add(now - t);
              }
              allRaw.countDown();
            });
    rawAssigned.await(30, TimeUnit.SECONDS);

    EventFactory factory = new EventFactory("sandbox", "legs");
    // Both groups joined (the broker delays a new group's first rebalance by 3 s) before timing.
    publisher.publish(SampleEvents.of(EventType.TASKRUN_STARTED)).await();
    long primed = System.nanoTime();
    while ((allHandled.getCount() > 2 * (count + warmup)
            || allRaw.getCount() > 2 * (count + warmup))
        && System.nanoTime() - primed < TimeUnit.SECONDS.toNanos(60)) {
      Thread.sleep(50);
    }
    long next = System.nanoTime();
    for (int i = 0; i < 2 * (count + warmup); i++) {
      LockSupport.parkNanos(next - System.nanoTime());
      String uid = UUID.randomUUID().toString();
      RunRef run = Legs.run(uid, i);
      PitstopEvent e =
          factory.create(
              EventType.STEP_STARTED,
              new StepStarted(run, SampleEvents.STEP, Instant.now()),
              Instant.now());
      if (i >= 2 * warmup) {
        measured.add(e.id());
      }
      boolean measure = i >= 2 * warmup;
      if (i % 2 == 1) {
        viaRaw.add(e.id());
        var rec = EventRecords.toRecord(topics, e);
        long t0 = System.nanoTime();
        sentAt.put(e.id(), t0);
        rawProducer.send(
            new org.apache.kafka.clients.producer.ProducerRecord<>(
                rec.topic(),
                null,
                rec.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                rec.value(),
                rec.headers()),
            (md, ex) -> {
              if (measure) {
                rawAcked.add(System.nanoTime() - t0);
              }
            });
        continue;
      }
      Legs.publishTimed(vertx, publisher, e, measure, sentAt, acked);
      next += TimeUnit.MILLISECONDS.toNanos(intervalMs) / 2;
    }
    allHandled.await(60, TimeUnit.SECONDS);
    allRaw.await(60, TimeUnit.SECONDS);
    System.out.printf("client overrides: %s%n", client);
    Legs.print("publish() -> acked", acked);
    Legs.print("publish() -> EventConsumer handler", handled);
    Legs.print("publish() -> plain KafkaConsumer", raw);
    Legs.print("either -> bare vertx KafkaConsumer handler", vertxRaw);
    Legs.print("either -> polling thread + runOnContext", handoff);
    Legs.print("raw send() -> acked", rawAcked);
    Legs.print("raw send() -> EventConsumer handler", rawHandled);
    Legs.print("raw send() -> plain KafkaConsumer", rawRaw);
    rawProducer.close();
    plain.wakeup();
    handoffConsumer.wakeup();
    vertx.close().await();
    System.exit(0);
  }

  private static PitstopEvent decode(org.apache.kafka.common.header.Header[] h, byte[] v) {
    try {
      return EventRecords.decode(new RecordHeaders(h), v);
    } catch (dev.pitstop.events.MalformedEventException e) {
      throw new IllegalStateException(e);
    }
  }
}
