package dev.pitstop.bench.e2e;

import java.util.Locale;

/**
 * The PipelineRuns part 1 creates: {@code K} pipelineTasks of two steps each ({@code build}, {@code
 * test}), a chain {@code t0 → t1 → ... → t(K-2)} with {@code t(K-1)} a parallel branch after {@code
 * t0}. A pausing run carries the annotation {@code pitstop.dev/breakpoints: {"beforeSteps":
 * ["t0/test"]}} (docs/breakpoints.md), so its first task's second step waits once before it runs.
 */
public final class BenchRuns {
  /** The pipelineTask and step a pausing run waits at. */
  public static final String PAUSE_TASK = "t0";

  public static final String PAUSE_STEP = "test";

  /** How warm-up runs' names begin ({@code warmup-0000}); measured runs' begin {@code bench-}. */
  public static final String WARMUP_PREFIX = "warmup-";

  private BenchRuns() {}

  /** The name of run {@code i} (0-based), e.g. {@code bench-0007}. */
  public static String name(int i) {
    return String.format(Locale.ROOT, "bench-%04d", i);
  }

  /**
   * Whether run {@code i} of {@code n} pauses: {@code floor(n × share)} runs do, spread evenly (run
   * {@code i} pauses when {@code floor((i+1)·share) > floor(i·share)}).
   */
  public static boolean pauses(int i, double share) {
    return Math.floor((i + 1) * share + 1e-9) > Math.floor(i * share + 1e-9);
  }

  /** How many of {@code n} runs pause. */
  public static int pausing(int n, double share) {
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (pauses(i, share)) c++;
    }
    return c;
  }

  /** The name of warm-up run {@code i} (0-based), e.g. {@code warmup-0001}. */
  public static String warmupName(int i) {
    return String.format(Locale.ROOT, "%s%04d", WARMUP_PREFIX, i);
  }

  /** Whether {@code runName} is a warm-up run's. */
  public static boolean isWarmup(String runName) {
    return runName.startsWith(WARMUP_PREFIX);
  }

  /** The YAML of run {@code i}. */
  public static String yaml(int i, int tasks, boolean pauses) {
    return yaml(name(i), tasks, pauses);
  }

  /** The YAML of the run named {@code name}, shaped as the class describes. */
  public static String yaml(String name, int tasks, boolean pauses) {
    if (tasks < 1) throw new IllegalArgumentException("tasks must be >= 1, was " + tasks);
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: ")
        .append(name)
        .append('\n');
    if (pauses) {
      y.append("  annotations:\n    pitstop.dev/breakpoints: '{\"beforeSteps\": [\"")
          .append(PAUSE_TASK)
          .append('/')
          .append(PAUSE_STEP)
          .append("\"]}'\n");
    }
    y.append("spec:\n  pipelineSpec:\n    tasks:\n");
    for (int t = 0; t < tasks; t++) {
      y.append("      - name: t").append(t).append('\n');
      String after = null;
      if (t > 0 && t < tasks - 1) after = "t" + (t - 1);
      else if (t > 0) after = "t0";
      if (after != null) y.append("        runAfter: [").append(after).append("]\n");
      y.append("        taskSpec:\n          steps:\n")
          .append("            - {name: build, image: alpine, script: echo build}\n")
          .append("            - {name: ")
          .append(PAUSE_STEP)
          .append(", image: alpine, script: echo test}\n");
    }
    return y.toString();
  }
}
