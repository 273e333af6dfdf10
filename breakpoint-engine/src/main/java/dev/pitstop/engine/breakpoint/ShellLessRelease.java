package dev.pitstop.engine.breakpoint;

import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.Mechanism;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Releasing a paused step whose image has no shell, as values (pure). Tekton's four debug scripts
 * are {@code #!/bin/sh} scripts exec'd in the paused step's container, so in a distroless image
 * (e.g. {@code gcr.io/kaniko-project/executor}) the exec fails. What a script does is write a file
 * in the step's run directory {@code /tekton/run/<i>}, the {@code emptyDir} volume {@code
 * tekton-internal-run-<i>} (Tekton {@code pkg/pod/entrypoint.go}, {@code pkg/pod/script.go};
 * tekton-facts.md §2). Another container that mounts that volume can write the same file: an
 * ephemeral container added through the Pod's {@code ephemeralcontainers} subresource.
 *
 * <p>The writes, for step {@code i} and {@code M = /tekton/run/<i>}, are those of the scripts:
 *
 * <table>
 *   <caption>what is written</caption>
 *   <tr><th>mechanism</th><th>continue</th><th>fail-continue</th></tr>
 *   <tr><td>onFailure</td><td>{@code touch M/out && echo 0 > M/out.breakpointexit}
 *       ({@code debug-continue})</td><td>{@code touch M/out.err && echo 1 > M/out.breakpointexit}
 *       ({@code debug-fail-continue})</td></tr>
 *   <tr><td>beforeSteps</td><td>{@code echo 0 > M/out.beforestepexit} ({@code
 *       debug-beforestep-continue})</td><td>{@code echo 1 > M/out.beforestepexit.err} ({@code
 *       debug-beforestep-fail-continue})</td></tr>
 * </table>
 */
public final class ShellLessRelease {
  /** Tekton's run directory of step {@code i} is {@value}{@code <i>}. */
  public static final String RUN_DIR = "/tekton/run/";

  /** Tekton's run volume of step {@code i} is {@value}{@code <i>}. */
  public static final String RUN_VOLUME = "tekton-internal-run-";

  /** The prefix of the ephemeral containers' names. */
  public static final String NAME_PREFIX = "pitstop-release-";

  /** The highest step index handled (a Task with more steps is not one a person debugs). */
  public static final int MAX_STEP_INDEX = 999;

  /**
   * The user and group the ephemeral container runs as (non-root; the {@code nobody} of
   * distroless).
   */
  public static final long RUN_AS = 65_532L;

  /** Kubernetes' limit on a container name (a DNS-1123 label). */
  static final int MAX_NAME = 63;

  private static final Pattern IMAGE =
      Pattern.compile(
          "(?:[a-zA-Z0-9][a-zA-Z0-9.-]*(?::[0-9]{1,5})?/)?"
              + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
              + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
              + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
              + "(?:@sha256:[a-f0-9]{64})?");

  private ShellLessRelease() {}

  /**
   * Whether a failed release exec failed because the step's container cannot run Tekton's {@code
   * #!/bin/sh} script: exit 126 or 127 (the container runtime could not start the command), or an
   * error saying {@code executable file not found}; never when the container itself is gone ({@code
   * container not found}: the step or Pod ended).
   */
  public static boolean noShell(ExecOutcome o) {
    if (o.succeeded()) {
      return false;
    }
    String err = o.stderr().toLowerCase(Locale.ROOT);
    if (err.contains("container not found")) {
      return false;
    }
    return o.exitCode() == 126 || o.exitCode() == 127 || err.contains("executable file not found");
  }

