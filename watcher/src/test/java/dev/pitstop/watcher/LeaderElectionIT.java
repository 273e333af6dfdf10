package dev.pitstop.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two watchers with leader election against one sandbox API (Leases stored by its CRUD mode) and
 * the real broker: only the Lease holder publishes; when it stops mid-run the standby takes over,
 * relists, and every transition of every run is observed, repeats only with the same ids.
 */
class LeaderElectionIT {
  private static final String NS = "default";
  private static final List<String> STEPS = List.of("one", "two", "three");

  private SandboxApiServer server;
  private TektonSimulator sim;
  private KubernetesClient client;
  private final List<Member> members = new ArrayList<>();
  private Observations observations;

  /** One watcher replica: its own Vert.x and Kubernetes client, as another process would have. */
  record Member(Vertx vertx, KubernetesClient client, WatcherService watcher) {}

  @BeforeEach
  void start() {
    server = SandboxApiServer.start();
    sim =
        TektonSimulator.start(
            server, SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(250)));
    client = server.newClient();
    observations = new Observations("leader-it", 3);
  }

  @AfterEach
  void stop() {
    if (observations != null) {
      observations.close();
    }
    for (Member m : members) {
      m.watcher().stop().await();
      m.vertx().close().await();
      m.client().close();
    }
    if (sim != null) {
      sim.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void onlyTheLeaderPublishesAndTheStandbyTakesOverWithoutLosingAnEvent() throws Exception {
    Member a = member("watcher-a");
    await().atMost(20, TimeUnit.SECONDS).until(() -> a.watcher().isLeading());
    Member b = member("watcher-b");
    assertThat(holder()).isEqualTo("watcher-a");

    // Phase 1: both run, A leads. Every observation arrives exactly once: B does not publish.
    List<String> first = createRuns(3);
    awaitFinished(first);
    assertThat(b.watcher().isLeading()).isFalse();
    assertThat(holder()).isEqualTo("watcher-a");
    Map<String, Long> counts =
        observations.events().stream()
            .filter(e -> first.contains(e.data().run().name()))
            .collect(Collectors.groupingBy(PitstopEvent::id, Collectors.counting()));
    assertThat(counts).isNotEmpty().allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));

    // Phase 2: runs in flight when the leader goes away, and runs created while nobody leads.
    List<String> second = createRuns(3);
    await()
        .atMost(20, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              poll();
              assertThat(namesWith(EventType.TASKRUN_STARTED)).containsAll(second);
            });
    a.watcher().stop().await();
    assertThat(a.watcher().isLeading()).isFalse();
    List<String> third = createRuns(2);

    await().atMost(20, TimeUnit.SECONDS).until(() -> b.watcher().isLeading());
    assertThat(holder()).isEqualTo("watcher-b");
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(third);
    awaitFinished(all);

    // No transition lost: each run's start, every step's start and end, its end.
    for (String run : all) {
      List<PitstopEvent> mine =
          observations.events().stream().filter(e -> e.data().run().name().equals(run)).toList();
      assertThat(mine.stream().map(PitstopEvent::type).collect(Collectors.toSet()))
          .as(run)
          .contains(
              EventType.TASKRUN_STARTED,
              EventType.STEP_STARTED,
              EventType.STEP_FINISHED,
              EventType.TASKRUN_FINISHED);
      for (EventType t : List.of(EventType.STEP_STARTED, EventType.STEP_FINISHED)) {
        assertThat(mine.stream().filter(e -> e.type() == t).map(PitstopEvent::subject).distinct())
            .as(run + " " + t)
            .hasSize(STEPS.size());
      }
    }
    // Repeats only with the same ids: one id per fact (type and subject), one fact per id.
    Map<String, Set<String>> idsPerFact =
        observations.events().stream()
            .collect(
                Collectors.groupingBy(
                    e -> e.type() + " " + e.subject(),
                    Collectors.mapping(PitstopEvent::id, Collectors.toSet())));
    assertThat(idsPerFact).allSatisfy((fact, ids) -> assertThat(ids).as(fact).hasSize(1));
    Map<String, Set<String>> factsPerId =
        observations.events().stream()
            .collect(
                Collectors.groupingBy(
                    PitstopEvent::id,
                    Collectors.mapping(e -> e.type() + " " + e.subject(), Collectors.toSet())));
    assertThat(factsPerId).allSatisfy((id, facts) -> assertThat(facts).as(id).hasSize(1));
    // B relisted on taking over: the first runs' starts were published again, same ids.
    assertThat(
            observations.events().stream()
                .filter(e -> e.type() == EventType.TASKRUN_STARTED)
                .filter(e -> first.contains(e.data().run().name())))
        .hasSize(2 * first.size());
  }

  @Test
  void aLeaderWhoseLeaseIsTakenStopsPublishing() throws Exception {
    // Short: A must notice within its renew deadline that it lost the Lease.
    Member a = member("watcher-a", Duration.ofMillis(1500), Duration.ofMillis(1000));
    await().atMost(20, TimeUnit.SECONDS).until(() -> a.watcher().isLeading());
    // Someone else holds the Lease now (another replica that took it over while A was paused):
    // A fails to renew and must step down within its renew deadline.
    // A renews every 200 ms: retry on a conflicting resourceVersion.
    await()
        .atMost(10, TimeUnit.SECONDS)
        .ignoreExceptions()
        .until(
            () -> {
              Lease lease =
                  client.leases().inNamespace(NS).withName(WatcherConfig.DEFAULT_LEASE_NAME).get();
              lease.getSpec().setHolderIdentity("intruder");
              lease.getSpec().setLeaseDurationSeconds(3600);
              lease.getSpec().setRenewTime(java.time.ZonedDateTime.now());
              lease.getSpec().setAcquireTime(java.time.ZonedDateTime.now());
              client.leases().inNamespace(NS).resource(lease).update();
              return true;
            });
    await().atMost(20, TimeUnit.SECONDS).until(() -> !a.watcher().isLeading());

    List<String> runs = createRuns(1);
    TaskRun tr =
        await()
            .atMost(20, TimeUnit.SECONDS)
            .until(
                () -> client.resources(TaskRun.class).inNamespace(NS).withName(runs.get(0)).get(),
                t -> t != null && t.getStatus() != null && t.getStatus().isDone());
    assertThat(tr).isNotNull();
    // Poll a while longer than A would need to publish: nothing of the run arrives.
    await()
        .pollDelay(Duration.ofSeconds(2))
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(() -> assertThat(poll()).isEmpty());
    assertThat(a.watcher().isLeading()).isFalse();
  }

  /**
   * A replica whose Lease lasts 15 s (renew deadline 10 s, retries every 200 ms): a loaded 2-core
   * machine can starve a renewal for over a second, which with a short Lease hands leadership over
   * mid-phase and breaks "exactly once while A leads". A stopping leader releases its Lease, so the
   * standby still takes over within one retry period.
   */
  private Member member(String identity) {
    return member(identity, Duration.ofSeconds(15), Duration.ofSeconds(10));
  }

  private Member member(String identity, Duration leaseDuration, Duration renewDeadline) {
    WatcherConfig config =
        WatcherConfig.defaults(observations.kafka())
            .withLeaderElection(
                WatcherConfig.LeaderElection.enabled(
                    NS, identity, leaseDuration, renewDeadline, Duration.ofMillis(200)));
    Vertx vertx = Vertx.vertx();
    KubernetesClient c = server.newClient();
    Member m = new Member(vertx, c, WatcherService.start(vertx, config, c).await());
    members.add(m);
    return m;
  }

  private String holder() {
    Lease lease = client.leases().inNamespace(NS).withName(WatcherConfig.DEFAULT_LEASE_NAME).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private List<String> createRuns(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder yaml =
          new StringBuilder(
              """
              apiVersion: tekton.dev/v1
              kind: TaskRun
              metadata:
                generateName: leader-
                namespace: default
              spec:
                taskSpec:
                  steps:
              """);
      for (String step : STEPS) {
        yaml.append("      - name: ")
            .append(step)
            .append("\n        image: busybox\n        script: echo ")
            .append(step)
            .append('\n');
      }
      names.add(sim.apply(yaml.toString()).created(TaskRun.class).get(0).getMetadata().getName());
    }
    return names;
  }

  private void awaitFinished(List<String> runs) {
    await()
        .atMost(60, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              poll();
              assertThat(namesWith(EventType.TASKRUN_FINISHED)).containsAll(runs);
            });
  }

  private Set<String> namesWith(EventType type) {
    return observations.events().stream()
        .filter(e -> e.type() == type)
        .map(e -> e.data().run().name())
        .collect(Collectors.toSet());
  }

  private List<PitstopEvent> poll() throws MalformedEventException {
    return observations.poll().stream().map(Observations.Received::event).toList();
  }
}
