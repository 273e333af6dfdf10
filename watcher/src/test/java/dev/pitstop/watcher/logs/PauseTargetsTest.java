package dev.pitstop.watcher.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.tekton.model.Breakpoints;
import dev.pitstop.tekton.model.Step;
import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunDebug;
import dev.pitstop.tekton.model.TaskRunSpec;
import dev.pitstop.tekton.model.TaskRunStatus;
import dev.pitstop.tekton.model.TaskSpec;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PauseTargetsTest {
  private static TaskRun debugRun(String onFailure, List<String> beforeSteps) {
    TaskRun tr = new TaskRun();
    tr.setMetadata(new ObjectMetaBuilder().withNamespace("ci").withName("t").withUid("u").build());
    tr.setSpec(new TaskRunSpec());
    tr.getSpec().debug = new TaskRunDebug();
    tr.getSpec().debug.breakpoints = new Breakpoints();
    tr.getSpec().debug.breakpoints.onFailure = onFailure;
    tr.getSpec().debug.breakpoints.beforeSteps = new ArrayList<>(beforeSteps);
    tr.getSpec().taskSpec = new TaskSpec();
    for (String n : List.of("clone", "build", "push")) {
      Step s = new Step();
      s.name = n;
      tr.getSpec().taskSpec.steps.add(s);
    }
    tr.setStatus(new TaskRunStatus());
    tr.getStatus().podName = "t-pod";
    tr.getStatus().startTime = "2026-11-21T09:00:00Z";
    return tr;
  }

  private static Pod pod(String phase, String terminatedContainer) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ci")
            .withName("t-pod")
            .endMetadata()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    Pod p = b.build();
    if (terminatedContainer != null) {
      p.getStatus()
          .getContainerStatuses()
          .add(
              new ContainerStatusBuilder()
                  .withName(terminatedContainer)
                  .withNewState()
                  .withTerminated(new ContainerStateTerminated())
                  .endState()
                  .build());
    }
    return p;
  }

  private static StepState state(String name, boolean terminated) {
    StepState s = new StepState();
    s.name = name;
    s.container = "step-" + name;
    if (terminated) {
      s.terminated = new ContainerStateTerminated();
    } else {
      s.running = new ContainerStateRunning("2026-11-21T09:00:01Z");
    }
    return s;
  }

  @Test
  void followsTheFirstStepNotYetTerminatedWhenOnFailureIsEnabled() {
    TaskRun tr = debugRun("enabled", List.of());
    assertThat(PauseTargets.current(tr, pod("Running", null)))
        .contains(new FollowTarget("ci", "t", "t-pod", "step-clone", 0));

    tr.getStatus().steps =
        new ArrayList<>(List.of(state("clone", true), state("build", false), state("push", false)));
    assertThat(PauseTargets.current(tr, pod("Running", null)))
        .map(FollowTarget::container)
        .contains("step-build");
  }

  @Test
  void followsOnlyListedStepsWithoutOnFailure() {
    TaskRun tr = debugRun(null, List.of("push"));
    tr.getStatus().steps =
        new ArrayList<>(List.of(state("clone", true), state("build", false), state("push", false)));
    assertThat(PauseTargets.current(tr, pod("Running", null))).isEmpty();
    tr.getStatus().steps.set(1, state("build", true));
    assertThat(PauseTargets.current(tr, pod("Running", null)))
        .map(FollowTarget::container)
        .contains("step-push");
  }

  @Test
  void afterAStepsLogEndedFollowsTheNextStepThatCanPauseBeforeAnyStatusSaysSo() {
    TaskRun tr = debugRun(null, List.of("build"));
    tr.getStatus().steps =
        new ArrayList<>(
            List.of(state("clone", false), state("build", false), state("push", false)));
    // Status still says clone runs: nothing to follow, unless clone's log ended.
    assertThat(PauseTargets.current(tr, pod("Running", null))).isEmpty();
    assertThat(PauseTargets.after(tr, pod("Running", null), 0))
        .contains(new FollowTarget("ci", "t", "t-pod", "step-build", 1));
    // push has no breakpoint and onFailure is off; there is no step after push.
    assertThat(PauseTargets.after(tr, pod("Running", null), 1)).isEmpty();
    assertThat(PauseTargets.after(tr, pod("Running", null), 2)).isEmpty();
    // A status ahead of the ended log wins: build is done, push is the one.
    tr.getSpec().debug.breakpoints.onFailure = "enabled";
    tr.getStatus().steps.set(0, state("clone", true));
    tr.getStatus().steps.set(1, state("build", true));
    assertThat(PauseTargets.after(tr, pod("Running", null), 0))
        .map(FollowTarget::container)
        .contains("step-push");
  }

  @Test
  void followsNothingWithoutBreakpointsARunningPodOrWhenDone() {
    TaskRun plain = debugRun("enabled", List.of());
    plain.getSpec().debug = null;
    assertThat(PauseTargets.current(plain, pod("Running", null))).isEmpty();

    TaskRun tr = debugRun("enabled", List.of());
    assertThat(PauseTargets.current(tr, null)).isEmpty();
    assertThat(PauseTargets.current(tr, pod("Pending", null))).isEmpty();
    assertThat(PauseTargets.current(tr, pod("Running", "step-clone"))).isEmpty();

    tr.getStatus()
        .conditions
        .add(new ConditionBuilder().withType("Succeeded").withStatus("False").build());
    assertThat(PauseTargets.current(tr, pod("Running", null))).isEmpty();
  }

  @Test
  void followsNothingOfAnotherAttemptsPod() {
    TaskRun tr = debugRun("enabled", List.of());
    tr.getStatus().podName = "t-pod-retry1";
    assertThat(PauseTargets.current(tr, pod("Running", null))).isEmpty();
  }
}
