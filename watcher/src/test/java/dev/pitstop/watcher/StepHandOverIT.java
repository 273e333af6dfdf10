package dev.pitstop.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.sandbox.k8s.FeatureFlags;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A step's {@code beforeSteps} marker is seen while the Pod's and TaskRun's statuses still say the
 * step before it runs -- as on a real cluster between the entrypoint's marker and the kubelet's and
 * controller's next status writes: on a stream opened ahead, and as soon as the previous step's log
 * ends (its container exited) when it was not opened ahead. The objects are written by hand (no
 * simulator), so no status ever moves on.
 */
class StepHandOverIT {
  private static final String NS = "default";
  private static final String RUN = "handover";
  private static final String POD = "handover-pod";

  private SandboxApiServer server;
  private KubernetesClient client;
  private KubernetesClient watcherClient;
  private Vertx vertx;
  private WatcherService watcher;
  private Observations observations;

  @BeforeEach
  void start() {
    server = SandboxApiServer.start();
    client = server.newClient();
    observations = new Observations("handover-it", 1);
    vertx = Vertx.vertx();
    watcherClient = server.newClient();
  }

  /** Starts the watcher following at most {@code logFollowers} logs at once. */
  private void startWatcher(int logFollowers) {
    WatcherConfig d = WatcherConfig.defaults(observations.kafka());
    WatcherConfig config =
        new WatcherConfig(
            d.cluster(),
            d.kafka(),
            d.namespaces(),
            d.podManagedBy(),
            d.labelAllowlist(),
            d.annotationAllowlist(),
            d.resync(),
            logFollowers,
            d.selector(),
            d.leaderElection());
    watcher = WatcherService.start(vertx, config, watcherClient).await();
  }

  @AfterEach
  void stop() {
    observations.close();
    if (watcher != null) watcher.stop().await();
    vertx.close().await();
    watcherClient.close();
    client.close();
    server.close();
  }

  /** One follower: no room to follow test's log ahead, so it is opened once build's ends. */
  @Test
  void theNextStepsMarkerIsReportedWhenThePreviousLogEndsThoughNoStatusMovedOn() {
    startWatcher(1);
    createRunningTaskRun();

    // build logs, exits (its log ends); test's entrypoint writes its marker at once.
    Instant marker = Instant.now();
    server.podLogs().append(NS, POD, "step-build", marker.minusMillis(5), "build");
    server.podLogs().close(NS, POD, "step-build");
    appendMarker(marker);

    assertReachedAt(marker);
  }

  /**
   * test's container runs from Pod start, so its log is followed ahead, while build's is followed
   * for build's own {@code onFailure}: the marker is seen even when build's log has not ended yet
   * (on a cluster the kubelet closes build's stream about when test's entrypoint writes its marker;
   * either may come first) and no status moved on.
   */
  @Test
  void theNextStepsLogIsFollowedAheadWhileTheStepBeforeItStillRuns() {
    startWatcher(WatcherConfig.defaults(observations.kafka()).logFollowers());
    createRunningTaskRun();
    Instant marker = Instant.now();
    appendMarker(marker);

    assertReachedAt(marker);
  }

  /**
   * A log followed ahead is an optimisation: when every slot is taken, a step that can pause now
   * takes the slot of one followed ahead, and that step is followed again once it can pause. Two
   * slots: {@value #RUN}'s build and (ahead) test take both; {@code other}'s build must still be
   * followed, and {@value #RUN}'s marker still seen after its build's log ended.
   */
  @Test
  void aStepThatCanPauseNowTakesTheSlotOfALogFollowedAhead() {
    Set<String> followed = ConcurrentHashMap.newKeySet();
    server.podLogs().onFollow((ns, pod, container) -> followed.add(pod + "/" + container));
    startWatcher(2);
    createRunningTaskRun();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> followed.containsAll(Set.of(POD + "/step-build", POD + "/step-test")));

    createRunningTaskRun("other");
    await().atMost(30, TimeUnit.SECONDS).until(() -> followed.contains("other-pod/step-build"));

