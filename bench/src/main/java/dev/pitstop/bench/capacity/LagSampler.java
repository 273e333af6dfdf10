package dev.pitstop.bench.capacity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples a consumer group's progress on one topic at a fixed interval, from outside the service:
 * the topic's end offsets ({@code listOffsets latest}) and the group's committed offsets ({@code
 * listConsumerGroupOffsets}), summed over the partitions. Lag = end - committed. Thread-safe.
 */
public final class LagSampler implements AutoCloseable {
  /**
   * One sample.
   *
   * @param millis since {@link #start()}
   * @param end the topic's end offsets, summed
   * @param committed the group's committed offsets on the topic, summed (0 where none)
   */
  public record Sample(long millis, long end, long committed) {
    public long lag() {
      return end - committed;
    }
  }

  private final Admin admin;
  private final String topic;
  private final String group;
  private final List<TopicPartition> partitions;
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "pitstop-bench-lag");
            t.setDaemon(true);
            return t;
          });
  private volatile long t0;

  public LagSampler(String bootstrap, String topic, String group) throws Exception {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    this.topic = topic;
    this.group = group;
    this.partitions =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
  }

  /** Starts sampling every {@code interval}; the first sample is taken at once. */
  public LagSampler start(Duration interval) {
    t0 = System.nanoTime();
    timer.scheduleAtFixedRate(
        () -> {
          try {
            Sample s = sample();
            synchronized (samples) {
              samples.add(s);
            }
          } catch (Exception e) {
            // a missed sample (broker busy); the next one tells
          }
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Takes one sample now. */
  public Sample sample() throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions())
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    long end = 0;
    long done = 0;
    for (TopicPartition tp : partitions) {
      end += ends.get(tp).offset();
      OffsetAndMetadata o = committed.get(tp);
      if (o != null) {
        done += o.offset();
      }
    }
    return new Sample((System.nanoTime() - t0) / 1_000_000, end, done);
  }

  /** Milliseconds since {@link #start}. */
  public long millis() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** The samples so far, oldest first. */
  public List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** The latest sample, or null. */
  public Sample last() {
    synchronized (samples) {
      return samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }
  }

  public String topic() {
    return topic;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(5));
  }
}
