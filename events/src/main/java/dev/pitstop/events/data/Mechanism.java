package dev.pitstop.events.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a step came to wait: Tekton's two TaskRun breakpoints (tekton-facts.md §1–2). Written in JSON
 * as {@code onFailure} and {@code beforeSteps}.
 */
public enum Mechanism {
  /**
   * The step's command failed; released by {@code debug-continue} / {@code debug-fail-continue}.
   */
  ON_FAILURE("onFailure", "debug-continue", "debug-fail-continue"),
  /**
   * The step waits before running; released by {@code debug-beforestep-continue} / {@code
   * -fail-continue}.
   */
  BEFORE_STEPS("beforeSteps", "debug-beforestep-continue", "debug-beforestep-fail-continue");

  private final String json;
  private final String continueScript;
  private final String failContinueScript;

  Mechanism(String json, String continueScript, String failContinueScript) {
    this.json = json;
    this.continueScript = continueScript;
    this.failContinueScript = failContinueScript;
  }

  @JsonValue
  public String json() {
    return json;
  }

  /**
   * @throws IllegalArgumentException for any other value than {@code onFailure} or {@code
   *     beforeSteps}
   */
  @JsonCreator
  public static Mechanism of(String json) {
    for (Mechanism m : values()) {
      if (m.json.equals(json)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown breakpoint mechanism \"" + json + "\"");
  }

  /**
   * The path of Tekton's script that releases the step for this action, in {@code
   * /tekton/debug/scripts/}.
   */
  public String script(Action action) {
    return "/tekton/debug/scripts/"
        + (action == Action.CONTINUE ? continueScript : failContinueScript);
  }
}
