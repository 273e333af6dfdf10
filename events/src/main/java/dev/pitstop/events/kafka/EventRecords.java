package dev.pitstop.events.kafka;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Pitstop events as Kafka records in CloudEvents binary content mode (cloudevents-kafka): {@code
 * ce_*} headers, the data as the value, the root run's UID as the key. Consumers read bytes and
 * decode here, so a malformed record can go to the dead-letter topic instead of stopping the
 * consumer.
 */
public final class EventRecords {
  /** Header on dead letters: why the record was rejected. */
  public static final String DLQ_REASON = "pitstop-dlq-reason";

  public static final String DLQ_TOPIC = "pitstop-dlq-topic";
  public static final String DLQ_PARTITION = "pitstop-dlq-partition";
  public static final String DLQ_OFFSET = "pitstop-dlq-offset";
  public static final String DLQ_CONSUMER = "pitstop-dlq-consumer";

  /**
   * The header carrying a binary-mode event's type: {@code ce_} and the attribute's name
   * (CloudEvents Kafka protocol binding, 3.2.3).
   */
  public static final String TYPE_HEADER = "ce_type";

  private EventRecords() {}

  /**
   * The Pitstop event type a record's {@code ce_type} header names, read without decoding the
   * record (for a consumer that acts on some types only).
   *
   * @return empty when the header is missing (no binary-mode CloudEvent) or names no Pitstop type:
   *     such a record must be decoded to be judged (and dead-lettered if malformed)
   */
  public static Optional<EventType> typeOf(Headers headers) {
    Header h = headers.lastHeader(TYPE_HEADER);
    return h == null || h.value() == null
        ? Optional.empty()
        : EventType.of(new String(h.value(), StandardCharsets.UTF_8));
  }

  /** The record for an event, on the topic its type belongs to. */
  public static ProducerRecord<String, byte[]> toRecord(Topics topics, PitstopEvent e) {
    return toRecord(topics.of(e.type()), e);
  }

  /** The record for an event on a given topic, keyed by the root run's UID. */
  public static ProducerRecord<String, byte[]> toRecord(String topic, PitstopEvent e) {
    CloudEvent ce = EventCodec.toCloudEvent(e);
    return KafkaMessageFactory.<String>createWriter(topic, null, null, e.partitionKey())
        .writeBinary(ce);
  }

  /**
   * Decodes a record's headers and value.
   *
   * @throws MalformedEventException when it is no CloudEvent or no valid Pitstop event
   */
  public static PitstopEvent decode(Headers headers, byte[] value) throws MalformedEventException {
    CloudEvent ce;
    try {
      MessageReader reader = KafkaMessageFactory.createReader(headers, value);
      ce = reader.toEvent();
    } catch (RuntimeException ex) {
      throw new MalformedEventException("not a CloudEvent: " + ex.getMessage(), ex);
    }
    return EventCodec.fromCloudEvent(ce);
  }

  /**
   * The dead letter for a record: the same key, value and headers, plus {@code pitstop-dlq-*}
   * headers saying why, from where, and which consumer rejected it.
   */
  public static ProducerRecord<byte[], byte[]> deadLetter(
      Topics topics, ConsumerRecord<byte[], byte[]> rec, String consumer, String reason) {
    return deadLetter(
        topics.deadLetter(),
        rec.topic(),
        rec.partition(),
        rec.offset(),
        rec.key(),
        rec.value(),
        rec.headers(),
        consumer,
        reason);
  }

  /** As {@link #deadLetter(Topics, ConsumerRecord, String, String)}, from the record's parts. */
  public static ProducerRecord<byte[], byte[]> deadLetter(
      String deadLetterTopic,
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      Headers original,
      String consumer,
      String reason) {
    RecordHeaders h = new RecordHeaders();
    if (original != null) {
      Arrays.stream(original.toArray()).forEach(h::add);
    }
    h.add(DLQ_REASON, utf8(reason.length() > 1000 ? reason.substring(0, 1000) : reason));
    h.add(DLQ_TOPIC, utf8(topic));
    h.add(DLQ_PARTITION, utf8(Integer.toString(partition)));
    h.add(DLQ_OFFSET, utf8(Long.toString(offset)));
    h.add(DLQ_CONSUMER, utf8(consumer));
    return new ProducerRecord<>(deadLetterTopic, null, key, value, h);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
