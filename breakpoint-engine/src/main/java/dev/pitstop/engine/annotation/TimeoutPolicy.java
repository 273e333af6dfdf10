package dev.pitstop.engine.annotation;

/**
 * What the engine does when a breakpoint's {@code debug.timeout} (TEP-0097) is reached while a step
 * is still paused or a task still held. Written in the annotation as {@code continue}, {@code
 * fail-continue} or {@code leave}.
 */
public enum TimeoutPolicy {
  /** Release as a person's {@code continue} would (the step goes on; the held task starts). */
  CONTINUE("continue"),
  /** Release as {@code fail-continue} (the step fails; the held task is cancelled). */
  FAIL_CONTINUE("fail-continue"),
  /** Do nothing but say so: Tekton's own timeouts decide. */
  LEAVE("leave");

  private final String json;

  TimeoutPolicy(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  /** The policy spelled {@code text}, or null. */
  public static TimeoutPolicy of(String text) {
    for (TimeoutPolicy p : values()) {
      if (p.json.equals(text)) {
        return p;
      }
    }
    return null;
  }
}
