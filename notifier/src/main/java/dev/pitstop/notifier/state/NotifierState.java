package dev.pitstop.notifier.state;

import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's state that must survive a restart (docs/architecture.md): which events it has
 * delivered to which endpoint, and the Slack card of each run and channel. A key/value map kept in
 * a compacted Kafka topic, read back whole at start-up, written through on every change.
 *
 * <p>Bounded: at most {@code capacity} keys; the least recently written key is forgotten and a
 * tombstone is written for it, so compaction bounds the topic too. Keys: {@code delivered|<event
 * id>|<endpoint>} and {@code slack-card|<channel>|<root run uid>}. The topic ({@code
 * <prefix>notifier-state}, one partition, {@code cleanup.policy=compact}) is created at start-up
 * when missing; creating it again is harmless. Use on one context (not thread-safe).
 */
public final class NotifierState {
  private static final Logger LOG = LoggerFactory.getLogger(NotifierState.class);

  private final String topic;
  private final EventPublisher publisher;
  private final Map<String, String> values;
  private final List<String> evicted = new java.util.ArrayList<>();

  private NotifierState(String topic, EventPublisher publisher, int capacity) {
    this.topic = topic;
    this.publisher = publisher;
    this.values =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            if (size() > capacity) {
              evicted.add(eldest.getKey());
              return true;
            }
            return false;
          }
        };
  }

  /** An empty state that writes nowhere (tests of the pure parts). */
  public static NotifierState inMemory(int capacity) {
    return new NotifierState(null, null, capacity);
  }

  /**
   * Creates the topic if missing and reads it to its end (on a worker: the Kafka admin and consumer
   * block).
   *
   * @param publisher writes changes (its producer is idempotent)
   * @param timeout the longest the broker may take to answer
   * @return the state; failed when the topic cannot be created or read
   */
  public static Future<NotifierState> open(
      Vertx vertx,
      KafkaSettings kafka,
      String topic,
      EventPublisher publisher,
      int capacity,
      Duration timeout) {
    NotifierState state = new NotifierState(topic, publisher, capacity);
    return vertx
        .executeBlocking(() -> load(kafka, topic, timeout), false)
        .map(
            loaded -> {
              loaded.forEach(state.values::put);
              state.writeTombstones();
              LOG.info("notifier state: {} keys read back from {}", state.values.size(), topic);
              return state;
            });
  }

  private static Map<String, String> load(KafkaSettings kafka, String topic, Duration timeout)
      throws Exception {
    Map<String, Object> admin = new HashMap<>(kafka.client());
    try (Admin a = Admin.create(admin)) {
      NewTopic t =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(Map.of("cleanup.policy", "compact"));
      try {
        a.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
    Map<String, Object> props = new HashMap<>(kafka.client());
    props.put("enable.auto.commit", "false");
    props.put("client.id", "notifier-state-reader");
    Map<String, String> out = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<PartitionInfo> parts = c.partitionsFor(topic, timeout);
      List<TopicPartition> tps =
          parts.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + topic + " took longer than " + timeout);
        }
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() == null) {
            continue;
          }
          out.remove(r.key());
          if (r.value() != null) {
            out.put(r.key(), r.value());
          }
        }
      }
    }
    return out;
  }

  /** The value of a key, or null. */
  public String get(String key) {
    return values.get(key);
  }

  /** True when the key is present. */
  public boolean contains(String key) {
    return values.containsKey(key);
  }

  /**
   * Sets a key and writes it to the topic (evicting, and tombstoning, the oldest when full).
   *
   * @return a future completed when written; failed when the write failed (the value is kept in
   *     memory either way)
   */
  public Future<Void> put(String key, String value) {
    values.remove(key);
    values.put(key, value);
    Future<Void> f = send(key, value);
    writeTombstones();
    return f;
  }

  /** Removes a key and writes a tombstone. */
  public Future<Void> remove(String key) {
    values.remove(key);
    return send(key, null);
  }

  /** The keys held that start with {@code prefix}, oldest written first. */
  public List<String> keys(String prefix) {
    return values.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
  }

  /** Keys held. */
  public int size() {
    return values.size();
  }

  private void writeTombstones() {
    List<String> gone = List.copyOf(evicted);
    evicted.clear();
    gone.forEach(k -> send(k, null));
  }

  private Future<Void> send(String key, String value) {
    if (publisher == null) {
      return Future.succeededFuture();
    }
    return publisher
        .send(
            new ProducerRecord<>(
                topic,
                key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)))
        .onFailure(t -> LOG.warn("could not write state key {}: {}", key, t.toString()));
  }

  /** The key recording that an event was handled for an endpoint. */
  public static String deliveredKey(String eventId, String endpoint) {
    return "delivered|" + eventId + "|" + endpoint;
  }
}
