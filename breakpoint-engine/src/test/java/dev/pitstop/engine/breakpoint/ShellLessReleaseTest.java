package dev.pitstop.engine.breakpoint;

import static dev.pitstop.events.data.Action.CONTINUE;
import static dev.pitstop.events.data.Action.FAIL_CONTINUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.events.data.Mechanism;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShellLessReleaseTest {
  static final BreakpointKey KEY = new BreakpointKey("ci", "kaniko", "build");

  @Test
  void onFailureContinueTouchesOutAndWritesExitZeroAsDebugContinue() {
    assertThat(ShellLessRelease.script(Mechanism.ON_FAILURE, CONTINUE, 2))
        .isEqualTo("touch /tekton/run/2/out && echo 0 > /tekton/run/2/out.breakpointexit");
  }

  @Test
  void onFailureFailContinueTouchesOutErrAndWritesExitOneAsDebugFailContinue() {
    assertThat(ShellLessRelease.script(Mechanism.ON_FAILURE, FAIL_CONTINUE, 0))
        .isEqualTo("touch /tekton/run/0/out.err && echo 1 > /tekton/run/0/out.breakpointexit");
  }

  @Test
  void beforeStepsWritesBeforestepexitOrItsErrFile() {
    assertThat(ShellLessRelease.script(Mechanism.BEFORE_STEPS, CONTINUE, 3))
        .isEqualTo("echo 0 > /tekton/run/3/out.beforestepexit");
    assertThat(ShellLessRelease.script(Mechanism.BEFORE_STEPS, FAIL_CONTINUE, 3))
        .isEqualTo("echo 1 > /tekton/run/3/out.beforestepexit.err");
  }

  @Test
  void specMountsOnlyTheStepsRunVolumeAtTektonsPathAndRunsTheScriptWithSh() {
    for (int i : new int[] {0, 1, 7, 999}) {
      EphemeralContainer c =
          ShellLessRelease.spec(
              "busybox:1.36.1",
              "pitstop-release-x",
              "step-build",
              Mechanism.ON_FAILURE,
              CONTINUE,
              i);
      assertThat(c.getVolumeMounts())
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.getName()).isEqualTo("tekton-internal-run-" + i);
                assertThat(m.getMountPath()).isEqualTo("/tekton/run/" + i);
                assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
              });
      assertThat(c.getCommand()).containsExactly("sh", "-c");
      assertThat(c.getArgs())
          .containsExactly(ShellLessRelease.script(Mechanism.ON_FAILURE, CONTINUE, i));
      assertThat(c.getImage()).isEqualTo("busybox:1.36.1");
      assertThat(c.getName()).isEqualTo("pitstop-release-x");
      assertThat(c.getTargetContainerName()).isEqualTo("step-build");
    }
  }

  @Test
  void specRunsRestricted() {
    SecurityContext sc =
        ShellLessRelease.spec(
                "busybox:1.36.1", "n", "step-build", Mechanism.BEFORE_STEPS, FAIL_CONTINUE, 1)
            .getSecurityContext();
    assertThat(sc.getRunAsNonRoot()).isTrue();
    assertThat(sc.getRunAsUser()).isEqualTo(65_532L);
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getPrivileged()).isFalse();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void stepIndexOutOfRangeIsRefused() {
    assertThatThrownBy(() -> ShellLessRelease.script(Mechanism.ON_FAILURE, CONTINUE, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShellLessRelease.containerName("u", "s", 1000, "c"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void containerNamesAreDeterministicUniquePerCommandAndValidDns1123Labels() {
    Random random = new Random(20261121L);
    Set<String> names = new HashSet<>();
    for (int n = 0; n < 2_000; n++) {
      String uid = UUID.nameUUIDFromBytes(("run" + random.nextInt(50)).getBytes()).toString();
      String step = "s".repeat(1 + random.nextInt(63));
      int index = random.nextInt(ShellLessRelease.MAX_STEP_INDEX + 1);
      String command = new UUID(random.nextLong(), random.nextLong()).toString();
      String name = ShellLessRelease.containerName(uid, step, index, command);
      assertThat(name).isEqualTo(ShellLessRelease.containerName(uid, step, index, command));
      assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
      assertThat(name).startsWith("pitstop-release-" + index + "-");
      assertThat(names.add(name)).as("unique: %s", name).isTrue();
    }
  }

  @Test
  void noShellIsExit126Or127OrExecutableNotFoundButNeverAGoneContainer() {
    assertThat(ShellLessRelease.noShell(new ExecOutcome(KEY, "c", 127, "sh: not found"))).isTrue();
    assertThat(ShellLessRelease.noShell(new ExecOutcome(KEY, "c", 126, ""))).isTrue();
    assertThat(
            ShellLessRelease.noShell(
                new ExecOutcome(
                    KEY,
                    "c",
                    ExecOutcome.NOT_RUN,
                    "exec: \"/bin/sh\": executable file not found in $PATH")))
        .isTrue();
    assertThat(
            ShellLessRelease.noShell(
                new ExecOutcome(KEY, "c", 126, "container not found (\"step-build\")")))
        .isFalse();
    assertThat(ShellLessRelease.noShell(new ExecOutcome(KEY, "c", 1, "failed"))).isFalse();
    assertThat(ShellLessRelease.noShell(new ExecOutcome(KEY, "c", 0, ""))).isFalse();
    assertThat(ShellLessRelease.noShell(new ExecOutcome(KEY, "c", ExecOutcome.NOT_RUN, "timeout")))
        .isFalse();
  }

  @Test
  void onlyImagesPinnedByTagOrDigestAreAccepted() {
    String digest = "@sha256:" + "a".repeat(64);
    assertThat(ShellLessRelease.isPinnedImage("busybox:1.36.1")).isTrue();
    assertThat(ShellLessRelease.isPinnedImage("registry.local:5000/tools/busybox:1.36")).isTrue();
    assertThat(ShellLessRelease.isPinnedImage("docker.io/library/busybox" + digest)).isTrue();
    assertThat(ShellLessRelease.isPinnedImage("busybox:1.36.1" + digest)).isTrue();
    assertThat(ShellLessRelease.isPinnedImage("busybox")).isFalse();
    assertThat(ShellLessRelease.isPinnedImage("busybox:latest")).isFalse();
    assertThat(ShellLessRelease.isPinnedImage("registry.local:5000/busybox")).isFalse();
    assertThat(ShellLessRelease.isPinnedImage("Busybox:1")).isFalse();
    assertThat(ShellLessRelease.isPinnedImage("busybox:1 ; rm -rf /")).isFalse();
    assertThat(ShellLessRelease.isPinnedImage("")).isFalse();
    assertThat(ShellLessRelease.isPinnedImage(null)).isFalse();
  }
}
