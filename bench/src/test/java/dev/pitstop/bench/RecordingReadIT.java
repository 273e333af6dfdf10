package dev.pitstop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.sandbox.kafka.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class RecordingReadIT {
  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of("bootstrap.servers", SharedKafka.bootstrapServers(), "acks", "all"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  @Test
  void readsEveryRecordOfEveryPartitionInOffsetOrder() throws Exception {
    String topic = "recording-read-" + UUID.randomUUID();
    SharedKafka.createTopics(3, topic);
    Map<Integer, List<String>> written = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (int i = 0; i < 300; i++) {
        int partition = (i * 7) % 3; // interleaved partitions
        String value = "v" + i;
        written.computeIfAbsent(partition, k -> new ArrayList<>()).add(value);
        ProducerRecord<byte[], byte[]> r =
            new ProducerRecord<>(
                topic,
                partition,
                ("k" + i).getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_id", ("id" + i).getBytes(StandardCharsets.UTF_8));
        p.send(r);
      }
      p.flush();
    }

    Recording rec = Recording.read(SharedKafka.bootstrapServers(), topic, Duration.ofSeconds(30));

    assertThat(rec.records()).hasSize(300);
    Map<Integer, List<String>> read = new HashMap<>();
    for (Recording.Record r : rec.records()) {
      String value = new String(r.value(), StandardCharsets.UTF_8);
      read.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(value);
      String n = value.substring(1);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k" + n);
      assertThat(new String(r.headers().get("ce_id"), StandardCharsets.UTF_8)).isEqualTo("id" + n);
    }
    assertThat(read).isEqualTo(written);
  }

  @Test
  void anEmptyTopicIsAnEmptyRecording() throws Exception {
    String topic = "recording-empty-" + UUID.randomUUID();
    SharedKafka.createTopics(3, topic);
    assertThat(
            Recording.read(SharedKafka.bootstrapServers(), topic, Duration.ofSeconds(30)).records())
        .isEmpty();
  }

  @Test
  void aMissingTopicIsRefused() {
    assertThatThrownBy(
            () ->
                Recording.read(
                    SharedKafka.bootstrapServers(),
                    "recording-missing-" + UUID.randomUUID(),
                    Duration.ofSeconds(5)))
        .isInstanceOf(Exception.class);
  }
}
