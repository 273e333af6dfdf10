package dev.pitstop.bench.e2e;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The physical limit of a Kafka hop on the broker Pitstop used: an idempotent producer ({@code
 * acks=all}, {@code linger.ms=0}) and a plain consumer polling in a loop, records of a given size.
 * Latency is from {@code send()} to the consumer holding the record (same JVM, {@code
 * System.nanoTime}); throughput is records sent as fast as the producer takes them (default
 * batching) until the consumer has read them all.
 */
public final class RawKafka {
  private RawKafka() {}

  /**
   * Produce→consume latency of {@code samples} records, one every {@code interval} (after {@code
   * warmup} unrecorded ones), on a new one-partition topic.
   *
   * @throws TimeoutException when the records do not all arrive within a minute
   */
  public static Latency latency(
      String bootstrap, String topic, int recordBytes, int warmup, int samples, Duration interval)
      throws Exception {
    return latency(bootstrap, topic, recordBytes, warmup, samples, interval, () -> true);
  }

  /**
   * As {@link #latency(String, String, int, int, int, Duration)}, but stops sending once {@code
   * more} answers false (checked before each record; at most {@code warmup + samples} records) and
   * waits for the records sent: for sampling the hop while something else loads the broker.
   *
   * @throws TimeoutException when the records sent do not all arrive within a minute
   */
  public static Latency latency(
      String bootstrap,
      String topic,
      int recordBytes,
      int warmup,
      int samples,
      Duration interval,
      BooleanSupplier more)
      throws Exception {
    create(bootstrap, topic, 1);
    int total = warmup + samples;
    long[] sent = new long[total];
    Latency latency = new Latency();
    Semaphore arrived = new Semaphore(0);
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, "0", null);
        Poller poller =
            new Poller(
                bootstrap,
                topic,
                r -> {
                  long now = System.nanoTime();
                  int seq = ByteBuffer.wrap(r.value()).getInt();
                  if (seq >= warmup && seq < total) latency.recordNanos(now - sent[seq]);
                  arrived.release();
                })) {
      poller.awaitAssigned();
      long next = System.nanoTime();
      int count = 0;
      while (count < total && more.getAsBoolean()) {
        LockSupport.parkNanos(next - System.nanoTime());
        byte[] value = new byte[recordBytes];
        ByteBuffer.wrap(value).putInt(count);
        sent[count] = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, value));
        count++;
        next += interval.toNanos();
      }
      if (!arrived.tryAcquire(count, 1, TimeUnit.MINUTES)) {
        throw new TimeoutException(
            "raw Kafka: "
                + (count - arrived.availablePermits())
                + " of "
                + count
                + " records not consumed in 1 min");
      }
    }
    return latency;
  }

  /**
   * Records per second from the first {@code send()} to the consumer holding the last of {@code
   * count} records, on a new topic of {@code partitions} partitions.
   */
  public static double throughput(
      String bootstrap, String topic, int partitions, int recordBytes, int count) throws Exception {
    create(bootstrap, topic, partitions);
    CountDownLatch done = new CountDownLatch(count);
    AtomicLong last = new AtomicLong();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, null, null);
        Poller poller =
            new Poller(
                bootstrap,
                topic,
                r -> {
                  last.set(System.nanoTime());
                  done.countDown();
                })) {
      poller.awaitAssigned();
      byte[] value = new byte[recordBytes];
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        byte[] key = ByteBuffer.allocate(4).putInt(i).array();
        producer.send(new ProducerRecord<>(topic, key, value));
      }
      if (!done.await(2, TimeUnit.MINUTES)) {
        throw new TimeoutException(
            "raw Kafka: " + done.getCount() + " of " + count + " records not consumed in 2 min");
      }
      return count / ((last.get() - start) / 1e9);
    }
  }

  static void create(String bootstrap, String topic, int partitions) {
    dev.pitstop.sandbox.kafka.EmbeddedKafka.createTopics(bootstrap, partitions, topic);
  }

  static KafkaProducer<byte[], byte[]> producer(
      String bootstrap, String lingerMs, String batchSize) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    if (lingerMs != null) p.put("linger.ms", lingerMs);
    if (batchSize != null) p.put("batch.size", batchSize);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A plain consumer of every partition of a topic from its end, on its own thread. */
  static final class Poller implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;

    Poller(
        String bootstrap,
        String topic,
        java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> handler) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("enable.auto.commit", "false");
      p.put("max.poll.records", "5000");
      consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      thread =
          new Thread(
              () -> {
                try {
                  List<TopicPartition> parts =
                      consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                          .map(i -> new TopicPartition(topic, i.partition()))
                          .toList();
                  consumer.assign(parts);
                  consumer.seekToEnd(parts);
                  parts.forEach(tp -> consumer.position(tp));
                  assigned.countDown();
                  while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                      handler.accept(r);
                    }
                  }
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                  // closing
                } finally {
                  consumer.close();
                }
              },
              "pitstop-bench-raw-consumer");
      thread.setDaemon(true);
      thread.start();
    }

    void awaitAssigned() throws InterruptedException, TimeoutException {
      if (!assigned.await(30, TimeUnit.SECONDS)) {
        throw new TimeoutException("raw Kafka: the consumer was not assigned within 30 s");
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      consumer.wakeup();
      thread.join(10_000);
    }
  }
}
