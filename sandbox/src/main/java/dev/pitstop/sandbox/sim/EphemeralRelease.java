package dev.pitstop.sandbox.sim;

import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an ephemeral container added to a simulated TaskRun Pod writes, read from its spec: the
 * sandbox runs no images, so it interprets the container's {@code command} + {@code args} (joined
 * with spaces) against the {@code tekton-internal-run-<i>} volumes the container mounts. With
 * {@code M} the mount path of run volume {@code i}, the recognised writes are exactly those of
 * Tekton's debug scripts (tekton-facts.md §2):
 *
 * <ul>
 *   <li>{@code echo N > M/out.breakpointexit} (or {@code printf N > ...}; N an integer, optionally
 *       quoted): step {@code i} paused on failure goes on — N = 0 as {@code debug-continue}, else
 *       as {@code debug-fail-continue};
 *   <li>{@code M/out.beforestepexit.err} named anywhere (e.g. {@code touch
 *       M/out.beforestepexit.err}): step {@code i} paused before it is skipped, as {@code
 *       debug-beforestep-fail-continue};
 *   <li>{@code M/out.beforestepexit} named anywhere (not followed by {@code .err}): step {@code i}
 *       paused before it runs, as {@code debug-beforestep-continue}.
 * </ul>
 *
 * E.g. {@code command: [sh, -c], args: ["touch /tekton/run/1/out && echo 0 >
 * /tekton/run/1/out.breakpointexit"]} with {@code volumeMounts: [{name: tekton-internal-run-1,
 * mountPath: /tekton/run/1}]}. Environment variables are not interpreted. The image decides only
 * whether the container runs at all ({@link #fate}). Pure.
 */
final class EphemeralRelease {
  private static final Pattern RUN_VOLUME = Pattern.compile("^tekton-internal-run-(\\d{1,3})$");

  /**
   * One recognised write.
   *
   * @param step the step index (of the run volume)
   * @param beforeStep true for a beforeSteps decision, false for onFailure
   * @param continueStep true to continue, false to fail-continue
   */
  record Write(int step, boolean beforeStep, boolean continueStep) {}

  private static final Pattern EXIT = Pattern.compile("exit-(\\d{1,3})");

  /**
   * What becomes of an ephemeral container, from its image (a switch for tests; no image is run).
   *
   * @param pullFails the image cannot be pulled: it waits {@code ErrImagePull} for ever and writes
   *     nothing
   * @param exitCode the exit code it terminates with; anything but 0 writes nothing
   */
  record Fate(boolean pullFails, int exitCode) {
    boolean writes() {
      return !pullFails && exitCode == 0;
    }
  }

  /**
   * The fate of a container of {@code image}: an image containing {@code pull-fails} (e.g. {@code
   * registry.invalid/pull-fails:1}) cannot be pulled; one containing {@code exit-<N>} (e.g. {@code
   * busybox:exit-1}) exits with code N (0 ... 255) writing nothing; any other exits 0 after its
   * writes.
   */
  static Fate fate(String image) {
    String i = image == null ? "" : image;
    if (i.contains("pull-fails")) {
      return new Fate(true, 0);
    }
    Matcher m = EXIT.matcher(i);
    if (m.find()) {
      return new Fate(false, Math.min(255, Integer.parseInt(m.group(1))));
    }
    return new Fate(false, 0);
  }

  private EphemeralRelease() {}

  static List<Write> writes(EphemeralContainer c) {
    List<String> words = new ArrayList<>();
    if (c.getCommand() != null) {
      words.addAll(c.getCommand());
    }
    if (c.getArgs() != null) {
      words.addAll(c.getArgs());
    }
    String text = String.join(" ", words);
    if (text.length() > 10_000) {
      text = text.substring(0, 10_000);
    }
    List<Write> out = new ArrayList<>();
    for (VolumeMount m :
        c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
      Matcher v = RUN_VOLUME.matcher(m.getName() == null ? "" : m.getName());
      if (!v.matches() || m.getMountPath() == null) {
        continue;
      }
      int step = Integer.parseInt(v.group(1));
      String mount = Pattern.quote(m.getMountPath().replaceAll("/+$", ""));
      Matcher exit =
          Pattern.compile(
                  "(?:echo|printf)\\s+['\"]?(-?\\d+)['\"]?\\s*>\\s*"
                      + mount
                      + "/out\\.breakpointexit")
              .matcher(text);
      if (exit.find()) {
        out.add(new Write(step, false, Integer.parseInt(exit.group(1)) == 0));
      }
      if (Pattern.compile(mount + "/out\\.beforestepexit\\.err").matcher(text).find()) {
        out.add(new Write(step, true, false));
      } else if (Pattern.compile(mount + "/out\\.beforestepexit(?![.\\w])").matcher(text).find()) {
        out.add(new Write(step, true, true));
      }
    }
    return out;
  }
}