  /**
   * The ephemeral container's name for one release attempt: {@code pitstop-release-<i>-<h>} with
   * {@code h} the first 12 hex digits of SHA-256 over the TaskRun's uid, the step and the command's
   * id. Deterministic (the same command always gets the same name, so a repeat finds the container
   * it added: ephemeral containers cannot be removed, and a name is unique in a Pod) and unique per
   * attempt (another command gets another name). At most 63 characters.
   *
   * @param taskRunUid the TaskRun's uid (null is hashed as empty)
   * @param step the step name
   * @param stepIndex the step index, 0 ... {@value #MAX_STEP_INDEX}
   * @param commandId the command's {@code requestId}
   * @throws IllegalArgumentException for a step index out of range
   */
  public static String containerName(
      String taskRunUid, String step, int stepIndex, String commandId) {
    checkIndex(stepIndex);
    String h =
        sha256(
            (taskRunUid == null ? "" : taskRunUid)
                + "\n"
                + step
                + "\n"
                + stepIndex
                + "\n"
                + commandId);
    String name = NAME_PREFIX + stepIndex + "-" + h.substring(0, 12);
    return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
  }

  /**
   * The shell command writing what Tekton's script for {@code mechanism} and {@code action} writes
   * for step {@code stepIndex} (see the table above).
   *
   * @throws IllegalArgumentException for a step index out of range
   */
  public static String script(Mechanism mechanism, Action action, int stepIndex) {
    checkIndex(stepIndex);
    String m = RUN_DIR + stepIndex;
    boolean cont = action == Action.CONTINUE;
    return switch (mechanism) {
      case ON_FAILURE ->
          cont
              ? "touch " + m + "/out && echo 0 > " + m + "/out.breakpointexit"
              : "touch " + m + "/out.err && echo 1 > " + m + "/out.breakpointexit";
      case BEFORE_STEPS ->
          cont
              ? "echo 0 > " + m + "/out.beforestepexit"
              : "echo 1 > " + m + "/out.beforestepexit.err";
    };
  }

  /**
   * The ephemeral container releasing step {@code stepIndex}: image {@code image} running {@code sh
   * -c <script>}, mounting volume {@code tekton-internal-run-<i>} at {@code /tekton/run/<i>} (read
   * and write; no other volume), targeting the paused step's container (so it shows next to it),
   * with a restricted security context: non-root ({@value #RUN_AS}), no privilege escalation, every
   * capability dropped, a read-only root file system and the runtime's default seccomp profile (the
   * Pod Security Standard {@code restricted}). The image needs {@code sh}, {@code touch} and {@code
   * echo} (busybox has them). Ephemeral containers take no resources, ports or probes.
   *
   * @param image the image, e.g. {@code busybox:1.36.1}
   * @param name from {@link #containerName}
   * @param targetContainer the paused step's container, {@code step-<name>}
   * @throws IllegalArgumentException for a step index out of range
   */
  public static EphemeralContainer spec(
      String image,
      String name,
      String targetContainer,
      Mechanism mechanism,
      Action action,
      int stepIndex) {
    String script = script(mechanism, action, stepIndex);
    return new EphemeralContainerBuilder()
        .withName(name)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withCommand("sh", "-c")
        .withArgs(script)
        .withTargetContainerName(targetContainer)
        .addNewVolumeMount()
        .withName(RUN_VOLUME + stepIndex)
        .withMountPath(RUN_DIR + stepIndex)
        .endVolumeMount()
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withSecurityContext(
            new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS)
                .withRunAsGroup(RUN_AS)
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop(List.of("ALL"))
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build())
        .build();
  }

  /**
   * Whether {@code image} is an image reference pinned by a tag or a digest ({@code
   * [registry[:port]/]path[:tag][@sha256:<64 hex>]}, at most 255 characters), and not {@code
   * :latest}.
   */
  public static boolean isPinnedImage(String image) {
    if (image == null || image.length() > 255 || !IMAGE.matcher(image).matches()) {
      return false;
    }
    String last = image.substring(image.lastIndexOf('/') + 1);
    boolean digest = image.contains("@sha256:");
    String tag = last.contains(":") ? last.substring(last.indexOf(':') + 1) : null;
    if (tag != null && tag.contains("@")) {
      tag = tag.substring(0, tag.indexOf('@'));
    }
    return digest || (tag != null && !tag.equals("latest"));
  }

  private static void checkIndex(int stepIndex) {
    if (stepIndex < 0 || stepIndex > MAX_STEP_INDEX) {
      throw new IllegalArgumentException(
          "step index " + stepIndex + " is out of range [0, " + MAX_STEP_INDEX + "]");
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
