package dev.pitstop.watcher.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.PodContainer;
import dev.pitstop.events.data.PodInitialized;
import dev.pitstop.events.data.PodReady;
import dev.pitstop.events.data.PodScheduled;
import dev.pitstop.events.data.RunRef;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodObservationsTest {
  private final PodObservations mapper =
      new PodObservations(
          new EventFactory("test", "watcher"),
          new RunRefs(
              new Allowlist(List.of("app.kubernetes.io/", "tekton.dev/")),
              new Allowlist(List.of("pitstop.dev/"))));

  private static Pod pod(String name, boolean sidecar) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ci")
            .withName(name)
            .withCreationTimestamp("2026-11-21T09:00:01Z")
            .withLabels(
                Map.of(
                    "tekton.dev/taskRun", "build-compile",
                    "tekton.dev/taskRunUID", "tr-uid",
                    "tekton.dev/pipelineRun", "build",
                    "tekton.dev/pipelineRunUID", "pr-uid",
                    "tekton.dev/pipelineTask", "compile",
                    "tekton.dev/pipeline", "ci"))
            .withAnnotations(new java.util.HashMap<>(Map.of("pitstop.dev/team", "a")))
            .endMetadata()
            .withNewSpec()
            .withNodeName("node-1")
            .addNewContainer()
            .withName("step-a")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus();
    Pod p = b.build();
    if (sidecar) {
      p.getSpec().getContainers().add(new io.fabric8.kubernetes.api.model.Container());
      p.getSpec().getContainers().get(1).setName("sidecar-db");
    }
    return p;
  }

  private static void cond(Pod p, String type, String status, String time) {
    p.getStatus().getConditions().removeIf(c -> c.getType().equals(type));
    p.getStatus()
        .getConditions()
        .add(
            new PodConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withLastTransitionTime(time)
                .build());
  }

  private static ContainerStatus init(String name, String from, String to) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .withReason("Completed")
        .withStartedAt(from)
        .withFinishedAt(to)
        .endTerminated()
        .endState()
        .build();
  }

  private static ContainerStatus waiting(String name, String reason) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .endWaiting()
        .endState()
        .build();
  }

  /** The Pod through its phases: scheduled, initialized (images pulling), containers ready. */
  static List<Pod> lifecycle(boolean sidecar) {
    Pod p0 = pod("build-compile-pod", sidecar);
    Pod p1 = Serialization.clone(p0);
    cond(p1, "PodScheduled", "True", "2026-11-21T09:00:02Z");
    cond(p1, "Initialized", "False", "2026-11-21T09:00:02Z");
    cond(p1, "ContainersReady", "False", "2026-11-21T09:00:02Z");
    Pod p2 = Serialization.clone(p1);
    cond(p2, "Initialized", "True", "2026-11-21T09:00:05Z");
    p2.getStatus()
        .setInitContainerStatuses(
            List.of(
                init("prepare", "2026-11-21T09:00:02Z", "2026-11-21T09:00:04Z"),
                init("place-scripts", "2026-11-21T09:00:04Z", "2026-11-21T09:00:05Z")));
    p2.getStatus().setContainerStatuses(List.of(waiting("step-a", "ContainerCreating")));
    Pod p3 = Serialization.clone(p2);
    cond(p3, "ContainersReady", "True", "2026-11-21T09:00:09Z");
    p3.getStatus().setContainerStatuses(List.of());
    return List.of(p0, p1, p2, p3);
  }

  private List<PitstopEvent> walk(List<Pod> pods) {
    List<PitstopEvent> out = new java.util.ArrayList<>();
    Pod old = null;
    for (Pod p : pods) {
      out.addAll(mapper.pod(old, p, null));
      old = p;
    }
    return out;
  }

  @Test
  void scheduledThenInitializedWithInitContainerTimesThenReady() {
    List<PitstopEvent> events = walk(lifecycle(false));

    assertThat(events)
        .extracting(PitstopEvent::type)
        .containsExactly(EventType.POD_SCHEDULED, EventType.POD_INITIALIZED, EventType.POD_READY);
    PodScheduled s = events.get(0).data(PodScheduled.class);
    assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-11-21T09:00:01Z"));
    assertThat(s.scheduledAt()).isEqualTo(Instant.parse("2026-11-21T09:00:02Z"));
    assertThat(s.node()).isEqualTo("node-1");
    assertThat(events.get(0).time()).isEqualTo(s.scheduledAt());
    RunRef run = s.run();
    assertThat(run.uid()).isEqualTo("tr-uid");
    assertThat(run.name()).isEqualTo("build-compile");
    assertThat(run.rootUid()).isEqualTo("pr-uid");
    assertThat(run.pipelineTask()).isEqualTo("compile");
    assertThat(run.annotations()).containsEntry("pitstop.dev/team", "a");
    PodInitialized i = events.get(1).data(PodInitialized.class);
    assertThat(i.initializedAt()).isEqualTo(Instant.parse("2026-11-21T09:00:05Z"));
    assertThat(i.initContainers())
        .extracting(PodContainer::name, PodContainer::startedAt, PodContainer::finishedAt)
        .containsExactly(
            tuple(
                "prepare",
                Instant.parse("2026-11-21T09:00:02Z"),
                Instant.parse("2026-11-21T09:00:04Z")),
            tuple(
                "place-scripts",
                Instant.parse("2026-11-21T09:00:04Z"),
                Instant.parse("2026-11-21T09:00:05Z")));
    PodReady r = events.get(2).data(PodReady.class);
    assertThat(r.readyAt()).isEqualTo(Instant.parse("2026-11-21T09:00:09Z"));
    assertThat(r.initializedAt()).isEqualTo(i.initializedAt());
    assertThat(r.waitingReasons()).containsExactly("ContainerCreating");
    assertThat(r.sidecars()).isEmpty();
  }

  @Test
  void aRelistYieldsTheSameIdsAndNothingNewWhenUnchanged() {
    List<Pod> pods = lifecycle(false);
    List<PitstopEvent> incremental = walk(pods);
    List<PitstopEvent> relist = mapper.pod(null, pods.get(3), null);
    assertThat(relist)
        .extracting(PitstopEvent::id)
        .containsExactlyElementsOf(incremental.stream().map(PitstopEvent::id).toList());
    assertThat(mapper.pod(pods.get(3), Serialization.clone(pods.get(3)), null)).isEmpty();
  }

  @Test
  void podWithSidecarsIsReadyOnlyOnceTektonMarksThemReady() {
    List<Pod> pods = lifecycle(true);
    assertThat(walk(pods)).extracting(PitstopEvent::type).doesNotContain(EventType.POD_READY);

    Pod marked = Serialization.clone(pods.get(3));
    marked.getMetadata().getAnnotations().put("tekton.dev/ready", "READY");
    List<PitstopEvent> ready = mapper.pod(pods.get(3), marked, null);
    assertThat(ready).extracting(PitstopEvent::type).containsExactly(EventType.POD_READY);
    assertThat(ready.get(0).data(PodReady.class).sidecars()).containsExactly("sidecar-db");
  }

  @Test
  void retriedAttemptComesFromThePodNameAndAGivenRunRefWins() {
    Pod p = lifecycle(false).get(1);
    p.getMetadata().setName("build-compile-pod-retry2");
    assertThat(mapper.observations(p, null).get(0).data().run().retry()).isEqualTo(2);

    RunRef given =
        new RunRef(RunRef.TASK_RUN, "ci", "x", "uid-x", null, null, null, null, "t", 1, null, null);
    assertThat(mapper.observations(p, given).get(0).data().run()).isEqualTo(given);
  }

  @Test
  void aPodSeenOnlyAfterItsContainersRanIsReadyAtTheLatestContainerStart() {
    Pod p = Serialization.clone(lifecycle(false).get(2));
    p.getStatus().setPhase("Succeeded");
    p.getStatus()
        .setContainerStatuses(
            List.of(init("step-a", "2026-11-21T09:00:07Z", "2026-11-21T09:00:08Z")));
    List<PitstopEvent> events = mapper.pod(lifecycle(false).get(2), p, null);
    assertThat(events).extracting(PitstopEvent::type).containsExactly(EventType.POD_READY);
    PodReady r = events.get(0).data(PodReady.class);
    assertThat(r.readyAt()).isEqualTo(Instant.parse("2026-11-21T09:00:07Z"));
    assertThat(r.waitingReasons()).containsExactly("ContainerCreating");
  }

  @Test
  void notATaskRunsPodOrBadTimesYieldNothing() {
    Pod p = lifecycle(false).get(3);
    Pod foreign = Serialization.clone(p);
    foreign.getMetadata().setLabels(Map.of("app", "x"));
    assertThat(mapper.observations(foreign, null)).isEmpty();

    Pod bad = Serialization.clone(p);
    bad.getStatus().getConditions().forEach(c -> c.setLastTransitionTime("yesterday"));
    assertThat(mapper.observations(bad, null)).isEmpty();
    Pod noStatus = Serialization.clone(p);
    noStatus.setStatus(null);
    assertThat(mapper.observations(noStatus, null)).isEmpty();
  }
}
