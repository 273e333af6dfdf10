package dev.pitstop.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.events.EventType;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventRecordsTest {
  private final Topics topics = new Topics("t1.");

  @ParameterizedTest
  @EnumSource(EventType.class)
  void everyTypeTravelsInBinaryModeKeyedByRootRun(EventType type) throws Exception {
    PitstopEvent e = SampleEvents.of(type);
    ProducerRecord<String, byte[]> rec = EventRecords.toRecord(topics, e);
    assertThat(rec.topic()).isEqualTo(topics.of(type));
    assertThat(rec.key()).isEqualTo(SampleEvents.PIPELINE_RUN_UID);
    assertThat(rec.headers().lastHeader("ce_type").value())
        .asString(StandardCharsets.UTF_8)
        .isEqualTo(type.type());
    assertThat(rec.headers().lastHeader("ce_partitionkey")).isNotNull();
    assertThat(EventRecords.decode(rec.headers(), rec.value())).isEqualTo(e);
  }

  @Test
  void aRecordWithoutCloudEventHeadersIsMalformed() {
    assertThatThrownBy(() -> EventRecords.decode(new RecordHeaders(), "{}".getBytes()))
        .isInstanceOf(MalformedEventException.class);
  }

  @Test
  void deadLetterKeepsTheRecordAndSaysWhy() {
    RecordHeaders h = new RecordHeaders();
    h.add("ce_type", "x".getBytes());
    ConsumerRecord<byte[], byte[]> rec =
        new ConsumerRecord<>("t1.observations", 2, 41L, "k".getBytes(), "v".getBytes());
    rec.headers().add("ce_type", "x".getBytes());
    ProducerRecord<byte[], byte[]> dl =
        EventRecords.deadLetter(topics, rec, "tracer", "unknown event type x");
    assertThat(dl.topic()).isEqualTo("t1.deadletter");
    assertThat(dl.value()).isEqualTo("v".getBytes());
    assertThat(dl.key()).isEqualTo("k".getBytes());
    assertThat(new String(dl.headers().lastHeader(EventRecords.DLQ_REASON).value()))
        .isEqualTo("unknown event type x");
    assertThat(new String(dl.headers().lastHeader(EventRecords.DLQ_OFFSET).value()))
        .isEqualTo("41");
    assertThat(new String(dl.headers().lastHeader(EventRecords.DLQ_CONSUMER).value()))
        .isEqualTo("tracer");
    assertThat(dl.headers().lastHeader("ce_type")).isNotNull();
  }
}
