package dev.pitstop.tracer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.otlp.OtlpReceiver;
import dev.pitstop.sandbox.otlp.ReceivedSpan;
import dev.pitstop.tracer.span.RunScenario;
import dev.pitstop.tracer.span.SpanIds;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two tracer instances in one consumer group on a topic set of {@value #PARTITIONS} partitions (the
 * real broker), exporting to one OTLP receiver: every run's events go to one partition (keyed by
 * the root run's UID), so one instance assembles each whole trace and every span is exported once
 * by the group; when one instance stops with runs half collected, their events stay uncommitted,
 * the other instance takes the partitions over, replays them and exports the whole traces,
 * repeating only spans the stopped instance had already exported as progress, under the same ids
 * (span ids derive from the runs' UIDs).
 */
@Timeout(180)
class TracerScaleOutIT {
  private static final Logger LOG = LoggerFactory.getLogger(TracerScaleOutIT.class);
  static final int PARTITIONS = 3;
  static final Duration WAIT = Duration.ofSeconds(90);

  final Topics topics =
      new Topics("it-tracer-scale-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  final String group = "tracer-scale-" + UUID.randomUUID().toString().substring(0, 8);
  Vertx vertx;
  Vertx vertxA;
  Vertx vertxB;
  TracerService a;
  TracerService b;
  OtlpReceiver receiver;
  EventPublisher publisher;
  Admin admin;

  @BeforeEach
  void start() {
    SharedKafka.createTopics(PARTITIONS, topics.all().toArray(String[]::new));
    vertx = Vertx.vertx();
    receiver = OtlpReceiver.start(vertx, 0).await();
    admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("TRACER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("TRACER_CONSUMER_GROUP", group);
    env.put("TRACER_FINISH_GRACE", "500ms");
    TracerConfig config = TracerConfig.fromMap(env);
    publisher = new EventPublisher(vertx, config.kafka(), "it-watcher");
    vertxA = Vertx.vertx();
    a = TracerService.start(vertxA, config).await();
    vertxB = Vertx.vertx();
    b = TracerService.start(vertxB, config).await();
    await().atMost(WAIT).until(() -> assignedMembers() == 2);
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.stop().await();
    }
    if (b != null) {
      b.stop().await();
    }
    for (Vertx v : new Vertx[] {vertxA, vertxB}) {
      if (v != null) {
        v.close().await();
      }
    }
    if (admin != null) {
      admin.close();
    }
    if (publisher != null) {
      publisher.closeAsync().await();
    }
    if (receiver != null) {
      receiver.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void theGroupExportsEverySpanOfRunsOnEveryPartitionOnceAndTheSurvivorFinishesTheStoppedOnes() {
    // 1. Whole runs on every partition: each span exported once, both instances at work.
    List<RunScenario> whole = runsOnEveryPartition(2);
    publish(whole, RunScenario::events);
    int spansPerRun = 7; // build > fetch (clone, verify), compile (build, test)
    await().atMost(WAIT).until(() -> allExported(whole, spansPerRun));
    assertThat(receiver.spans()).as("no span exported twice").hasSize(whole.size() * spansPerRun);
    for (RunScenario r : whole) {
      assertThat(spanIds(r)).hasSize(spansPerRun);
    }
    double byA = consumed(vertxA);
    double byB = consumed(vertxB);
    int events = whole.size() * whole.get(0).events().size();
    LOG.info("{} events: {} handled by A, {} by B", events, byA, byB);
    assertThat(byA).as("A handled some").isPositive();
    assertThat(byB).as("B handled the others").isPositive();
    assertThat(byA + byB).as("each event handled once by the group").isEqualTo(events);

    // 2. Runs half published (started, fetch finished) on every partition, then A stops.
    receiver.clear();
    List<RunScenario> halves = runsOnEveryPartition(2);
    publish(halves, r -> firstHalf(r));
    int firstHalves = halves.size() * firstHalf(halves.get(0)).size();
    await().atMost(WAIT).until(() -> consumed(vertxA) + consumed(vertxB) >= events + firstHalves);
    // The finished fetch task (3 spans) of each run goes out as progress before the run ends.
    await().atMost(WAIT).until(() -> halves.stream().allMatch(r -> spanIds(r).size() >= 3));
    a.stop().await();
    a = null;
    publish(halves, r -> secondHalf(r));

    await().atMost(WAIT).until(() -> allExported(halves, spansPerRun));
    List<ReceivedSpan> spans = receiver.spans();
    for (RunScenario r : halves) {
      assertThat(spanIds(r)).as("spans of %s", r.prUid).hasSize(spansPerRun);
    }
    // Repeats are the progress spans of A's runs, sent again by B after replaying their events:
    // same ids, same content.
    Map<String, List<ReceivedSpan>> byId =
        spans.stream().collect(Collectors.groupingBy(ReceivedSpan::spanId));
    List<String> repeated =
        byId.entrySet().stream()
            .filter(e -> e.getValue().size() > 1)
            .map(Map.Entry::getKey)
            .toList();
    LOG.info("{} spans received for {} runs, {} repeated", spans.size(), halves.size(), repeated);
    for (List<ReceivedSpan> same : byId.values()) {
      assertThat(same)
          .extracting(
              ReceivedSpan::traceId,
              ReceivedSpan::parentSpanId,
              ReceivedSpan::name,
              ReceivedSpan::startEpochNanos,
              ReceivedSpan::endEpochNanos)
          .containsOnly(
              org.assertj.core.groups.Tuple.tuple(
                  same.get(0).traceId(),
                  same.get(0).parentSpanId(),
                  same.get(0).name(),
                  same.get(0).startEpochNanos(),
                  same.get(0).endEpochNanos()));
    }
    assertThat(spans.size() - byId.size())
        .as("at most the 3 progress spans of each run repeated")
        .isLessThanOrEqualTo(3 * halves.size());
  }

  private static List<PitstopEvent> firstHalf(RunScenario r) {
    List<PitstopEvent> all = r.events();
    return all.subList(0, 1 + r.fetchEvents().size());
  }

  private static List<PitstopEvent> secondHalf(RunScenario r) {
    List<PitstopEvent> all = r.events();
    return all.subList(1 + r.fetchEvents().size(), all.size());
  }

  private boolean allExported(List<RunScenario> runs, int spansPerRun) {
    return runs.stream().allMatch(r -> spanIds(r).size() >= spansPerRun);
  }

  private Set<String> spanIds(RunScenario r) {
    return receiver.trace(SpanIds.traceId(r.prUid)).stream()
        .map(ReceivedSpan::spanId)
        .collect(Collectors.toSet());
  }

  /** Runs whose root UID lands {@code perPartition} times on each partition. */
  private static List<RunScenario> runsOnEveryPartition(int perPartition) {
    int[] count = new int[PARTITIONS];
    List<RunScenario> runs = new ArrayList<>();
    while (runs.size() < perPartition * PARTITIONS) {
      String root = UUID.randomUUID().toString();
      int p = Utils.toPositive(Utils.murmur2(root.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
      if (count[p] < perPartition) {
        count[p]++;
        runs.add(new RunScenario(root, false));
      }
    }
    return runs;
  }

  /** Publishes each run's events in order, the runs side by side. */
  private void publish(List<RunScenario> runs, Function<RunScenario, List<PitstopEvent>> events) {
    List<Future<Void>> chains = new ArrayList<>();
    for (RunScenario r : runs) {
      Future<Void> chain = Future.succeededFuture();
      for (PitstopEvent e : events.apply(r)) {
        chain = chain.compose(v -> publisher.publish(e));
      }
      chains.add(chain);
    }
    Future.all(chains).await();
  }

  private static double consumed(Vertx v) {
    return Ops.of(v).metrics().registry().find("pitstop.events.consumed").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private int assignedMembers() throws Exception {
    int n = 0;
    for (MemberDescription m :
        admin
            .describeConsumerGroups(List.of(group))
            .describedGroups()
            .get(group)
            .get(10, TimeUnit.SECONDS)
            .members()) {
      if (!m.assignment().topicPartitions().isEmpty()) {
        n++;
      }
    }
    return n;
  }
}
