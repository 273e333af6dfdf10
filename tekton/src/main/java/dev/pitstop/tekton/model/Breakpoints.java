package dev.pitstop.tekton.model;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code TaskRun.spec.debug.breakpoints} ({@code pkg/apis/pipeline/v1/taskrun_types.go}): {@code
 * onFailure} is {@code "enabled"} or absent; {@code beforeSteps} names Task steps (not containers).
 * Tekton's validator accepts {@code beforeSteps} only together with {@code onFailure: enabled}.
 */
public class Breakpoints extends Extensible {
  public static final String ENABLED = "enabled";

  public String onFailure;
  public List<String> beforeSteps = new ArrayList<>();

  /** True when {@code onFailure} is {@code "enabled"}. */
  public boolean onFailureEnabled() {
    return ENABLED.equals(onFailure);
  }
}
