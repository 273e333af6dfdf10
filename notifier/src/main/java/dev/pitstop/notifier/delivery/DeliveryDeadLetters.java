package dev.pitstop.notifier.delivery;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.notifier.routing.Endpoint;
import dev.pitstop.runtime.kafka.EventPublisher;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes undelivered events to the dead-letter topic: the event's own record (CloudEvents binary
 * mode, keyed by the run) with the {@code pitstop-dlq-*} headers of {@link EventRecords#deadLetter}
 * (reason, source topic, consumer {@code notifier}; partition and offset are {@code -1} because the
 * delivery no longer knows them), plus {@value #ATTEMPTS} and {@value #ENDPOINT}.
 */
public final class DeliveryDeadLetters implements DeadLetterSink {
  /** Header: how many delivery attempts were made, decimal. */
  public static final String ATTEMPTS = "pitstop-dlq-attempts";

  /** Header: the endpoint's {@link Endpoint#name() name} (no user info, query or fragment). */
  public static final String ENDPOINT = "pitstop-dlq-endpoint";

  /** The consumer named in {@link EventRecords#DLQ_CONSUMER}. */
  public static final String CONSUMER = "notifier";

  private final EventPublisher publisher;
  private final Topics topics;

  public DeliveryDeadLetters(EventPublisher publisher, Topics topics) {
    this.publisher = publisher;
    this.topics = topics;
  }

  @Override
  public Future<Void> deadLetter(
      PitstopEvent event, Endpoint endpoint, int attempts, String reason) {
    return publisher.send(record(topics, event, endpoint.name(), attempts, reason));
  }

  /**
   * Records that an event was not delivered to an endpoint that could not even be built (a
   * subscription refused by an allowlist).
   *
   * @param endpointName how to name it: a URL without user info, query or fragment, or a channel
   */
  public Future<Void> deadLetter(
      PitstopEvent event, String endpointName, int attempts, String reason) {
    return publisher.send(record(topics, event, endpointName, attempts, reason));
  }

  /** The dead-letter record of an undelivered event. */
  public static ProducerRecord<byte[], byte[]> record(
      Topics topics, PitstopEvent event, Endpoint endpoint, int attempts, String reason) {
    return record(topics, event, endpoint.name(), attempts, reason);
  }

  private static ProducerRecord<byte[], byte[]> record(
      Topics topics, PitstopEvent event, String endpoint, int attempts, String reason) {
    ProducerRecord<String, byte[]> original = EventRecords.toRecord(topics, event);
    ProducerRecord<byte[], byte[]> dl =
        EventRecords.deadLetter(
            topics.deadLetter(),
            original.topic(),
            -1,
            -1L,
            original.key() == null ? null : original.key().getBytes(StandardCharsets.UTF_8),
            original.value(),
            original.headers(),
            CONSUMER,
            "delivery to " + endpoint + " failed: " + reason);
    dl.headers().add(ATTEMPTS, Integer.toString(attempts).getBytes(StandardCharsets.UTF_8));
    dl.headers().add(ENDPOINT, endpoint.getBytes(StandardCharsets.UTF_8));
    return dl;
  }
}
