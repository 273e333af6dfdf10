package dev.pitstop.engine.state;

import dev.pitstop.runtime.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every partition of one topic with a plain consumer (no group, nothing committed: {@code
 * assign} all partitions, then seek) on a thread of its own, handing each record to a callback on
 * that thread: what a Kafka Streams GlobalKTable does. Every engine instance runs two: the state
 * topic from the beginning (the API's global view, {@link GlobalView}) and the decisions topic from
 * its end (command outcomes for the API).
 *
 * <p>The partitions are those the topic has at start (the engine's topics keep their partition
 * count, {@link StateTopic#prepare}). Errors while polling are logged and polling goes on after a
 * second; records stay in order per partition.
 */
public final class TopicTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration START_LIMIT = Duration.ofSeconds(30);

  /** Where reading starts. */
  public enum From {
    /** Every record still in the topic (a compacted topic: the latest value per key). */
    BEGINNING,
    /** Only records written after {@link #start} completed. */
    END
  }

  private final KafkaSettings kafka;
  private final String topic;
  private final From from;
  private final Consumer<ConsumerRecord<byte[], byte[]>> onRecord;
  private final CompletableFuture<Void> positioned = new CompletableFuture<>();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  /**
   * @param onRecord called on the tail's thread for every record, in partition order; must not
   *     throw (a throw is logged and the record skipped)
   */
  public TopicTail(
      KafkaSettings kafka,
      String topic,
      From from,
      Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    this.kafka = kafka;
    this.topic = topic;
    this.from = from;
    this.onRecord = onRecord;
  }

  public String topic() {
    return topic;
  }

  /**
   * Starts following.
   *
   * @return completes once the positions are fixed: from then on every record written later is
   *     seen; fails when the topic's partitions cannot be found within 30 s
   */
  public Future<Void> start(Vertx vertx) {
    thread = new Thread(this::run, "pitstop-tail-" + topic);
    thread.setDaemon(true);
    thread.start();
    return Future.fromCompletionStage(positioned, vertx.getOrCreateContext());
  }

  /**
   * Completes once the records present when {@link #start} ran (up to the end offsets taken then)
   * have been handed over: for {@link From#BEGINNING}, the whole topic as it was.
   */
  public Future<Void> caughtUp(Vertx vertx) {
    return Future.fromCompletionStage(caughtUp, vertx.getOrCreateContext());
  }

  private void run() {
    Map<String, String> c = new HashMap<>(kafka.consumerConfig("unused", "engine-tail-" + topic));
    c.remove("group.id");
    c.remove("group.protocol");
    c.remove("group.remote.assignor");
    c.remove("partition.assignment.strategy");
    // A tail may start while StateTopic#prepare is still creating its topic: asking for a missing
    // topic's metadata must not create it with the broker's defaults (partitions, no compaction).
    c.put("allow.auto.create.topics", "false");
    Properties p = new Properties();
    p.putAll(c);
    try (KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(p)) {
      consumer = k;
      List<TopicPartition> parts = partitions(k);
      if (parts == null) {
        return;
      }
      k.assign(parts);
      if (from == From.BEGINNING) {
        k.seekToBeginning(parts);
      } else {
        k.seekToEnd(parts);
      }
      Map<TopicPartition, Long> end = new HashMap<>();
      for (TopicPartition tp : parts) {
        end.put(tp, k.position(tp)); // forces the lazy seek now
      }
      if (from == From.BEGINNING) {
        end = k.endOffsets(parts);
      }
      positioned.complete(null);
      LOG.info("following {} ({} partitions) from its {}", topic, parts.size(), from);
      while (running) {
        try {
          for (ConsumerRecord<byte[], byte[]> r : k.poll(POLL)) {
            try {
              onRecord.accept(r);
            } catch (RuntimeException e) {
              LOG.warn(
                  "{}-{}@{}: record skipped: {}",
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  e.toString());
            }
          }
          if (!caughtUp.isDone()) {
            Map<TopicPartition, Long> at = end;
            if (parts.stream().allMatch(tp -> k.position(tp) >= at.get(tp))) {
              caughtUp.complete(null);
            }
          }
        } catch (WakeupException e) {
          // close() asked to stop
        } catch (RuntimeException e) {
          LOG.warn("following {}: {}; polling again in 1 s", topic, e.toString());
          pause();
        }
      }
    } catch (WakeupException e) {
      // closed while starting
    } catch (RuntimeException e) {
      LOG.error("cannot follow {}: {}", topic, e.toString());
      positioned.completeExceptionally(e);
      caughtUp.completeExceptionally(e);
    } finally {
      positioned.completeExceptionally(new IllegalStateException("closed: " + topic));
      caughtUp.completeExceptionally(new IllegalStateException("closed: " + topic));
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> k) {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (running) {
      List<PartitionInfo> info = k.partitionsFor(topic, Duration.ofSeconds(5));
      if (info != null && !info.isEmpty()) {
        return info.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
      }
      pause();
    }
    return null;
  }

  private void pause() {
    try {
      Thread.sleep(1_000); // a dedicated thread waiting before retrying Kafka, not an event loop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops following and waits (up to 10 s) for the thread to end. */
  @Override
  public void close() {
    running = false;
    KafkaConsumer<byte[], byte[]> k = consumer;
    if (k != null) {
      k.wakeup();
    }
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