    followed.remove(POD + "/step-test");
    Instant marker = Instant.now();
    server.podLogs().append(NS, POD, "step-build", marker.minusMillis(5), "build");
    server.podLogs().close(NS, POD, "step-build");
    await()
        .atMost(30, TimeUnit.SECONDS)
        .alias("handover's test is followed again once its build's log ended")
        .until(() -> followed.contains(POD + "/step-test"));
    appendMarker(marker);

    assertReachedAt(marker);
  }

  private void appendMarker(Instant marker) {
    server
        .podLogs()
        .append(
            NS,
            POD,
            "step-test",
            marker,
            "2026/11/21 09:00:02 debug before step breakpoint has taken effect, waiting for"
                + " user's decision:");
  }

  private void assertReachedAt(Instant marker) {
    PitstopEvent reached =
        await()
            .atMost(30, TimeUnit.SECONDS)
            .until(
                () -> {
                  observations.poll();
                  return observations.events().stream()
                      .filter(e -> e.type() == EventType.STEP_BREAKPOINT_REACHED)
                      .findFirst();
                },
                java.util.Optional::isPresent)
            .orElseThrow();
    assertThat(reached.subject()).isEqualTo("default/taskruns/handover/steps/test");
    BreakpointReached data = reached.data(BreakpointReached.class);
    assertThat(data.mechanism()).isEqualTo(Mechanism.BEFORE_STEPS);
    assertThat(data.reachedAt()).isEqualTo(marker);
    // Nothing moved on: the statuses still say build runs.
    TaskRun now = client.resources(TaskRun.class).inNamespace(NS).withName(RUN).get();
    assertThat(now.getStatus().steps.get(0).terminated).isNull();
  }

  /**
   * The TaskRun {@value #RUN} and its Pod {@value #POD}: see {@link #createRunningTaskRun(String)}.
   */
  private void createRunningTaskRun() {
    client
        .configMaps()
        .inNamespace("tekton-pipelines")
        .resource(FeatureFlags.withEnableApiFields("alpha"))
        .create();
    createRunningTaskRun(RUN);
  }

  /**
   * A debug TaskRun named {@code run} and its Pod {@code run-pod}, both steps' containers running,
   * as on a cluster mid-build (the feature flags must exist).
   */
  private void createRunningTaskRun(String run) {
    TaskRun tr =
        (TaskRun)
            TektonYaml.load(
                    """
                    apiVersion: tekton.dev/v1
                    kind: TaskRun
                    metadata:
                      name: %s
                      namespace: default
                    spec:
                      debug:
                        breakpoints:
                          onFailure: enabled
                          beforeSteps: ["test"]
                      taskSpec:
                        steps:
                          - name: build
                            image: busybox
                            script: echo build
                          - name: test
                            image: busybox
                            script: echo test
                    """
                        .formatted(run))
                .get(0);
    TaskRun created = client.resource(tr).create();
    // Running, both steps running (as every step container is from Pod start), none terminated.
    created.setStatus(
        Serialization.unmarshal(
            """
            podName: %s-pod
            startTime: "2026-11-21T09:00:00Z"
            conditions:
              - type: Succeeded
                status: Unknown
                reason: Running
            steps:
              - name: build
                container: step-build
                running: {startedAt: "2026-11-21T09:00:01Z"}
              - name: test
                container: step-test
                running: {startedAt: "2026-11-21T09:00:01Z"}
            """
                .formatted(run),
            TaskRunStatus.class));
    client.resource(created).updateStatus();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(run + "-pod")
            .withNamespace(NS)
            .addToLabels("app.kubernetes.io/managed-by", "tekton-pipelines")
            .addToLabels("tekton.dev/taskRun", run)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("step-build")
            .withImage("busybox")
            .endContainer()
            .addNewContainer()
            .withName("step-test")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .build();
    Pod createdPod = client.resource(pod).create();
    createdPod.setStatus(
        new PodBuilder()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("step-build")
            .withNewState()
            .withNewRunning("2026-11-21T09:00:01Z")
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("step-test")
            .withNewState()
            .withNewRunning("2026-11-21T09:00:01Z")
            .endState()
            .endContainerStatus()
            .endStatus()
            .build()
            .getStatus());
    client.resource(createdPod).updateStatus();
  }
}
