package dev.pitstop.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The observations part 1 produced, as the watcher wrote them to Kafka (bytes, in order per
 * partition), for part 2 to replay.
 *
 * @param records every record of the observations topic, in offset order per partition
 */
public record Recording(List<Record> records) {
  public Recording {
    records = List.copyOf(records);
  }

  /**
   * Reads a whole topic, every partition from its beginning to its end offset at the time of the
   * call.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param topic the topic, e.g. part 1's observations topic
   * @param timeout how long to wait for the end offsets to be reached
   * @throws java.util.concurrent.TimeoutException when not read by then
   */
  public static Recording read(String bootstrap, String topic, Duration timeout) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("enable.auto.commit", "false");
    p.put("max.poll.records", "5000");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, timeout).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, timeout));
      Map<Integer, List<Record>> byPartition = new TreeMap<>();
      while (end.entrySet().stream()
          .anyMatch(e -> c.position(e.getKey(), timeout) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "Recording.read: "
                  + topic
                  + " not read to its end offsets "
                  + end
                  + " within "
                  + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= end.get(tp)) {
            continue;
          }
          Map<String, byte[]> headers = new LinkedHashMap<>();
          for (Header h : r.headers()) {
            headers.put(h.key(), h.value());
          }
          byPartition
              .computeIfAbsent(r.partition(), k -> new ArrayList<>())
              .add(new Record(r.partition(), r.key(), r.value(), headers));
        }
      }
      List<Record> all = new ArrayList<>();
      byPartition.values().forEach(all::addAll);
      return new Recording(all);
    }
  }

  /**
   * @param partition the partition it was read from
   * @param key the record key (the root run's uid), may be null
   * @param value the CloudEvent, structured JSON
   * @param headers the record headers, name to value
   */
  public record Record(int partition, byte[] key, byte[] value, Map<String, byte[]> headers) {}
}
