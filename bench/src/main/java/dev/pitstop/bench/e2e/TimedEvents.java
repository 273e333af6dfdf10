package dev.pitstop.bench.e2e;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.kafka.EventRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Pitstop events of some topics read whole with their record timestamps (the producer's {@code
 * CreateTime}: when the service called {@code send()}), to split a latency into its legs.
 */
public final class TimedEvents {
  private TimedEvents() {}

  /**
   * @param published when the producer sent it
   * @param event the decoded event
   */
  public record Timed(Instant published, PitstopEvent event) {}

  /** Every decodable event of these topics, from the beginning to the end offsets now. */
  public static List<Timed> read(String bootstrap, List<String> topics, Duration timeout)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("enable.auto.commit", "false");
    p.put("max.poll.records", "5000");
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Timed> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topics) {
        c.partitionsFor(t, timeout).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("reading " + topics + " took longer than " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          try {
            out.add(
                new Timed(
                    Instant.ofEpochMilli(r.timestamp()),
                    EventRecords.decode(r.headers(), r.value())));
          } catch (Exception e) {
            // not a Pitstop event (e.g. a dead letter): not part of any path
          }
        }
      }
    }
    return out;
  }
}
