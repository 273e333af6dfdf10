package dev.pitstop.bench.e2e;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The pause notification's raw path measured as one chain, not summed from its parts: a record sent
 * to topic {@code <prefix>-a} by an idempotent producer ({@code acks=all}, {@code linger.ms=0}), a
 * plain consumer of it that sends it on to {@code <prefix>-b} by a second such producer as soon as
 * it holds it (the watcher → engine hop), a plain consumer of that which POSTs it as a CloudEvent
 * to the webhook receiver (the engine → notifier hop and the notifier's POST). Latency is from the
 * first {@code send()} to the receiver's listener holding the event, as for Pitstop's pauses.
 *
 * <p>{@link Latency.Summary#times} and {@link Latency.Summary#plus} add the legs' percentiles, an
 * upper bound of the path's percentile (a p99 of the sum is rarely every leg's p99 at once); this
 * is the path's own distribution, the tighter limit.
 */
public final class RawChain {
  private RawChain() {}

  /**
   * Sends {@code warmup + samples} records one every {@code interval} while {@code more} answers
   * true (checked before each) and returns the latency of those after the first {@code warmup}.
   *
   * @param topicPrefix two new one-partition topics are created, {@code <prefix>-a} and {@code -b}
   * @param idPart ids are {@link RawHttp#ID_PREFIX} + idPart + the record's number
   * @throws TimeoutException when a record sent has not reached the receiver within a minute
   * @throws IllegalStateException when the receiver refuses a POST (its answer attached)
   */
  public static Latency latency(
      String bootstrap,
      String topicPrefix,
      RawHttp http,
      String receiverUrl,
      int recordBytes,
      int warmup,
      int samples,
      Duration interval,
      String idPart,
      BooleanSupplier more)
      throws Exception {
    String a = topicPrefix + "-a";
    String b = topicPrefix + "-b";
    RawKafka.create(bootstrap, a, 1);
    RawKafka.create(bootstrap, b, 1);
    int total = warmup + samples;
    CompletableFuture<?>[] arrived = new CompletableFuture<?>[total];
    Latency latency = new Latency();
    AtomicReference<Exception> failure = new AtomicReference<>();
    String body = RawHttp.body(recordBytes);
    HttpClient client = RawHttp.client();
    try (KafkaProducer<byte[], byte[]> first = RawKafka.producer(bootstrap, "0", null);
        KafkaProducer<byte[], byte[]> second = RawKafka.producer(bootstrap, "0", null);
        RawKafka.Poller relay =
            new RawKafka.Poller(
                bootstrap, a, r -> second.send(new ProducerRecord<>(b, r.value())));
        RawKafka.Poller poster =
            new RawKafka.Poller(
                bootstrap,
                b,
                r -> {
                  int seq = ByteBuffer.wrap(r.value()).getInt();
                  try {
                    RawHttp.send(client, receiverUrl, RawHttp.ID_PREFIX + idPart + seq, body);
                  } catch (Exception e) {
                    failure.compareAndSet(null, e);
                  }
                })) {
      relay.awaitAssigned();
      poster.awaitAssigned();
      long next = System.nanoTime();
      int count = 0;
      while (count < total && more.getAsBoolean() && failure.get() == null) {
        LockSupport.parkNanos(next - System.nanoTime());
        byte[] value = new byte[recordBytes];
        ByteBuffer.wrap(value).putInt(count);
        boolean recorded = count >= warmup;
        CompletableFuture<Long> arrival = http.expect(RawHttp.ID_PREFIX + idPart + count);
        long sent = System.nanoTime();
        arrived[count] =
            arrival.thenAccept(
                at -> {
                  if (recorded) latency.recordNanos(at - sent);
                });
        first.send(new ProducerRecord<>(a, value));
        count++;
        next += interval.toNanos();
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(Arrays.copyOf(arrived, count));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (failure.get() == null) {
        try {
          all.get(100, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException e) {
          if (System.nanoTime() > deadline) {
            long missing = Arrays.stream(arrived, 0, count).filter(f -> !f.isDone()).count();
            throw new TimeoutException(
                "raw chain: "
                    + missing
                    + " of "
                    + count
                    + " records did not reach the receiver in 1 min");
          }
        }
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("raw chain: a POST failed: " + failure.get(), failure.get());
    }
    return latency;
  }
}
