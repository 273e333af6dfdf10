package dev.pitstop.bench.capacity;

import dev.pitstop.events.Topics;
import dev.pitstop.runtime.kafka.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The physical limit part 2 is compared with: a plain kafka-clients producer ({@code acks=all},
 * idempotent, as Pitstop's {@code EventPublisher}) and a plain consumer (bytes only, no decoding,
 * no group) over the same records on the same broker.
 */
public final class RawKafka {
  private RawKafka() {}

  /**
   * A measured transfer.
   *
   * @param events records moved
   * @param bytes their key + value + header bytes
   * @param nanos how long it took
   */
  public record Rate(long events, long bytes, long nanos) {
    public double perSecond() {
      return nanos == 0 ? 0 : events * 1e9 / nanos;
    }

    public double mibPerSecond() {
      return nanos == 0 ? 0 : bytes * 1e9 / nanos / (1024 * 1024);
    }
  }

  /** The producer settings used for the raw path and for every replay. */
  static Map<String, Object> producerConfig(String bootstrap) {
    Map<String, Object> p =
        new HashMap<>(
            KafkaSettings.of(bootstrap, Topics.defaults()).producerConfig("pitstop-bench-replay"));
    p.put("linger.ms", "5");
    p.put("batch.size", Integer.toString(256 * 1024));
    // Under heavy load (load average 15-34 on 2 cores) the idempotent producer with 5 requests in
    // flight kept resending a first batch the broker refused as out of order (OutOfOrderSequence
    // from offset 259 on a fresh topic) until its batches expired; one request in flight per
    // connection keeps sequences in order. Each request still carries 256 KiB per partition.
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("request.timeout.ms", "60000");
    p.put("delivery.timeout.ms", "300000");
    return p;
  }

  /**
   * Sends every record to {@code topic} as fast as the broker acknowledges them, and waits for the
   * last acknowledgement.
   *
   * @throws IllegalStateException when a send failed
   */
  public static Rate produce(String bootstrap, String topic, ReplaySet set) {
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> first = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap))) {
      for (ReplaySet.Encoded e : set.events()) {
        producer.send(
            e.to(topic),
            (md, ex) -> {
              if (ex != null) {
                failed.incrementAndGet();
                first.compareAndSet(null, ex);
              }
            });
      }
      producer.flush();
      long nanos = System.nanoTime() - t0;
      if (failed.get() > 0) {
        throw new IllegalStateException(
            failed.get() + " of " + set.size() + " records not written to " + topic, first.get());
      }
      return new Rate(set.size(), set.bytes(), nanos);
    }
  }

  /**
   * Reads {@code topic} from its beginning to its current end offsets with a plain consumer
   * (assigned partitions, byte arrays, nothing decoded).
   *
   * @throws TimeoutException when not read within {@code timeout}
   */
  public static Rate consume(String bootstrap, String topic, Duration timeout)
      throws TimeoutException {
    try (KafkaConsumer<byte[], byte[]> consumer =
        dev.pitstop.bench.Recording.bytesConsumer(bootstrap, "pitstop-bench-raw-consumer")) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic, timeout).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      long events = 0;
      long bytes = 0;
      long t0 = System.nanoTime();
      while (true) {
        boolean done = true;
        for (TopicPartition tp : parts) {
          if (consumer.position(tp) < end.get(tp)) {
            done = false;
            break;
          }
        }
        if (done) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "raw consumer read " + events + " records of " + topic + " within " + timeout);
        }
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
        for (var r : batch) {
          events++;
          bytes += (r.key() == null ? 0 : r.key().length) + r.value().length;
          for (var h : r.headers()) {
            bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
          }
        }
      }
      return new Rate(events, bytes, System.nanoTime() - t0);
    }
  }
}
