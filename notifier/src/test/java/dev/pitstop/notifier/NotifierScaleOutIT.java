package dev.pitstop.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.receivers.WebhookReceiver;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two notifier instances in the one consumer group {@value NotifierService#GROUP} on a topic set of
 * {@value #PARTITIONS} partitions (the real broker), delivering to one webhook receiver: events of
 * runs on every partition are delivered once by the group, each instance taking its partitions'
 * share; then one instance stops while deliveries are failing and being retried, and the other
 * takes its partitions over and delivers everything, repeating (if at all) only events it reads
 * again above the stopped instance's committed offsets, under the same ids.
 */
@Timeout(180)
class NotifierScaleOutIT {
  private static final Logger LOG = LoggerFactory.getLogger(NotifierScaleOutIT.class);
  static final int PARTITIONS = 3;
  static final Duration WAIT = Duration.ofSeconds(90);

  final Topics topics =
      new Topics("it-notifier-scale-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  Vertx vertx;
  Vertx vertxA;
  Vertx vertxB;
  NotifierService a;
  NotifierService b;
  EventPublisher publisher;
  WebhookReceiver receiver;
  Admin admin;

  @BeforeEach
  void start() {
    SharedKafka.createTopics(PARTITIONS, topics.all().toArray(String[]::new));
    vertx = Vertx.vertx();
    publisher =
        new EventPublisher(vertx, KafkaSettings.of(SharedKafka.bootstrapServers(), topics), "it");
    receiver = WebhookReceiver.start(vertx, 0).await();
    admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
    env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
    env.put("NOTIFIER_WEBHOOK_URLS", receiver.url());
    env.put("NOTIFIER_MAX_ATTEMPTS", "100");
    env.put("NOTIFIER_RETRY_BASE", "50ms");
    env.put("NOTIFIER_RETRY_MAX", "200ms");
    env.put("NOTIFIER_REQUEST_TIMEOUT", "5s");
    NotifierConfig config = NotifierConfig.fromMap(env);
    vertxA = Vertx.vertx();
    a = NotifierService.start(vertxA, config).await();
    vertxB = Vertx.vertx();
    b = NotifierService.start(vertxB, config).await();
    // Both members hold partitions of both topics before anything is published (a rebalance
    // while events are in hand is the second test's subject, not the first's).
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
    if (receiver != null) {
      receiver.close().await();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void eachEventOfRunsOnEveryPartitionIsDeliveredOnceByTheGroupWithBothInstancesDoingTheirShare()
      throws Exception {
    List<List<PitstopEvent>> runs = runsOnEveryPartition(4);
    List<String> ids = publish(runs);

    await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> receiver.deliveries(id) >= 1));
    assertThat(receiver.duplicates()).as("no event delivered twice").isEmpty();
    assertThat(receiver.received()).extracting(CloudEvent::getId).hasSameSizeAs(ids);
    assertThat(receiver.received())
        .extracting(CloudEvent::getId)
        .containsExactlyInAnyOrderElementsOf(ids);
    // Each instance handled the events of its own partitions, none handled another's.
    double byA = consumed(vertxA);
    double byB = consumed(vertxB);
    LOG.info("{} events: {} handled by A, {} by B", ids.size(), byA, byB);
    assignedMembers();
    assertThat(byA).as("A handled some").isPositive();
    assertThat(byB).as("B handled the others").isPositive();
    assertThat(byA + byB).as("each event handled once by the group").isEqualTo(ids.size());
    assertOrderPerRun(runs);
  }

  @Test
  void whenOneInstanceStopsMidStreamTheOtherTakesItsPartitionsAndNothingIsLost() {
    List<List<PitstopEvent>> first = runsOnEveryPartition(2);
    List<String> firstIds = publish(first);
    await()
        .atMost(WAIT)
        .until(() -> firstIds.stream().allMatch(id -> receiver.deliveries(id) >= 1));

    // The receiver fails for a while: deliveries of the next runs are queued and retried by both
    // instances when A stops; what A had in hand is uncommitted, so B reads it again.
    receiver.failNext(Integer.MAX_VALUE, 503);
    List<List<PitstopEvent>> second = runsOnEveryPartition(3);
    List<String> secondIds = publish(second);
    await()
        .atMost(WAIT)
        .until(() -> consumed(vertxA) + consumed(vertxB) >= firstIds.size() + secondIds.size());
    await().atMost(WAIT).until(() -> failedRequests() >= 2 * second.size());
    a.stop().await();
    a = null;
    double bBefore = consumed(vertxB);
    receiver.failNext(0, 503);
    // More runs while B has the whole group: B takes A's partitions over.
    List<List<PitstopEvent>> third = runsOnEveryPartition(2);
    List<String> thirdIds = publish(third);

    List<String> all = new ArrayList<>(firstIds);
    all.addAll(secondIds);
    all.addAll(thirdIds);
    await().atMost(WAIT).until(() -> all.stream().allMatch(id -> receiver.deliveries(id) >= 1));
    assertThat(receiver.received())
        .extracting(CloudEvent::getId)
        .as("only ids that were published")
        .allMatch(new HashSet<>(all)::contains);
    // A repeat is an event B read again above A's committed offset and A had delivered; none of
    // the first runs, delivered and committed before A stopped, nor of the third, published after.
    Set<String> repeated = receiver.duplicates();
    LOG.info("{} events, {} delivered twice: {}", all.size(), repeated.size(), repeated);
    assertThat(repeated).doesNotContainAnyElementsOf(thirdIds);
    assertOrderPerRun(second);
    assertOrderPerRun(third);
    // B handled every event of the third runs, A's partitions' too, plus what A left uncommitted.
    assertThat(consumed(vertxB) - bBefore)
        .as("B handled A's partitions after the stop")
        .isGreaterThanOrEqualTo(thirdIds.size());
  }

  /** Runs of three decisions (paused, continued, ended), {@code perPartition} per partition. */
  private static List<List<PitstopEvent>> runsOnEveryPartition(int perPartition) {
    int[] count = new int[PARTITIONS];
    List<List<PitstopEvent>> runs = new ArrayList<>();
    while (runs.size() < perPartition * PARTITIONS) {
      String root = UUID.randomUUID().toString();
      int p = partitionOf(root);
      if (count[p] == perPartition) {
        continue;
      }
      count[p]++;
      runs.add(
          List.of(
              TestEvents.of(EventType.BREAKPOINT_PAUSED, "ci", Map.of(), root),
              TestEvents.of(EventType.BREAKPOINT_CONTINUED, "ci", Map.of(), root),
              TestEvents.of(EventType.BREAKPOINT_ENDED, "ci", Map.of(), root)));
    }
    return runs;
  }

  /** The partition Kafka's default partitioner gives a record keyed by {@code rootUid}. */
  static int partitionOf(String rootUid) {
    return Utils.toPositive(Utils.murmur2(rootUid.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  /** Publishes the runs' events interleaved as a busy cluster does; their ids. */
  private List<String> publish(List<List<PitstopEvent>> runs) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<Future<Void>> sent = new ArrayList<>();
      for (List<PitstopEvent> run : runs) {
        sent.add(publisher.publish(run.get(i)));
        ids.add(run.get(i).id());
      }
      Future.all(sent).await();
    }
    return ids;
  }

  /** Each run's events arrived (first time) in the order published. */
  private void assertOrderPerRun(List<List<PitstopEvent>> runs) {
    List<String> arrived = receiver.received().stream().map(CloudEvent::getId).distinct().toList();
    for (List<PitstopEvent> run : runs) {
      List<Integer> at = run.stream().map(e -> arrived.indexOf(e.id())).toList();
      assertThat(at).as("order of %s", run.get(0).data().run().rootUid()).isSorted();
    }
  }

  private long failedRequests() {
    return receiver.requests().stream().filter(r -> r.status() == 503).count();
  }

  /**
   * Breakpoint events the notifier on {@code v} handed to its handler (decoded, not a repeat); not
   * the delivery results it publishes itself and also consumes.
   */
  private static double consumed(Vertx v) {
    return Ops.of(v).metrics().registry().find("pitstop.events.consumed").counters().stream()
        .filter(c -> c.getId().getTag("type").startsWith("dev.pitstop.breakpoint."))
        .mapToDouble(Counter::count)
        .sum();
  }

  /**
   * Members of the notifier's group that hold partitions of this test's topics, once the group is
   * stable and has no other member (e.g. one of an earlier test not gone yet, whose leaving would
   * rebalance the group while this test's events are in hand).
   */
  private int assignedMembers() throws Exception {
    ConsumerGroupDescription d =
        admin
            .describeConsumerGroups(List.of(NotifierService.GROUP))
            .describedGroups()
            .get(NotifierService.GROUP)
            .get(10, TimeUnit.SECONDS);
    LOG.info("group {}: {} with {} members", d.groupId(), d.groupState(), d.members().size());
    if (d.groupState() != org.apache.kafka.common.GroupState.STABLE || d.members().size() != 2) {
      return 0;
    }
    int n = 0;
    for (MemberDescription m : d.members()) {
      if (m.assignment().topicPartitions().stream()
          .anyMatch(tp -> tp.topic().startsWith(topics.prefix()))) {
        n++;
      }
    }
    return n;
  }
}
