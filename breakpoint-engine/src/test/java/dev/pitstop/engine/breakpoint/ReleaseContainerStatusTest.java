package dev.pitstop.engine.breakpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.ReleaseContainerStatus.Verdict;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseContainerStatusTest {
  static final String NAME = "pitstop-release-1-0123456789ab";
  static final String STEP = "step-build";

  static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  static ContainerState terminated(int code, String reason, String message) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .withMessage(message)
        .withStartedAt("2026-11-21T09:00:00Z")
        .withFinishedAt("2026-11-21T09:00:01Z")
        .endTerminated()
        .build();
  }

  static ContainerState running() {
    return new ContainerStateBuilder()
        .withNewRunning()
        .withStartedAt("2026-11-21T09:00:00Z")
        .endRunning()
        .build();
  }

  static ContainerStatus status(String name, ContainerState s) {
    return new ContainerStatusBuilder().withName(name).withState(s).build();
  }

  static Pod pod(String phase, ContainerState step, ContainerState release) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .withContainerStatuses(step == null ? List.of() : List.of(status(STEP, step)))
        .withEphemeralContainerStatuses(
            release == null
                ? List.of(status("pitstop-release-1-other", terminated(0, "Completed", null)))
                : List.of(
                    status("pitstop-release-1-other", terminated(0, "Completed", null)),
                    status(NAME, release)))
        .endStatus()
        .build();
  }

  static Verdict decide(Pod p) {
    return ReleaseContainerStatus.decide(p, NAME, STEP);
  }

  @Test
  void exitZeroReleases() {
    assertThat(decide(pod("Running", running(), terminated(0, "Completed", null))))
        .isInstanceOf(Verdict.Released.class)
        .extracting(Verdict::status)
        .asString()
        .contains("exit code 0");
  }

  @Test
  void aNonZeroExitFailsNamingCodeReasonAndMessage() {
    Verdict v =
        decide(pod("Running", running(), terminated(1, "Error", "touch: read-only file system\n")));
    assertThat(v).isInstanceOf(Verdict.Failed.class);
    assertThat(v.status())
        .isEqualTo("terminated with exit code 1 (Error): touch: read-only file system");
  }

  @Test
  void imagePullAndCreationErrorsFail() {
    for (String reason :
        List.of(
            "ErrImagePull",
            "ImagePullBackOff",
            "InvalidImageName",
            "CreateContainerError",
            "CreateContainerConfigError",
            "RunContainerError")) {
      Verdict v = decide(pod("Running", running(), waiting(reason, "failed to pull \"x\"")));
      assertThat(v).as(reason).isInstanceOf(Verdict.Failed.class);
      assertThat(v.status()).isEqualTo("waiting (" + reason + ": failed to pull \"x\")");
    }
  }

  @Test
  void noStatusCreatingOrRunningIsPending() {
    assertThat(decide(pod("Running", running(), null)))
        .isEqualTo(new Verdict.Pending("no status reported yet"));
    assertThat(decide(pod("Running", running(), waiting("ContainerCreating", null))))
        .isEqualTo(new Verdict.Pending("waiting (ContainerCreating)"));
    assertThat(decide(pod("Running", running(), running())))
        .isEqualTo(new Verdict.Pending("running"));
    Pod bare = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
    assertThat(decide(bare)).isInstanceOf(Verdict.Pending.class);
  }

  @Test
  void theStepsContainerTerminatedMeansTheStepWentOn() {
    assertThat(decide(pod("Running", terminated(0, "Completed", null), null)))
        .isInstanceOf(Verdict.Released.class)
        .extracting(Verdict::status)
        .asString()
        .contains(STEP);
    // ... even when the release container's own status has not caught up (still running).
    assertThat(decide(pod("Running", terminated(1, "Error", null), running())))
        .isInstanceOf(Verdict.Released.class);
  }

  @Test
  void aGoneOrEndedPodFails() {
    assertThat(decide(null)).isEqualTo(new Verdict.Failed("the Pod is gone"));
    assertThat(decide(pod("Failed", null, null)))
        .isEqualTo(new Verdict.Failed("the Pod has ended (phase Failed)"));
  }

  @Test
  void otherContainersStatusesAreNotTakenForThisOne() {
    // Another release container terminated 0 (an earlier command); this one failed to pull.
    Verdict v = decide(pod("Running", running(), waiting("ErrImagePull", null)));
    assertThat(v).isEqualTo(new Verdict.Failed("waiting (ErrImagePull)"));
  }

  @Test
  void longMessagesAreBounded() {
    Verdict v = decide(pod("Running", running(), terminated(2, "Error", "x".repeat(10_000))));
    assertThat(v.status().length()).isLessThan(ReleaseContainerStatus.MAX_MESSAGE + 100);
  }
}
