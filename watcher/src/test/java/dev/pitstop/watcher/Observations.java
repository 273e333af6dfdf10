package dev.pitstop.watcher;

import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.kafka.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Test fixture: a fresh observations topic on the shared broker (under a unique prefix), the Kafka
 * settings a watcher publishes with, and a plain consumer reading it from the start, decoding every
 * record.
 */
final class Observations implements AutoCloseable {

  /** One observation as read from Kafka: the event, its record key and partition. */
  record Received(PitstopEvent event, String key, int partition) {}

  private final KafkaSettings kafka;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  /**
   * @param name the test's name, used in the topic prefix and the consumer group
   * @param partitions partitions of the observations topic
   */
  Observations(String name, int partitions) {
    Topics topics = new Topics(name + "-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(partitions, topics.observations());
    kafka = KafkaSettings.of(SharedKafka.bootstrapServers(), topics);
    consumer =
        new KafkaConsumer<>(
            new HashMap<String, Object>(
                kafka.consumerConfig(name + "-" + UUID.randomUUID(), name)));
    consumer.subscribe(List.of(topics.observations()));
  }

  /** The settings for a watcher publishing to this topic. */
  KafkaSettings kafka() {
    return kafka;
  }

  /**
   * Polls once (up to 200 ms).
   *
   * @return what this poll read, in order
   * @throws MalformedEventException if a record is not a Pitstop event
   */
  List<Received> poll() throws MalformedEventException {
    List<Received> batch = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
      batch.add(
          new Received(
              EventRecords.decode(rec.headers(), rec.value()),
              rec.key() == null ? null : new String(rec.key(), StandardCharsets.UTF_8),
              rec.partition()));
    }
    received.addAll(batch);
    return batch;
  }

  /** Everything read so far, in order (a live view). */
  List<Received> received() {
    return received;
  }

  /** The events read so far, in order (a copy). */
  List<PitstopEvent> events() {
    return received.stream().map(Received::event).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
