package dev.pitstop.sandbox.sim;

import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.TektonNames;
import dev.pitstop.tekton.model.Sidecar;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskSpec;
import dev.pitstop.tekton.model.Tekton;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pod Tekton builds for a TaskRun (Tekton {@code pkg/pod/pod.go}, tekton-facts.md §3): labels,
 * annotations, controller owner, init containers, one container per step in order, sidecars.
 * Containers run the entrypoint; the simulator never runs images, so commands are indicative.
 */
final class TaskRunPods {
  static final String RELEASE = "v1.15.0";
  static final String ENTRYPOINT_IMAGE = "ghcr.io/tektoncd/pipeline/entrypoint:" + RELEASE;

  private TaskRunPods() {}

  /** True when Tekton adds the {@code place-scripts} init container. */
  static boolean needsPlaceScripts(TaskSpec spec, boolean debug) {
    return debug
        || spec.steps.stream().anyMatch(s -> s.script != null && !s.script.isEmpty())
        || spec.sidecars.stream().anyMatch(s -> s.script != null && !s.script.isEmpty());
  }

  /** The run volume of step {@code i}: {@code tekton-internal-run-<i>} (Tekton pkg/pod). */
  static String runVolume(int i) {
    return "tekton-internal-run-" + i;
  }

  /** Step {@code self} mounts every run volume at {@code /tekton/run/<i>}, its own read-write. */
  private static List<io.fabric8.kubernetes.api.model.VolumeMount> runMounts(int steps, int self) {
    List<io.fabric8.kubernetes.api.model.VolumeMount> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      out.add(
          new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
              .withName(runVolume(i))
              .withMountPath("/tekton/run/" + i)
              .withReadOnly(i != self)
              .build());
    }
    return out;
  }

  private static List<io.fabric8.kubernetes.api.model.Volume> runVolumes(int steps) {
    List<io.fabric8.kubernetes.api.model.Volume> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      out.add(
          new io.fabric8.kubernetes.api.model.VolumeBuilder()
              .withName(runVolume(i))
              .withNewEmptyDir()
              .endEmptyDir()
              .build());
    }
    return out;
  }

  static List<String> initContainers(TaskSpec spec, boolean debug) {
    return needsPlaceScripts(spec, debug)
        ? List.of("prepare", "place-scripts")
        : List.of("prepare");
  }

  static Pod build(TaskRun tr, String podName, TaskSpec spec, List<StepRun> steps, boolean debug) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (tr.getMetadata().getLabels() != null) {
      labels.putAll(tr.getMetadata().getLabels());
    }
    labels.put(TektonLabels.TASK_RUN, tr.getMetadata().getName());
    labels.put(TektonLabels.TASK_RUN_UID, tr.getMetadata().getUid());
    labels.put(TektonLabels.MANAGED_BY, TektonLabels.MANAGED_BY_VALUE);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (tr.getMetadata().getAnnotations() != null) {
      annotations.putAll(tr.getMetadata().getAnnotations());
    }
    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    annotations.put(TektonLabels.RELEASE_ANNOTATION, RELEASE);
    if (spec.sidecars.isEmpty()) {
      annotations.put(TektonLabels.READY_ANNOTATION, "READY");
    }
    List<Container> init = new ArrayList<>();
    for (String c : initContainers(spec, debug)) {
      init.add(new ContainerBuilder().withName(c).withImage(ENTRYPOINT_IMAGE).build());
    }
    List<Container> containers = new ArrayList<>();
    for (StepRun s : steps) {
      List<String> args = new ArrayList<>(List.of("-post_file", "/tekton/run/" + s.index + "/out"));
      if (s.index > 0) {
        args.addAll(0, List.of("-wait_file", "/tekton/run/" + (s.index - 1) + "/out"));
      }
      if (debug) {
        args.add("-breakpoint_on_failure");
      }
      if (s.breakBefore) {
        args.add("-debug_before_step");
      }
      containers.add(
          new ContainerBuilder()
              .withName(s.container)
              .withImage(s.image)
              .withCommand("/tekton/bin/entrypoint")
              .withArgs(args)
              .withVolumeMounts(runMounts(steps.size(), s.index))
              .build());
    }
    for (Sidecar sc : spec.sidecars) {
      containers.add(
          new ContainerBuilder()
              .withName(TektonNames.SIDECAR_PREFIX + sc.name)
              .withImage(sc.image)
              .build());
    }
    Object sa = tr.getSpec().serviceAccountName;
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace(tr.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(Tekton.API_VERSION)
                .withKind("TaskRun")
                .withName(tr.getMetadata().getName())
                .withUid(tr.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(sa == null ? "default" : sa.toString())
        .withInitContainers(init)
        .withContainers(containers)
        .withVolumes(runVolumes(steps.size()))
        .endSpec()
        .build();
  }

  static PodCondition condition(String type, boolean status, String time) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(time)
        .build();
  }

  static ContainerStatus status(String name, String image, ContainerState state, boolean ready) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage(image)
        .withImageID(image == null ? "" : image)
        .withReady(ready)
        .withStarted(state.getRunning() != null)
        .withRestartCount(0)
        .withState(state)
        .build();
  }

  static ContainerState waiting(String reason) {
    return new ContainerStateBuilder().withNewWaiting().withReason(reason).endWaiting().build();
  }

  static ContainerState running(String startedAt) {
    return new ContainerStateBuilder()
        .withNewRunning()
        .withStartedAt(startedAt)
        .endRunning()
        .build();
  }

  static ContainerState terminated(int code, String reason, String startedAt, String finishedAt) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .withStartedAt(startedAt)
        .withFinishedAt(finishedAt)
        .endTerminated()
        .build();
  }
}
