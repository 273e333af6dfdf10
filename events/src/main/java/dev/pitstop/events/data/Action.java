package dev.pitstop.events.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a release does: {@code continue} (the step goes on as if it passed) or {@code
 * fail-continue}.
 */
public enum Action {
  CONTINUE("continue"),
  FAIL_CONTINUE("fail-continue");

  private final String json;

  Action(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }

  /**
   * @throws IllegalArgumentException for any other value than {@code continue} or {@code
   *     fail-continue}
   */
  @JsonCreator
  public static Action of(String json) {
    for (Action a : values()) {
      if (a.json.equals(json)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown action \"" + json + "\": expected continue or fail-continue");
  }
}
