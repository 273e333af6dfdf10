package dev.pitstop.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
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
   * A plain byte-array consumer with no group and no auto-commit, for reading topics by assignment
   * (the recording, the raw consume rate).
   *
   * @param clientId the client id, e.g. {@code pitstop-bench-recording}
   * @return a new consumer; the caller closes it
   */
  public static KafkaConsumer<byte[], byte[]> bytesConsumer(String bootstrap, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  /**
   * Reads a whole topic, every partition from its beginning to its end offset at the time of the
   * call.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param topic the topic, e.g. part 1's observations topic
   * @param timeout how long to wait for the end offsets to be reached
   * @throws java.util.concurrent.TimeoutException when not read by then
   * @throws IllegalArgumentException when the topic does not exist
   */
  public static Recording read(String bootstrap, String topic, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        bytesConsumer(bootstrap, "pitstop-bench-recording")) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist at " + bootstrap);
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
      List<Record> records = new ArrayList<>();
      Set<TopicPartition> remaining = new HashSet<>();
      for (TopicPartition tp : parts) {
        if (end.get(tp) > begin.get(tp)) {
          remaining.add(tp);
        }
      }
      consumer.pause(
          parts.stream().filter(tp -> !remaining.contains(tp)).toList()); // nothing to read there
      while (!remaining.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "read "
                  + records.size()
                  + " records of "
                  + topic
                  + " within "
                  + timeout
                  + "; partitions "
                  + remaining
                  + " not read to their end offsets "
                  + end);
        }
        ConsumerRecords<byte[], byte[]> batch =
            consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000L)));
        for (TopicPartition tp : batch.partitions()) {
          long stop = end.get(tp);
          for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
            if (r.offset() >= stop) {
              break; // written after the call: not part of this recording
            }
            Map<String, byte[]> headers = new LinkedHashMap<>();
            for (Header h : r.headers()) {
              headers.put(h.key(), h.value());
            }
            records.add(new Record(r.partition(), r.key(), r.value(), headers));
          }
        }
        for (TopicPartition tp : List.copyOf(remaining)) {
          if (consumer.position(tp) >= end.get(tp)) {
            remaining.remove(tp);
            consumer.pause(List.of(tp));
          }
        }
      }
      return new Recording(records);
    }
  }

  /** How many records. */
  public int size() {
    return records.size();
  }

  /**
   * @param partition the partition it was read from
   * @param key the record key (the root run's uid), may be null
   * @param value the CloudEvent, structured JSON
   * @param headers the record headers, name to value (the last one when a name repeats)
   */
  public record Record(int partition, byte[] key, byte[] value, Map<String, byte[]> headers) {}
}
