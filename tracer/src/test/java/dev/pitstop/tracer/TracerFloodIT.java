package dev.pitstop.tracer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.otlp.OtlpReceiver;
import dev.pitstop.sandbox.otlp.ReceivedSpan;
import dev.pitstop.tracer.span.RunScenario;
import dev.pitstop.tracer.span.SpanIds;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many runs ending at once while the export queue is tiny and the OTLP receiver slow (pitstop bench
 * part 2's flood, scaled down): every span arrives, each partition's runs are exported in the order
 * they ended there (so the oldest, which holds the partition's commit watermark, is never starved
 * by newer ones), and the group commits every record to the end.
 */
@Timeout(300)
class TracerFloodIT {
  private static final int RUNS = 240;
  private static final int SPANS_PER_RUN = 7; // RunScenario(ok): root, 2 TaskRuns, 4 steps

  private final Topics topics =
      new Topics("it-tracer-flood-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  private Vertx vertx;
  private OtlpReceiver receiver;
  private TracerService tracer;
  private TracerConfig config;
  private Admin admin;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    receiver = OtlpReceiver.start(vertx, 0).await();
    SharedKafka.createTopics(3, topics.observations(), topics.decisions(), topics.deadLetter());
    admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
    config =
        TracerConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                SharedKafka.bootstrapServers(),
                "PITSTOP_TOPIC_PREFIX",
                topics.prefix(),
                "TRACER_OTLP_ENDPOINT",
                receiver.endpoint(),
                "TRACER_FINISH_GRACE",
                "200ms",
                // Room for about two runs' spans, a few spans per OTLP request.
                "TRACER_EXPORT_QUEUE",
                "16",
                "TRACER_EXPORT_BATCH",
                "8"));
  }

  @AfterEach
  void stop() {
    if (tracer != null) {
      tracer.stop().await();
    }
    admin.close();
    receiver.close().await();
    vertx.close().await();
  }

  @Test
  void aFloodOfEndingRunsIsExportedWholeInOrderAndCommittedToTheEnd() throws Exception {
    // Written before the tracer starts: it meets the whole flood at once.
    Map<Integer, List<String>> rootsByPartition = new HashMap<>();
    Set<String> expectedSpans = new HashSet<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers",
                SharedKafka.bootstrapServers(),
                "acks",
                "all",
                "enable.idempotence",
                "true"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < RUNS; i++) {
        RunScenario run = new RunScenario(UUID.randomUUID().toString(), false);
        RecordMetadata last = null;
        for (PitstopEvent e : run.events()) {
          last = producer.send(EventRecords.toRecord(topics.observations(), e)).get();
        }
        rootsByPartition
            .computeIfAbsent(last.partition(), p -> new ArrayList<>())
            .add(SpanIds.runSpanId(run.prUid, 0));
      }
    }

    tracer =
        TracerService.start(vertx, config, new SlowExporter(vertx, TracerService.exporter(config)))
            .await();

    await()
        .atMost(Duration.ofSeconds(240))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              Set<String> ids =
                  receiver.spans().stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
              assertThat(ids).hasSize(RUNS * SPANS_PER_RUN);
              assertThat(committedToTheEnd()).isTrue();
            });

    // Each partition's roots (their span goes with the run's last export) in the order the runs
    // ended there.
    List<String> rootsReceived =
        receiver.spans().stream()
            .filter(ReceivedSpan::isRoot)
            .map(ReceivedSpan::spanId)
            .distinct()
            .toList();
    assertThat(rootsReceived).hasSize(RUNS);
    for (List<String> roots : rootsByPartition.values()) {
      assertThat(rootsReceived.stream().filter(roots::contains).toList())
          .containsExactlyElementsOf(roots);
    }
  }

  private boolean committedToTheEnd() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(config.consumerGroup())
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    for (int p = 0; p < 3; p++) {
      ask.put(new TopicPartition(topics.observations(), p), OffsetSpec.latest());
    }
    var ends = admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS);
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      if (c == null || c.offset() < e.getValue().offset()) {
        return false;
      }
    }
    return true;
  }

  /** The real OTLP exporter, each call held back a little: a slow receiver. */
  private static final class SlowExporter implements SpanExporter {
    private final Vertx vertx;
    private final SpanExporter delegate;

    SlowExporter(Vertx vertx, SpanExporter delegate) {
      this.vertx = vertx;
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      CompletableResultCode r = new CompletableResultCode();
      List<SpanData> copy = List.copyOf(spans);
      vertx.setTimer(
          20,
          id -> {
            CompletableResultCode d = delegate.export(copy);
            d.whenComplete(
                () -> {
                  if (d.isSuccess()) {
                    r.succeed();
                  } else {
                    r.fail();
                  }
                });
          });
      return r;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
