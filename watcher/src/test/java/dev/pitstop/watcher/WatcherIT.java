package dev.pitstop.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.sandbox.k8s.LogLine;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.watcher.Observations.Received;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watcher against the sandbox's Kubernetes API, moved by the Tekton simulator, publishing to
 * the real embedded Kafka broker; observations read back with a plain consumer.
 */
class WatcherIT {
  private SandboxApiServer server;
  private TektonSimulator sim;
  private KubernetesClient client;
  private KubernetesClient watcherClient;
  private Vertx vertx;
  private WatcherConfig config;
  private WatcherService watcher;
  private Observations observations;

  @BeforeEach
  void start() {
    server = SandboxApiServer.start();
    sim =
        TektonSimulator.start(
            server, SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(150)));
    client = server.newClient();
    observations = new Observations("watcher-it", 3);
    config = WatcherConfig.defaults(observations.kafka());
    vertx = Vertx.vertx();
    watcherClient = server.newClient();
    watcher = WatcherService.start(vertx, config, watcherClient).await();
  }

  @AfterEach
  void stop() {
    if (observations != null) {
      observations.close();
    }
    if (watcher != null) {
      watcher.stop().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (watcherClient != null) {
      watcherClient.close();
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
  void theSharedSidecarReadyFixtureYieldsPodObservationsWithTheirKubernetesTimes()
      throws Exception {
    String name =
        sim.apply(fixture("taskruns/sidecar-ready.yaml"))
            .created(TaskRun.class)
            .get(0)
            .getMetadata()
            .getName();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              poll();
              assertThat(
                      observations.received().stream()
                          .filter(r -> r.event().data().run().name().equals(name))
                          .map(r -> r.event().type()))
                  .contains(
                      EventType.POD_SCHEDULED,
                      EventType.POD_INITIALIZED,
                      EventType.POD_READY,
                      EventType.TASKRUN_FINISHED);
            });
    List<PitstopEvent> pod =
        observations.received().stream()
            .map(Received::event)
            .filter(e -> e.data().run().name().equals(name))
            .filter(e -> e.subject().equals("default/pods/" + name + "-pod"))
            .toList();
    assertThat(pod)
        .extracting(PitstopEvent::type)
        .containsExactly(EventType.POD_SCHEDULED, EventType.POD_INITIALIZED, EventType.POD_READY);
    var scheduled = pod.get(0).data(dev.pitstop.events.data.PodScheduled.class);
    var initialized = pod.get(1).data(dev.pitstop.events.data.PodInitialized.class);
    var ready = pod.get(2).data(dev.pitstop.events.data.PodReady.class);
    assertThat(scheduled.createdAt()).isBeforeOrEqualTo(scheduled.scheduledAt());
    assertThat(initialized.initContainers())
        .extracting(c -> c.name())
        .containsExactly("prepare", "place-scripts");
    assertThat(initialized.initContainers().get(0).startedAt()).isEqualTo(scheduled.scheduledAt());
    assertThat(initialized.initContainers().get(1).finishedAt())
        .isEqualTo(initialized.initializedAt());
    assertThat(ready.readyAt()).isAfter(initialized.initializedAt());
    assertThat(ready.sidecars()).containsExactly("sidecar-slow-sidecar");
    assertThat(ready.waitingReasons()).contains("ContainerCreating");
    assertThat(pod).allSatisfy(e -> assertThat(e.partitionKey()).isEqualTo(ready.run().uid()));
  }

  @Test
  void theSharedTaskResultFixtureYieldsRunAndStepObservationsInOrderOnOnePartition()
      throws Exception {
    String name =
        sim.apply(fixture("taskruns/task-result.yaml"))
            .created(TaskRun.class)
            .get(0)
            .getMetadata()
            .getName();

    // The Pod's observations come from another informer than the TaskRun's: wait for the last of
    // each, as neither is ordered with the other.
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(
            () -> {
              List<Received> now = poll();
              return now.stream()
                      .anyMatch(
                          r ->
                              r.event().type() == EventType.TASKRUN_FINISHED
                                  && r.event().data().run().name().equals(name))
                  && now.stream()
                      .anyMatch(
                          r ->
                              r.event().type() == EventType.POD_READY
                                  && r.event().data().run().name().equals(name));
            });

    TaskRun tr = client.resources(TaskRun.class).inNamespace("default").withName(name).get();
    String uid = tr.getMetadata().getUid();
    List<Received> mine =
        observations.received().stream()
            .filter(r -> r.event().data().run().name().equals(name))
            .toList();
    // The Pod's observations have the Pod as subject and come from another informer: no order with
    // the TaskRun's is implied; they share its partition.
    assertThat(
            mine.stream()
                .filter(r -> r.event().subject().startsWith("default/pods/"))
                .map(r -> r.event().type()))
        .containsExactly(EventType.POD_SCHEDULED, EventType.POD_INITIALIZED, EventType.POD_READY);
    List<String> order =
        mine.stream()
            .filter(r -> !r.event().subject().startsWith("default/pods/"))
            .map(r -> r.event().type().name() + " " + r.event().subject())
            .toList();
    String run = "default/taskruns/" + name;
    assertThat(order)
        .containsExactly(
            "TASKRUN_STARTED " + run,
            "STEP_STARTED " + run + "/steps/print-date-unix-timestamp",
            "STEP_FINISHED " + run + "/steps/print-date-unix-timestamp",
            "STEP_STARTED " + run + "/steps/print-date-human-readable",
            "STEP_FINISHED " + run + "/steps/print-date-human-readable",
            "TASKRUN_FINISHED " + run);
    assertThat(mine).extracting(Received::key).containsOnly(uid);
    assertThat(mine).extracting(r -> r.event().partitionKey()).containsOnly(uid);
    assertThat(mine.stream().map(Received::partition).distinct()).hasSize(1);
    assertThat(mine)
        .extracting(r -> r.event().source().toString())
        .containsOnly("/pitstop/sandbox/watcher");

    List<Received> own =
        mine.stream().filter(r -> !r.event().subject().startsWith("default/pods/")).toList();
    // times are the cluster's: the step's terminated.finishedAt, the run's completion time
    StepFinished first = own.get(2).event().data(StepFinished.class);
    assertThat(first.exitCode()).isZero();
    assertThat(first.terminationReason()).isEqualTo("Completed");
    assertThat(first.finishedAt())
        .isEqualTo(Instant.parse(tr.getStatus().steps.get(0).terminated.getFinishedAt()));
    assertThat(own.get(2).event().time()).isEqualTo(first.finishedAt());
    assertThat(own.get(3).event().time()).isEqualTo(first.finishedAt());
    assertThat(own.get(0).event().time()).isEqualTo(Instant.parse(tr.getStatus().startTime));
    assertThat(own.get(5).event().time()).isEqualTo(Instant.parse(tr.getStatus().completionTime));
    assertThat(mine).extracting(r -> r.event().id()).doesNotHaveDuplicates();
  }

  @Test
  void anOnFailurePauseYieldsBreakpointReachedWithTheMarkerTimeAndLogTailAgainAfterARestart()
      throws Exception {
    String name = "paused-" + UUID.randomUUID().toString().substring(0, 8);
    sim.apply(pausedTaskRun(name));

    await().atMost(30, TimeUnit.SECONDS).until(() -> breakpoints(name).size() == 1);

    PitstopEvent e = breakpoints(name).get(0);
    BreakpointReached b = e.data(BreakpointReached.class);
    String pod = name + "-pod";
    List<LogLine> log = server.podLogs().lines("default", pod, "step-build");
    int markerAt = indexOfMarker(log);
    assertThat(markerAt).isPositive();
    assertThat(e.subject()).isEqualTo("default/taskruns/" + name + "/steps/build");
    assertThat(b.mechanism()).isEqualTo(Mechanism.ON_FAILURE);
    assertThat(b.reachedAt()).isEqualTo(log.get(markerAt).time());
    assertThat(e.time()).isEqualTo(log.get(markerAt).time());
    assertThat(b.logTail())
        .containsExactlyElementsOf(
            log.subList(Math.max(0, markerAt - 20), markerAt).stream().map(LogLine::text).toList());
    assertThat(b.step().pod()).isEqualTo(pod);
    assertThat(b.step().container()).isEqualTo("step-build");
    assertThat(b.step().index()).isZero();
    TaskRun tr = client.resources(TaskRun.class).inNamespace("default").withName(name).get();
    assertThat(b.deadline())
        .isEqualTo(Instant.parse(tr.getStatus().startTime).plus(Duration.ofMinutes(60)));
    assertThat(tr.getStatus().succeeded().getReason()).isEqualTo("Running");

    // A restarted watcher relists, follows the paused step's log again and re-emits the same ids.
    Set<String> before = new HashSet<>();
    observations.received().forEach(r -> before.add(r.event().id()));
    watcher.stop().await();
    watcherClient.close();
    watcherClient = server.newClient();
    watcher = WatcherService.start(vertx, config, watcherClient).await();
    await().atMost(90, TimeUnit.SECONDS).until(() -> breakpoints(name).size() == 2);
    assertThat(breakpoints(name).get(1).id()).isEqualTo(e.id());
    List<PitstopEvent> ofRun = events(name);
    assertThat(ofRun.stream().map(PitstopEvent::id)).allMatch(before::contains);

    // Released: the step completes, the run succeeds, no further pause is reported.
    assertThat(
            sim.exec("default", pod, "step-build", List.of("/tekton/debug/scripts/debug-continue"))
                .exitCode())
        .isZero();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> events(name).stream().anyMatch(x -> x.type() == EventType.TASKRUN_FINISHED));
    assertThat(breakpoints(name)).extracting(PitstopEvent::id).containsOnly(e.id());
  }

  /**
   * A watcher that starts (a restart, a new leader) while a step is already paused, with its
   * TaskRun informer's watch request held open until the pause is reported: the TaskRun informer
   * has listed and its handlers run (a log follower starts and finds the marker at once), but it
   * has not finished starting. The marker must still be resolved to its TaskRun.
   */
  @Test
  void aStepPausedBeforeTheWatcherStartsIsReportedWhileTheTaskRunInformerIsStillStarting()
      throws Exception {
    watcher.stop().await();
    watcher = null;
    String name = "paused-early-" + UUID.randomUUID().toString().substring(0, 8);
    String pod = name + "-pod";
    sim.apply(pausedTaskRun(name));
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> indexOfMarker(server.podLogs().lines("default", pod, "step-build")) >= 0);

    CountDownLatch reported = new CountDownLatch(1);
    Interceptor holdTaskRunWatch =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            String query = request.uri().getRawQuery();
            if (request.uri().getPath().endsWith("/taskruns")
                && query != null
                && query.contains("watch=true")) {
              try {
                reported.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    var watcherClientConfig = watcherClient.getConfiguration();
    watcherClient.close();
    watcherClient =
        new KubernetesClientBuilder()
            .withConfig(watcherClientConfig)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .withHttpClientBuilderConsumer(
                b -> b.addOrReplaceInterceptor("hold-taskrun-watch", holdTaskRunWatch))
            .build();
    Future<WatcherService> starting = WatcherService.start(vertx, config, watcherClient);
    boolean startedBeforeReported;
    try {
      await().atMost(20, TimeUnit.SECONDS).until(() -> breakpoints(name).size() == 1);
      startedBeforeReported = starting.isComplete();
    } finally {
      reported.countDown();
      watcher = starting.await();
    }
    assertThat(startedBeforeReported).as("the TaskRun watch was held until the pause").isFalse();
    BreakpointReached b = breakpoints(name).get(0).data(BreakpointReached.class);
    assertThat(b.mechanism()).isEqualTo(Mechanism.ON_FAILURE);
    assertThat(b.step().container()).isEqualTo("step-build");
  }

  private static String pausedTaskRun(String name) {
    return """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
          annotations:
            sandbox.pitstop.dev/fail: "-/build"
        spec:
          debug:
            breakpoints:
              onFailure: enabled
          taskSpec:
            steps:
            - name: build
              image: alpine
              script: echo building
            - name: test
              image: alpine
              script: echo testing
        """
        .formatted(name);
  }

  private List<PitstopEvent> breakpoints(String run) throws MalformedEventException {
    return events(run).stream().filter(e -> e.type() == EventType.STEP_BREAKPOINT_REACHED).toList();
  }

  private List<PitstopEvent> events(String run) throws MalformedEventException {
    poll();
    return observations.received().stream()
        .map(Received::event)
        .filter(e -> e.data().run().name().equals(run))
        .toList();
  }

  private List<Received> poll() throws MalformedEventException {
    observations.poll();
    return new ArrayList<>(observations.received());
  }

  private static int indexOfMarker(List<LogLine> log) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).text().contains("debug onFailure breakpoint has taken effect")) {
        return i;
      }
    }
    return -1;
  }

  private static String fixture(String relative) throws IOException {
    Path dir = Path.of(System.getProperty("pitstop.shared.dir", "../../shared"));
    return Files.readString(dir.resolve("fixtures/tekton").resolve(relative));
  }
}
