package dev.pitstop.sandbox.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which simulated step containers have no shell, so that {@code kubectl exec} of Tekton's {@code
 * #!/bin/sh} debug scripts (or of anything else) fails there as on a cluster: exit 127, {@code OCI
 * runtime exec failed: ... executable file not found in $PATH} (tekton-facts.md §2).
 *
 * <p>A step is shell-less when its image names {@code distroless} anywhere (e.g. {@code
 * gcr.io/distroless/static}) or is {@code gcr.io/kaniko-project/executor} (any tag or digest), or
 * when the TaskRun's annotation {@value #ANNOTATION} lists its step name (comma-separated; {@code
 * *} for every step). The annotation reaches child TaskRuns from their PipelineRun.
 */
final class ShellLess {
  static final String ANNOTATION = "sandbox.pitstop.dev/no-shell";

  private ShellLess() {}

  static Set<String> annotatedSteps(Map<String, String> annotations) {
    String v = annotations == null ? null : annotations.get(ANNOTATION);
    if (v == null || v.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(v.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty() && s.length() <= 63)
        .limit(100)
        .collect(Collectors.toUnmodifiableSet());
  }

  static boolean isShellLess(String image, String stepName, Set<String> annotated) {
    if (annotated.contains("*") || annotated.contains(stepName)) {
      return true;
    }
    if (image == null) {
      return false;
    }
    String i = image.toLowerCase(Locale.ROOT);
    return i.contains("distroless")
        || i.equals("gcr.io/kaniko-project/executor")
        || i.startsWith("gcr.io/kaniko-project/executor:")
        || i.startsWith("gcr.io/kaniko-project/executor@");
  }
}
