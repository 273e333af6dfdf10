package dev.pitstop.engine.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.events.EventCodec;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's compacted state topic: one record per root run, key = the root run's uid (as the
 * run's events, so with the same partition count a root run's state lives in the partition of its
 * events), value = {@link RootState} as JSON, a tombstone (null) when the root run has ended.
 *
 * <p>{@link #ensure} creates the topic at start-up if missing ({@code cleanup.policy=compact}, the
 * configured partitions), idempotently. {@link #load} reads it from the beginning to the end
 * offsets of every partition, last value per key winning; blocking Kafka calls run on a worker.
 */
public final class StateTopic {
  private static final Logger LOG = LoggerFactory.getLogger(StateTopic.class);
  private static final ObjectMapper JSON = EventCodec.mapper();

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final String topic;
  private final int partitions;

  public StateTopic(Vertx vertx, KafkaSettings kafka, String topic, int partitions) {
    this.vertx = vertx;
    this.kafka = kafka;
    this.topic = topic;
    this.partitions = partitions;
  }

  public String topic() {
    return topic;
  }

  /** Creates the compacted topic if it does not exist. */
  public Future<Void> ensure() {
    return vertx.executeBlocking(
        () -> {
          Properties p = new Properties();
          p.putAll(kafka.client());
          try (Admin admin = Admin.create(p)) {
            NewTopic t =
                new NewTopic(topic, partitions, (short) -1)
                    .configs(Map.of("cleanup.policy", "compact"));
            admin.createTopics(List.of(t)).all().get();
            LOG.info("created state topic {} ({} partitions, compacted)", topic, partitions);
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw e;
            }
          }
          return null;
        },
        false);
  }

  /** Every root run's latest state, by root uid. */
  public Future<Map<String, RootState>> load() {
    return vertx.executeBlocking(
        () -> {
          Map<String, String> c =
              new HashMap<>(kafka.consumerConfig("unused", "engine-state-load"));
          c.remove("group.id");
          Properties p = new Properties();
          p.putAll(c);
          Map<String, RootState> out = new LinkedHashMap<>();
          try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts =
                consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
              if (System.nanoTime() > deadline) {
                throw new IllegalStateException("state topic " + topic + " not read within 60s");
              }
              for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                  out.remove(key);
                } else {
                  try {
                    out.put(key, JSON.readValue(r.value(), RootState.class));
                  } catch (IOException e) {
                    LOG.warn(
                        "state topic {}: unreadable state of {} skipped: {}",
                        topic,
                        key,
                        e.toString());
                  }
                }
              }
            }
          }
          LOG.info("state topic {}: {} root run(s) with live state", topic, out.size());
          return out;
        },
        false);
  }

  /** Writes a root run's state, or its tombstone when {@code state} is null or empty. */
  public Future<Void> write(EventPublisher producer, String rootUid, RootState state) {
    byte[] value;
    try {
      value = state == null || state.isEmpty() ? null : JSON.writeValueAsBytes(state);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return producer.send(
        new ProducerRecord<>(topic, rootUid.getBytes(StandardCharsets.UTF_8), value));
  }
}
