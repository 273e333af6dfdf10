package dev.pitstop.sandbox.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A step the simulator makes fail: {@code TASK/STEP[=CODE]}, where TASK is the PipelineTask name
 * (label {@code tekton.dev/pipelineTask}) or {@code -} for a standalone TaskRun, STEP is the step
 * name (not the container name) and CODE the exit code (default 1). Same syntax for the {@code
 * --fail} option and the run annotation {@value #ANNOTATION} (comma-separated).
 *
 * @param task the PipelineTask name, or {@value #STANDALONE}
 * @param step the step name, e.g. {@code build} or {@code unnamed-0}
 * @param exitCode the exit code, not 0
 */
public record FailSpec(String task, String step, int exitCode) {
  /** Run annotation (on a TaskRun, or a PipelineRun whose annotations its TaskRuns inherit). */
  public static final String ANNOTATION = "sandbox.pitstop.dev/fail";

  /** The TASK of a TaskRun that no PipelineRun created. */
  public static final String STANDALONE = "-";

  public FailSpec {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(step, "step");
    if (exitCode == 0) {
      throw new IllegalArgumentException("a failing step needs a non-zero exit code");
    }
  }

  /**
   * Parses {@code TASK/STEP[=CODE]}.
   *
   * @throws IllegalArgumentException when the text does not have that shape
   */
  public static FailSpec parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash <= 0 || slash == t.length() - 1) {
      throw new IllegalArgumentException("fail spec \"" + text + "\" is not TASK/STEP[=CODE]");
    }
    String task = t.substring(0, slash);
    String rest = t.substring(slash + 1);
    int eq = rest.indexOf('=');
    if (eq < 0) {
      return new FailSpec(task, rest, 1);
    }
    try {
      return new FailSpec(task, rest.substring(0, eq), Integer.parseInt(rest.substring(eq + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("fail spec \"" + text + "\" has no integer CODE", e);
    }
  }

  /** Parses a comma-separated list (blank entries ignored); an empty or null text is empty. */
  public static List<FailSpec> parseList(String text) {
    List<FailSpec> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(parse(part));
      }
    }
    return out;
  }

  /** True when this spec names that step of that task. */
  public boolean matches(String taskName, String stepName) {
    return task.equals(taskName) && step.equals(stepName);
  }
}
