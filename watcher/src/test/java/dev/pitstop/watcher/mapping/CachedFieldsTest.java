package dev.pitstop.watcher.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.tekton.model.Breakpoints;
import dev.pitstop.tekton.model.Step;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunDebug;
import dev.pitstop.tekton.model.TaskSpec;
import dev.pitstop.watcher.logs.PauseTargets;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CachedFieldsTest {
  private final ObservationMapper mapper = Runs.mapper();
  private final RunRefs refs =
      new RunRefs(
          new Allowlist(List.of("app.kubernetes.io/", "tekton.dev/")),
          new Allowlist(List.of("pitstop.dev/")));
  private final PodObservations pods =
      new PodObservations(new EventFactory("test", "watcher"), refs);
  private final CachedFields cached = new CachedFields(refs);

  /** A Pod as a cluster serves it: env, args, mounts, volumes, init containers, managedFields. */
  private static Pod heavy(Pod lean) {
    Pod p = Serialization.clone(lean);
    for (Container c : p.getSpec().getContainers()) {
      c.setImage("gcr.io/kaniko-project/executor@sha256:c3109d5926a997b100c4343944e06c6b");
      c.setCommand(List.of("/tekton/bin/entrypoint"));
      c.setArgs(List.of("-post_file", "/tekton/run/0/out", "-termination_path", "/tekton/t"));
      c.setEnv(
          List.of(
              new io.fabric8.kubernetes.api.model.EnvVar("HOME", "/tekton/home", null),
              new io.fabric8.kubernetes.api.model.EnvVar("GOFLAGS", "-mod=readonly", null)));
      c.setVolumeMounts(
          List.of(
              new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                  .withName("tekton-internal-run-0")
                  .withMountPath("/tekton/run/0")
                  .build()));
    }
    p.getSpec()
        .setInitContainers(
            List.of(new ContainerBuilder().withName("prepare").withImage("entrypoint").build()));
    p.getSpec()
        .setVolumes(
            List.of(
                new VolumeBuilder()
                    .withName("tekton-internal-run-0")
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .build()));
    FieldsV1 fields = new FieldsV1();
    fields.setAdditionalProperty("f:spec", Map.of("f:containers", Map.of()));
    p.getMetadata()
        .setManagedFields(
            List.of(
                new ManagedFieldsEntryBuilder()
                    .withManager("tekton-pipelines-controller")
                    .withOperation("Update")
                    .withFieldsV1(fields)
                    .build()));
    p.getMetadata().getLabels().put("triggers.tekton.dev/trigger", "github-push");
    p.getMetadata().getAnnotations().put("results.tekton.dev/record", "ci/results/4f1e/records/9a");
    p.getStatus().setPodIP("10.244.2.31");
    p.getStatus().setQosClass("Burstable");
    if (p.getStatus().getContainerStatuses() != null) {
      p.getStatus()
          .getContainerStatuses()
          .forEach(
              cs -> {
                cs.setImageID("docker.io/library/busybox@sha256:b3255e7dfbcd10cb367af0d409747d5");
                cs.setContainerID("containerd://0123456789abcdef");
              });
    }
    return p;
  }

  @Test
  void aKeptPodHoldsNoneOfWhatTheMapperDoesNotRead() {
    List<Pod> life = PodObservationsTest.lifecycle(true);
    Pod full = heavy(life.get(2));

    Pod kept = cached.pod(full);

    assertThat(kept.getMetadata().getManagedFields()).isEmpty();
    assertThat(kept.getSpec().getInitContainers()).isEmpty();
    assertThat(kept.getSpec().getVolumes()).isEmpty();
    assertThat(kept.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("step-a", "sidecar-db");
    assertThat(kept.getSpec().getContainers())
        .allSatisfy(
            c -> {
              assertThat(c.getEnv()).isEmpty();
              assertThat(c.getArgs()).isEmpty();
              assertThat(c.getCommand()).isEmpty();
              assertThat(c.getVolumeMounts()).isEmpty();
              assertThat(c.getImage()).isNull();
            });
    assertThat(kept.getStatus().getPodIP()).isNull();
    assertThat(kept.getStatus().getQosClass()).isNull();
    assertThat(kept.getStatus().getContainerStatuses())
        .allSatisfy(
            cs -> {
              assertThat(cs.getImageID()).isNull();
              assertThat(cs.getContainerID()).isNull();
              assertThat(cs.getState()).isNotNull();
            });
    assertThat(kept.getMetadata().getLabels()).doesNotContainKey("triggers.tekton.dev/trigger");
    assertThat(kept.getMetadata().getAnnotations()).doesNotContainKey("results.tekton.dev/record");
    // What it reads is still there.
    assertThat(kept.getMetadata().getLabels())
        .containsAllEntriesOf(life.get(2).getMetadata().getLabels());
    assertThat(kept.getMetadata().getAnnotations()).containsEntry("pitstop.dev/team", "a");
    assertThat(kept.getMetadata().getResourceVersion())
        .isEqualTo(full.getMetadata().getResourceVersion());
    assertThat(kept.getSpec().getNodeName()).isEqualTo("node-1");
    assertThat(kept.getStatus().getConditions()).isEqualTo(full.getStatus().getConditions());
    assertThat(kept.getStatus().getInitContainerStatuses()).hasSize(2);
  }

  @Test
  void podObservationsFromKeptPodsEqualThoseFromFullOnes() {
    for (boolean sidecar : List.of(false, true)) {
      List<Pod> life = PodObservationsTest.lifecycle(sidecar);
      Pod old = null;
      for (int i = 0; i < life.size(); i++) {
        Pod now = heavy(life.get(i));
        if (i == life.size() - 1) {
          now.getMetadata().getAnnotations().put("tekton.dev/ready", "READY");
        }
        assertThat(pods.observations(cached.pod(now), null))
            .isEqualTo(pods.observations(now, null));
        assertThat(pods.pod(cached.pod(old), now, null)).isEqualTo(pods.pod(old, now, null));
        // A resync hands the kept object as both old and new.
        assertThat(pods.pod(null, cached.pod(now), null)).isEqualTo(pods.pod(null, now, null));
        old = now;
      }
      assertThat(pods.observations(cached.pod(old), null))
          .extracting(e -> e.type())
          .contains(dev.pitstop.events.EventType.POD_READY);
    }
  }

  @Test
  void taskRunObservationsFromKeptTaskRunsEqualThoseFromFullOnes() {
    Random random = new Random(20261121L);
    for (int c = 0; c < 200; c++) {
      List<TaskRun> history = ObservationMapperPropertyTest.history(new Random(random.nextLong()));
      TaskRun old = null;
      for (TaskRun lean : history) {
        TaskRun now = heavy(lean, random.nextBoolean());
        TaskRun kept = cached.taskRun(now);
        assertThat(mapper.taskRun(null, kept)).isEqualTo(mapper.taskRun(null, now));
        assertThat(mapper.taskRun(cached.taskRun(old), now)).isEqualTo(mapper.taskRun(old, now));
        assertThat(mapper.taskRunDeleted(kept, Instant.EPOCH))
            .isEqualTo(mapper.taskRunDeleted(now, Instant.EPOCH));
        String podName = now.getStatus() == null ? null : now.getStatus().podName;
        assertThat(ObservationMapper.attemptOfPod(kept, podName))
            .isEqualTo(ObservationMapper.attemptOfPod(now, podName));
        BreakpointMarker marker =
            new BreakpointMarker(Mechanism.ON_FAILURE, Instant.EPOCH, List.of("boom"));
        assertThat(mapper.breakpointReached(kept, podName, "step-s0", marker))
            .isEqualTo(mapper.breakpointReached(now, podName, "step-s0", marker));
        Pod pod = runningPod(podName);
        assertThat(PauseTargets.current(kept, cached.pod(pod)))
            .isEqualTo(PauseTargets.current(now, pod));
        old = now;
      }
    }
  }

  @Test
  void aKeptTaskRunHoldsNoneOfWhatTheMapperDoesNotRead() {
    TaskRun full = heavy(Runs.taskRun("t", "uid-1"), true);
    full.getStatus().steps = new ArrayList<>(List.of(Runs.running("s0", "2026-11-21T09:00:01Z")));
    full.getStatus().steps.get(0).imageID = "docker.io/library/busybox@sha256:b3255e7d";

    TaskRun kept = cached.taskRun(full);

    assertThat(kept.getMetadata().getManagedFields()).isEmpty();
    assertThat(kept.getSpec().params).isEmpty();
    assertThat(kept.getSpec().additionalProperties()).isEmpty();
    assertThat(kept.getStatus().additionalProperties()).isEmpty(); // provenance
    assertThat(kept.getStatus().taskSpec.steps)
        .allSatisfy(
            s -> {
              assertThat(s.script).isNull();
              assertThat(s.image).isNull();
            })
        .extracting(s -> s.name)
        .containsExactly("s0", "s1");
    assertThat(kept.getStatus().steps.get(0).imageID).isNull();
    assertThat(kept.getStatus().steps.get(0).running).isNotNull();
    assertThat(kept.getSpec().breakpoints().onFailureEnabled()).isTrue();
    assertThat(kept.getMetadata().getLabels())
        .doesNotContainKey("triggers.tekton.dev/trigger")
        .containsAllEntriesOf(Runs.taskRun("t", "uid-1").getMetadata().getLabels());
    assertThat(kept.getMetadata().getAnnotations())
        .doesNotContainKey("results.tekton.dev/record")
        .containsKeys("pitstop.dev/breakpoints", "tekton.dev/taskrunSpanContext");
  }

  /** A TaskRun as a cluster serves it: params, resolved spec with scripts, provenance. */
  private static TaskRun heavy(TaskRun lean, boolean debug) {
    TaskRun tr = Serialization.clone(lean);
    FieldsV1 fields = new FieldsV1();
    fields.setAdditionalProperty("f:status", Map.of("f:conditions", Map.of()));
    tr.getMetadata()
        .setManagedFields(
            List.of(
                new ManagedFieldsEntryBuilder()
                    .withManager("tekton-pipelines-controller")
                    .withFieldsV1(fields)
                    .build()));
    tr.getMetadata().getLabels().put("triggers.tekton.dev/trigger", "github-push");
    Map<String, String> annotations = new java.util.HashMap<>();
    if (tr.getMetadata().getAnnotations() != null) {
      annotations.putAll(tr.getMetadata().getAnnotations());
    }
    annotations.put("results.tekton.dev/record", "ci/results/4f1e/records/9a");
    annotations.put("pitstop.dev/breakpoints", "{\"onFailure\":true}");
    annotations.put(
        "tekton.dev/taskrunSpanContext",
        "{\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}");
    tr.getMetadata().setAnnotations(annotations);
    tr.getSpec().params =
        new ArrayList<>(
            List.of(
                Serialization.unmarshal(
                    "{\"name\":\"IMAGE\",\"value\":\"registry.example.com/a:b\"}",
                    dev.pitstop.tekton.model.Param.class)));
    tr.getSpec().setAdditionalProperty("workspaces", List.of(Map.of("name", "source")));
    if (debug) {
      tr.getSpec().debug = new TaskRunDebug();
      tr.getSpec().debug.breakpoints = new Breakpoints();
      tr.getSpec().debug.breakpoints.onFailure = Breakpoints.ENABLED;
    }
    if (tr.getStatus() != null) {
      TaskSpec spec = new TaskSpec();
      for (String name : List.of("s0", "s1")) {
        Step s = new Step();
        s.name = name;
        s.image = "busybox";
        s.script = "#!/bin/sh\necho " + name + "\n".repeat(20);
        spec.steps.add(s);
      }
      tr.getStatus().taskSpec = spec;
      tr.getStatus().setAdditionalProperty("provenance", Map.of("featureFlags", Map.of("a", 1)));
    }
    return tr;
  }

  private Pod runningPod(String name) {
    Pod p = PodObservationsTest.lifecycle(false).get(3);
    p.getMetadata().setName(name == null || name.isEmpty() ? "t-pod" : name);
    p.getStatus().setPhase("Running");
    p.getStatus()
        .setContainerStatuses(
            List.of(
                new ContainerStatusBuilder()
                    .withName("step-s0")
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt("2026-11-21T09:00:01Z")
                    .endRunning()
                    .endState()
                    .withImageID("busybox@sha256:0")
                    .build()));
    return heavy(p);
  }
}
