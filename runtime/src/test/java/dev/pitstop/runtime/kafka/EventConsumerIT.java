package dev.pitstop.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventConsumerIT {
  private final Vertx vertx = Vertx.vertx();
  private final Topics topics = new Topics("consumer-it-" + UUID.randomUUID() + ".");
  private final KafkaSettings settings = KafkaSettings.of(SharedKafka.bootstrapServers(), topics);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void handlesEventsInOrderDropsRepeatsAndDeadLettersWhatDoesNotDecode() throws Exception {
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    List<PitstopEvent> handled = new CopyOnWriteArrayList<>();
    EventPublisher publisher = new EventPublisher(vertx, settings, "it");
    EventConsumer consumer =
        new EventConsumer(
            settings,
            Set.of(topics.observations()),
            "it-consumer",
            publisher,
            e -> {
              handled.add(e);
              return Future.succeededFuture();
            });
    vertx.deployVerticle(consumer).await();

    PitstopEvent started = SampleEvents.of(EventType.TASKRUN_STARTED);
    PitstopEvent finished = SampleEvents.of(EventType.TASKRUN_FINISHED);
    publisher.publish(started).await();
    publisher
        .send(
            new ProducerRecord<>(
                topics.observations(), "k".getBytes(), "not a cloudevent".getBytes()))
        .await();
    publisher.publish(started).await(); // a relist re-emits the same id
    publisher.publish(finished).await();

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= 2);
    assertThat(handled).extracting(PitstopEvent::id).containsExactly(started.id(), finished.id());

    ConsumerRecord<byte[], byte[]> dead = deadLetters().get(0);
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not a cloudevent");
    assertThat(
            new String(
                dead.headers().lastHeader(EventRecords.DLQ_REASON).value(), StandardCharsets.UTF_8))
        .contains("not a CloudEvent");
    assertThat(
            new String(
                dead.headers().lastHeader(EventRecords.DLQ_CONSUMER).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("it-consumer");
    publisher.close();
  }

  @Test
  void deferredCommitsStopAtTheLowestRecordNotYetDurableAndConsumptionGoesOn() throws Exception {
    SharedKafka.createTopics(1, topics.all().toArray(String[]::new));
    List<PitstopEvent> handled = new CopyOnWriteArrayList<>();
    Map<String, io.vertx.core.Promise<Void>> holds = new java.util.concurrent.ConcurrentHashMap<>();
    PitstopEvent held = SampleEvents.of(EventType.PIPELINERUN_STARTED);
    EventPublisher publisher = new EventPublisher(vertx, settings, "it");
    EventConsumer consumer =
        EventConsumer.deferred(
            settings,
            Set.of(topics.observations()),
            "it-deferred",
            publisher,
            e -> {
              handled.add(e);
              if (e.id().equals(held.id())) {
                io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
                holds.put(e.id(), p);
                return new EventConsumer.Handling(Future.succeededFuture(), p.future());
              }
              return EventConsumer.Handling.done();
            });
    vertx.deployVerticle(consumer).await();

    publisher.publish(held).await();
    publisher.publish(SampleEvents.of(EventType.TASKRUN_STARTED)).await();
    publisher.publish(SampleEvents.of(EventType.TASKRUN_FINISHED)).await();

    // Later records are handled although the first is not durable yet ...
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 3);
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      org.apache.kafka.common.TopicPartition tp =
          new org.apache.kafka.common.TopicPartition(topics.observations(), 0);
      java.util.concurrent.Callable<Long> committed =
          () -> {
            var offsets =
                admin.listConsumerGroupOffsets("it-deferred").partitionsToOffsetAndMetadata().get();
            var o = offsets.get(tp);
            return o == null ? -1L : o.offset();
          };
      // ... but nothing is committed past it (the commit timer runs every 500 ms).
      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> committed.call() <= 0);

      holds.get(held.id()).complete();

      await().atMost(Duration.ofSeconds(30)).until(() -> committed.call() == 3L);
    }
    publisher.close();
  }

  @Test
  void anEventWhoseEffectsFailIsCountedAndFailsReadinessWhileConsumptionGoesOn() throws Exception {
    SharedKafka.createTopics(1, topics.all().toArray(String[]::new));
    List<PitstopEvent> handled = new CopyOnWriteArrayList<>();
    PitstopEvent failing = SampleEvents.of(EventType.PIPELINERUN_STARTED);
    EventPublisher publisher = new EventPublisher(vertx, settings, "it");
    EventConsumer consumer =
        EventConsumer.deferred(
            settings,
            Set.of(topics.observations()),
            "it-not-durable",
            publisher,
            e -> {
              handled.add(e);
              return e.id().equals(failing.id())
                  ? new EventConsumer.Handling(
                      Future.succeededFuture(), Future.failedFuture("state write refused"))
                  : EventConsumer.Handling.done();
            });
    vertx.deployVerticle(consumer).await();
    dev.pitstop.runtime.ops.Readiness readiness = dev.pitstop.runtime.ops.Ops.of(vertx).readiness();
    await().atMost(Duration.ofSeconds(30)).until(() -> readiness.run(vertx, 2_000).await().ready());

    publisher.publish(failing).await();
    publisher.publish(SampleEvents.of(EventType.TASKRUN_STARTED)).await();

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !readiness.run(vertx, 2_000).await().ready());
    assertThat(readiness.run(vertx, 2_000).await().checks().get("consumer:it-not-durable"))
        .contains("could not be made durable", topics.observations() + "-0@0");
    assertThat(dev.pitstop.runtime.ops.Ops.of(vertx).metrics().scrape())
        .contains("pitstop_events_not_durable_total{consumer=\"it-not-durable\"} 1.0");
    publisher.close();
  }

  @Test
  void orderedPerTopicHandlesAnotherTopicWhileOneTopicsHandlingIsHeld() throws Exception {
    SharedKafka.createTopics(1, topics.all().toArray(String[]::new));
    List<PitstopEvent> handled = new CopyOnWriteArrayList<>();
    io.vertx.core.Promise<Void> gate = io.vertx.core.Promise.promise();
    PitstopEvent held = SampleEvents.of(EventType.STEP_BREAKPOINT_REACHED);
    EventPublisher publisher = new EventPublisher(vertx, settings, "it");
    EventConsumer consumer =
        new EventConsumer(
                settings,
                Set.of(topics.observations(), topics.commands()),
                "it-lanes",
                publisher,
                e -> {
                  handled.add(e);
                  // The first observation holds its topic's order until the gate opens.
                  return e.id().equals(held.id()) ? gate.future() : Future.succeededFuture();
                })
            .orderedPerTopic();
    vertx.deployVerticle(consumer).await();

    PitstopEvent behind = SampleEvents.of(EventType.STEP_FINISHED);
    PitstopEvent command = SampleEvents.of(EventType.COMMAND_CONTINUE);
    publisher.publish(held).await();
    publisher.publish(behind).await();
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains(held));
    publisher.publish(command).await(); // to the commands topic (its type's topic kind)

    // The command is handled while the observations' order is still held; the observation
    // behind the held one is not.
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains(command));
    assertThat(handled).doesNotContain(behind);

    gate.complete();
    await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains(behind));
    assertThat(handled)
        .extracting(PitstopEvent::id)
        .containsExactly(held.id(), command.id(), behind.id());
    publisher.close();
  }

  @Test
  void onlyTypesLeavesOtherTypesUndecodedAndCommittedButStillDeadLettersWhatNamesNoType()
      throws Exception {
    SharedKafka.createTopics(1, topics.all().toArray(String[]::new));
    List<PitstopEvent> handled = new CopyOnWriteArrayList<>();
    EventPublisher publisher = new EventPublisher(vertx, settings, "it");
    EventConsumer consumer =
        EventConsumer.deferred(
                settings,
                Set.of(topics.observations()),
                "it-only",
                publisher,
                e -> {
                  handled.add(e);
                  return EventConsumer.Handling.done();
                })
            .onlyTypes(Set.of(EventType.TASKRUN_FINISHED));
    vertx.deployVerticle(consumer).await();

    PitstopEvent finished = SampleEvents.of(EventType.TASKRUN_FINISHED);
    publisher.publish(SampleEvents.of(EventType.STEP_STARTED)).await();
    // Not decoded, so not judged: its header names a type this consumer does not act on.
    ProducerRecord<byte[], byte[]> skippedGarbage =
        new ProducerRecord<>(topics.observations(), "k".getBytes(), "{not json".getBytes());
    skippedGarbage
        .headers()
        .add(EventRecords.TYPE_HEADER, EventType.STEP_STARTED.type().getBytes());
    publisher.send(skippedGarbage).await();
    // No ce_type: decoded, and dead-lettered.
    publisher
        .send(
            new ProducerRecord<>(
                topics.observations(), "k".getBytes(), "not a cloudevent".getBytes()))
        .await();
    publisher.publish(finished).await();

    await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains(finished));
    assertThat(handled).extracting(PitstopEvent::id).containsExactly(finished.id());
    assertThat(dev.pitstop.runtime.ops.Ops.of(vertx).metrics().scrape())
        .contains(
            "pitstop_events_skipped_total{consumer=\"it-only\",type=\""
                + EventType.STEP_STARTED.type()
                + "\"} 2.0");
    assertThat(deadLetters())
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactly("not a cloudevent");
    // The skipped records are committed with the rest: a restart does not read them again.
    Properties p = new Properties();
    p.put("bootstrap.servers", SharedKafka.bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      org.apache.kafka.common.TopicPartition tp =
          new org.apache.kafka.common.TopicPartition(topics.observations(), 0);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                var committed =
                    admin
                        .listConsumerGroupOffsets("it-only")
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(tp);
                return committed != null && committed.offset() == 4;
              });
    }
    publisher.close();
  }

  /**
   * The dead-letter topic's records, read until at least one arrived and then to its end offsets
   * (every dead letter of a test is written before the event behind it is handled).
   */
  private List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    try (KafkaConsumer<byte[], byte[]> dlq = rawConsumer()) {
      dlq.subscribe(List.of(topics.deadLetter()));
      List<ConsumerRecord<byte[], byte[]>> got = new CopyOnWriteArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                dlq.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
              });
      Map<org.apache.kafka.common.TopicPartition, Long> end = dlq.endOffsets(dlq.assignment());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                dlq.poll(Duration.ofMillis(200)).forEach(got::add);
                return end.entrySet().stream()
                    .allMatch(e -> dlq.position(e.getKey()) >= e.getValue());
              });
      return got;
    }
  }

  private KafkaConsumer<byte[], byte[]> rawConsumer() {
    Properties p = new Properties();
    p.putAll(
        Map.of(
            "bootstrap.servers",
            SharedKafka.bootstrapServers(),
            "group.id",
            "dlq-reader-" + UUID.randomUUID(),
            "auto.offset.reset",
            "earliest"));
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
