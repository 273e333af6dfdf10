package dev.pitstop.tekton;

import dev.pitstop.tekton.model.Step;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * How Tekton names what it creates (tekton-facts.md §3): child TaskRuns {@code
 * <pipelinerun>-<pipelinetask>}, Pods {@code <taskrun>-pod}, step containers {@code step-<name>}.
 */
public final class TektonNames {
  /** Longest Kubernetes object name Tekton generates (a DNS-1123 label). */
  public static final int MAX_NAME = 63;

  private static final int MD5_HEX = 32;
  private static final int HEAD = MAX_NAME - MD5_HEX;

  public static final String STEP_PREFIX = "step-";
  public static final String SIDECAR_PREFIX = "sidecar-";

  private TektonNames() {}

  /**
   * Knative's {@code kmeta.ChildName(parent, suffix)}: {@code parent + suffix} when that fits in 63
   * characters, else a truncated parent followed by an MD5 hash. Source: {@code
   * knative.dev/pkg/kmeta/names.go}.
   */
  public static String childName(String parent, String suffix) {
    if (parent.length() <= MAX_NAME - suffix.length()) {
      return parent + suffix;
    }
    if (HEAD - suffix.length() <= 0) {
      String head = parent.length() > HEAD ? parent.substring(0, HEAD) : parent;
      String ret = head + md5Hex(parent + suffix);
      int d = MAX_NAME - ret.length();
      if (d > 0) {
        ret += suffix.substring(0, d);
      }
      return ret.replaceAll("-+$", "");
    }
    return parent.substring(0, HEAD - suffix.length()) + md5Hex(parent) + suffix;
  }

  /** Name of the TaskRun a PipelineRun creates for a PipelineTask (no matrix). */
  public static String childTaskRunName(String pipelineRunName, String pipelineTaskName) {
    return childName(pipelineRunName, "-" + pipelineTaskName);
  }

  /**
   * Name of the {@code index}-th (0-based) TaskRun of a matrixed PipelineTask: {@code
   * <pipelinerun>-<pipelinetask>-<index>}, shortened as {@link #childTaskRunName} is (Tekton {@code
   * pkg/reconciler/pipelinerun/resources}, {@code kmeta.ChildName(pr, "-task-i")}).
   */
  public static String matrixChildTaskRunName(
      String pipelineRunName, String pipelineTaskName, int index) {
    return childName(pipelineRunName, "-" + pipelineTaskName + "-" + index);
  }

  /** Name of a TaskRun's Pod: {@code <taskrun>-pod}, on retry N {@code <taskrun>-pod-retryN}. */
  public static String podName(String taskRunName, int retry) {
    return childName(taskRunName, retry == 0 ? "-pod" : "-pod-retry" + retry);
  }

  /**
   * Step names in container order: the declared name, or {@code unnamed-<i>} for an unnamed step
   * (Tekton {@code pkg/pod/pod.go}, {@code StepName}).
   */
  public static String stepName(Step step, int index) {
    return step.name == null || step.name.isEmpty() ? "unnamed-" + index : step.name;
  }

  /** The container running step {@code index}: {@code step-<name>} or {@code step-unnamed-<i>}. */
  public static String stepContainer(Step step, int index) {
    return STEP_PREFIX + stepName(step, index);
  }

  /** The step names of a list of steps, in order. */
  public static List<String> stepNames(List<Step> steps) {
    return java.util.stream.IntStream.range(0, steps.size())
        .mapToObj(i -> stepName(steps.get(i), i))
        .toList();
  }

  /** The step name of a step container name ({@code step-build} → {@code build}). */
  public static String stepNameOfContainer(String container) {
    return container.startsWith(STEP_PREFIX)
        ? container.substring(STEP_PREFIX.length())
        : container;
  }

  private static String md5Hex(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required by every JDK", e);
    }
  }
}
