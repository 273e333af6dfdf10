package dev.pitstop.bench.legs;

import dev.pitstop.bench.e2e.Latency;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.sandbox.kafka.SharedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the two leg probes ({@link KafkaLegsProbe}, {@link NotifierLegsProbe}) share. */
final class Legs {
  private Legs() {}

  /** The shared broker, with every {@code -Dkafka.<property>=<value>} as a client property. */
  static Map<String, String> clientProperties() {
    Map<String, String> client = new HashMap<>();
    client.put("bootstrap.servers", SharedKafka.bootstrapServers());
    System.getProperties()
        .forEach(
            (k, v) -> {
              if (k.toString().startsWith("kafka.")) {
                client.put(k.toString().substring(6), v.toString());
              }
            });
    return client;
  }

  /** {@link SampleEvents#TASK_RUN} as the {@code i}-th run of its own root {@code uid}. */
  static RunRef run(String uid, int i) {
    RunRef b = SampleEvents.TASK_RUN;
    return new RunRef(
        b.kind(),
        b.namespace(),
        b.name() + "-" + i,
        uid,
        b.pipelineRun(),
        uid,
        b.pipeline(),
        b.pipelineTask(),
        b.task(),
        0,
        b.labels(),
        b.annotations());
  }

  /**
   * A plain kafka-clients consumer of {@code topic} in group {@code group} (from the earliest
   * offset), polling on a daemon thread of its own, handing each decoded event with the {@code
   * System.nanoTime()} it was polled at to {@code onEvent}; {@link KafkaConsumer#wakeup()} stops
   * it.
   */
  static KafkaConsumer<byte[], byte[]> plainConsumer(
      Map<String, String> client,
      String group,
      String topic,
      CountDownLatch assigned,
      BiConsumer<Long, PitstopEvent> onEvent) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("group.id", group);
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Thread t =
        new Thread(
            () -> {
              c.subscribe(List.of(topic));
              try {
                while (true) {
                  for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    onEvent.accept(
                        now,
                        EventRecords.decode(new RecordHeaders(r.headers().toArray()), r.value()));
                  }
                  if (!c.assignment().isEmpty()) {
                    assigned.countDown();
                  }
                }
              } catch (WakeupException done) {
                c.close();
              } catch (Exception ex) {
                ex.printStackTrace();
              }
            },
            group + "-consumer");
    t.setDaemon(true);
    t.start();
    return c;
  }

  /**
   * Publishes {@code e} on {@code vertx}'s context as a service does, noting when it was sent (in
   * {@code sentAt}, by event id, {@link System#nanoTime()}) and, if {@code measure}, how long the
   * broker took to acknowledge it (in {@code acked}, ns).
   */
  static void publishTimed(
      io.vertx.core.Vertx vertx,
      dev.pitstop.runtime.kafka.EventPublisher publisher,
      PitstopEvent e,
      boolean measure,
      Map<String, Long> sentAt,
      List<Long> acked) {
    vertx.runOnContext(
        v -> {
          long t0 = System.nanoTime();
          sentAt.put(e.id(), t0);
          publisher
              .publish(e)
              .onSuccess(
                  x -> {
                    if (measure) {
                      acked.add(System.nanoTime() - t0);
                    }
                  });
        });
  }

  /** Prints the percentiles of {@code nanos} (HdrHistogram, as the bench does), in ms. */
  static void print(String what, List<Long> nanos) {
    Latency l = new Latency();
    new ArrayList<>(nanos).forEach(l::recordNanos);
    Latency.Summary s = l.summary();
    if (s.count() == 0) {
      System.out.printf(Locale.ROOT, "%-44s none%n", what);
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%-44s n=%d p50=%.2f p95=%.2f p99=%.2f max=%.2f ms%n",
        what,
        s.count(),
        s.p50(),
        s.p95(),
        s.p99(),
        s.max());
  }
}
