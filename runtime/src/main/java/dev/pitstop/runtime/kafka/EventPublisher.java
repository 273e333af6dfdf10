package dev.pitstop.runtime.kafka;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes Pitstop events to Kafka in CloudEvents binary mode through an idempotent producer
 * ({@code acks=all}), keyed by the root run's UID, so one run's events stay in order on one
 * partition. Also writes dead letters.
 *
 * <p>Counts each acknowledged event ({@code pitstop_events_published_total{type}}, {@link Ops}) and
 * registers the readiness check {@code kafka:<clientId>}: a Kafka admin client (created on the
 * first check, with the same client properties) must get an answer to {@code describeCluster}
 * within 2 s.
 */
public final class EventPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaSettings settings;
  private final Vertx vertx;
  private final String clientId;
  private final PitstopMetrics metrics;
  private final Runnable unregisterReadiness;
  private Future<org.apache.kafka.clients.admin.Admin> admin;

  public EventPublisher(Vertx vertx, KafkaSettings settings, String clientId) {
    this.settings = settings;
    this.vertx = vertx;
    this.clientId = clientId;
    this.producer = KafkaProducer.create(vertx, settings.producerConfig(clientId));
    Ops ops = Ops.of(vertx);
    this.metrics = ops.metrics();
    this.unregisterReadiness = ops.readiness().register("kafka:" + clientId, this::reachable);
  }

  /** Succeeds when a broker answers {@code describeCluster}; fails with Kafka's error. */
  public Future<Void> reachable() {
    synchronized (this) {
      if (admin == null) {
        java.util.Map<String, Object> props = new java.util.HashMap<>(settings.client());
        props.put("client.id", clientId + "-readiness");
        props.put("request.timeout.ms", "2000");
        props.put("default.api.timeout.ms", "2000");
        admin =
            vertx.executeBlocking(() -> org.apache.kafka.clients.admin.Admin.create(props), false);
      }
    }
    return admin.compose(
        a ->
            Future.fromCompletionStage(
                    a.describeCluster(
                            new org.apache.kafka.clients.admin.DescribeClusterOptions()
                                .timeoutMs(2000))
                        .clusterId()
                        .toCompletionStage())
                .mapEmpty());
  }

  /**
   * Sends an event to the topic of its type.
   *
   * @return a future completed once the broker acknowledged the record, failed with Kafka's error
   */
  public Future<Void> publish(PitstopEvent e) {
    ProducerRecord<String, byte[]> rec = EventRecords.toRecord(settings.topics(), e);
    LOG.debug("publish {} {} {} to {}", e.id(), e.type().type(), e.subject(), rec.topic());
    byte[] key = rec.key() == null ? null : rec.key().getBytes(StandardCharsets.UTF_8);
    return send(rec.topic(), key, rec.value(), rec.headers().toArray())
        .onSuccess(v -> metrics.published(e.type().type()));
  }

  /** Sends a record that is already built (dead letters); completes once acknowledged. */
  public Future<Void> send(ProducerRecord<byte[], byte[]> rec) {
    return send(rec.topic(), rec.key(), rec.value(), rec.headers().toArray());
  }

  private Future<Void> send(String topic, byte[] key, byte[] value, Header[] headers) {
    KafkaProducerRecord<byte[], byte[]> r = KafkaProducerRecord.create(topic, key, value);
    for (Header h : headers) {
      r.addHeader(h.key(), Buffer.buffer(h.value()));
    }
    return producer.send(r).mapEmpty();
  }

  /** Flushes and closes the producer; completes when closed. */
  public Future<Void> closeAsync() {
    unregisterReadiness.run();
    Future<org.apache.kafka.clients.admin.Admin> a;
    synchronized (this) {
      a = admin;
    }
    if (a != null) {
      a.onSuccess(
          x ->
              vertx.executeBlocking(
                  () -> {
                    x.close(java.time.Duration.ofSeconds(2));
                    return null;
                  },
                  false));
    }
    return producer.flush().compose(v -> producer.close());
  }

  @Override
  public void close() {
    closeAsync().await();
  }
}
