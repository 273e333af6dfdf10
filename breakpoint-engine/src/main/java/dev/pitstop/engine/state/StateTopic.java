package dev.pitstop.engine.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.events.EventCodec;
import dev.pitstop.runtime.config.ConfigException;
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
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's compacted state topic: one record per root run, key = the root run's uid (as the
 * run's events), value = {@link RootState} as JSON, a tombstone (null) when the root run has ended.
 *
 * <p>Partitioned exactly as the observations and commands topics (same count, same key, Kafka's
 * default partitioner: {@link #partitionOf}), so partition {@code p} of the state topic holds the
 * state of the root runs whose events are on partition {@code p} of the input topics, and the
 * engine instance that owns input partition {@code p} reads and writes state partition {@code p}
 * only.
 *
 * <p>{@link #prepare} checks the topics at start-up (and creates the state topic if missing);
 * {@link #load} reads given partitions from the beginning to the end offsets taken when it starts,
 * last value per key winning. Blocking Kafka calls run on a worker.
 */
public final class StateTopic {
  private static final Logger LOG = LoggerFactory.getLogger(StateTopic.class);
  private static final ObjectMapper JSON = EventCodec.mapper();
  private static final Duration LOAD_LIMIT = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final KafkaSettings kafka;
  private final String topic;
  private final int partitions;

  /**
   * @param topic the state topic ({@code ENGINE_STATE_TOPIC})
   * @param partitions its expected partition count ({@code ENGINE_STATE_PARTITIONS}), or 0 to take
   *     the observations topic's
   */
  public StateTopic(Vertx vertx, KafkaSettings kafka, String topic, int partitions) {
    this.vertx = vertx;
    this.kafka = kafka;
    this.topic = topic;
    this.partitions = partitions;
  }

  public String topic() {
    return topic;
  }

  /**
   * The partition of a root run's records among {@code count} partitions: Kafka's default
   * partitioner for a keyed record ({@code toPositive(murmur2(key)) % count}, the producer's {@code
   * BuiltInPartitioner.partitionForKey}), which every Pitstop producer uses.
   */
  public static int partitionOf(String rootUid, int count) {
    return Utils.toPositive(Utils.murmur2(rootUid.getBytes(StandardCharsets.UTF_8))) % count;
  }

  /**
   * Checks the topics the engine's ownership model rests on, creating the state topic if missing
   * ({@code cleanup.policy=compact}, the observations topic's partition count):
   *
   * <ul>
   *   <li>the observations and commands topics exist and have the same partition count;
   *   <li>{@code ENGINE_STATE_PARTITIONS}, when set, is that count;
   *   <li>an existing state topic has that count and is compacted.
   * </ul>
   *
   * @return the partition count; fails with a {@link ConfigException} naming the topic and the key
   *     to fix, or with Kafka's error
   */
  public Future<Integer> prepare() {
    return vertx.executeBlocking(this::prepareBlocking, false);
  }

  private int prepareBlocking() throws Exception {
    Properties p = new Properties();
    p.putAll(kafka.client());
    String observations = kafka.topics().observations();
    String commands = kafka.topics().commands();
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      for (String t : List.of(observations, commands)) {
        if (!existing.contains(t)) {
          throw new ConfigException(
              "topic "
                  + t
                  + " does not exist: create it before starting the engine (PITSTOP_TOPIC_PREFIX="
                  + kafka.topics().prefix()
                  + "); its partition count decides how the engine scales out");
        }
      }
      Map<String, TopicDescription> d =
          admin
              .describeTopics(
                  existing.contains(topic)
                      ? List.of(observations, commands, topic)
                      : List.of(observations, commands))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      int n = d.get(observations).partitions().size();
      int c = d.get(commands).partitions().size();
      if (c != n) {
        throw new ConfigException(
            "topic "
                + commands
                + " has "
                + c
                + " partitions but "
                + observations
                + " has "
                + n
                + ": they must be equal, so a command reaches the engine instance that owns its run"
                + " (repartition one of them; PITSTOP_TOPIC_PREFIX="
                + kafka.topics().prefix()
                + ")");
      }
      if (partitions != 0 && partitions != n) {
        throw new ConfigException(
            "ENGINE_STATE_PARTITIONS="
                + partitions
                + " but "
                + observations
                + " has "
                + n
                + " partitions: they must be equal (or leave ENGINE_STATE_PARTITIONS unset)");
      }
      TopicDescription state = d.get(topic);
      if (state == null) {
        try {
          admin
              .createTopics(
                  List.of(
                      new NewTopic(topic, n, (short) -1)
                          .configs(Map.of("cleanup.policy", "compact"))))
              .all()
              .get(30, TimeUnit.SECONDS);
          LOG.info("created state topic {} ({} partitions, compacted)", topic, n);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          return prepareBlocking(); // created meanwhile by another instance: check it
        }
        return n;
      }
      if (state.partitions().size() != n) {
        throw new ConfigException(
            "ENGINE_STATE_TOPIC="
                + topic
                + " has "
                + state.partitions().size()
                + " partitions but "
                + observations
                + " has "
                + n
                + ": they must be equal (the state of partition p belongs with input partition p);"
                + " point ENGINE_STATE_TOPIC at a new topic or repartition the inputs");
      }
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config cfg = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      ConfigEntry policy = cfg == null ? null : cfg.get("cleanup.policy");
      if (policy != null && !policy.value().contains("compact")) {
        throw new ConfigException(
            "ENGINE_STATE_TOPIC="
                + topic
                + " has cleanup.policy="
                + policy.value()
                + ": it must be compact, or ended runs' state is never dropped and live runs'"
                + " state expires");
      }
      return n;
    }
  }

  /**
   * The latest state of every root run on the given partitions of the state topic, read from the
   * beginning to the end offsets taken when the read starts. A root whose latest record is a
   * tombstone, or cannot be read as a {@link RootState} (logged), is left out: an older record
   * would restore a state the run has left.
   *
   * @return by root uid; fails when the partitions are not read within 60 s
   */
  public Future<Map<String, RootState>> load(Set<Integer> which) {
    return vertx.executeBlocking(() -> loadBlocking(which), false);
  }

  private Map<String, RootState> loadBlocking(Set<Integer> which) {
    Map<String, RootState> out = new LinkedHashMap<>();
    if (which.isEmpty()) {
      return out;
    }
    // The latest record per root, parsed once the read is done: until the log cleaner has run, a
    // root has a record per change of its state, and parsing is most of a restart's load (#7).
    Map<String, byte[]> latest = new LinkedHashMap<>();
    long started = System.nanoTime();
    long positioned;
    long records = 0;
    long bytes = 0;
    Map<String, String> c = new HashMap<>(kafka.consumerConfig("unused", "engine-state-load"));
    c.remove("group.id");
    Properties p = new Properties();
    p.putAll(c);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          which.stream().sorted().map(i -> new TopicPartition(topic, i)).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      positioned = System.nanoTime();
      long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "state topic " + topic + " partitions " + which + " not read within " + LOAD_LIMIT);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue; // written after the read started: the owner's own writes, not state to load
          }
          String key = new String(r.key(), StandardCharsets.UTF_8);
          records++;
          bytes += r.serializedValueSize() < 0 ? 0 : r.serializedValueSize();
          if (r.value() == null) {
            latest.remove(key);
          } else {
            latest.put(key, r.value());
          }
        }
      }
    }
    long read = System.nanoTime();
    latest.forEach(
        (key, value) -> {
          try {
            out.put(key, JSON.readValue(value, RootState.class));
          } catch (IOException e) {
            LOG.warn(
                "state topic {}: unreadable state of {} skipped: {}", topic, key, e.toString());
          }
        });
    LOG.info(
        "state topic {} partitions {}: {} root run(s) with live state ({} records, {} KiB; consumer"
            + " positioned in {} ms, read in {} ms, parsed in {} ms)",
        topic,
        which,
        out.size(),
        records,
        bytes / 1024,
        (positioned - started) / 1_000_000,
        (read - positioned) / 1_000_000,
        (System.nanoTime() - read) / 1_000_000);
    return out;
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
