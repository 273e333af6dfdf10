package dev.pitstop.engine.api;

import dev.pitstop.events.data.Action;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The request paths of {@link BreakpointApi}'s release endpoints, for its clients (the demo's
 * auto-continue, the bench): one place that spells the routes the API serves.
 */
public final class ApiPaths {
  private ApiPaths() {}

  /**
   * {@code /v1/breakpoints/{namespace}/{taskRun}/{step}/{continue|fail-continue}}: release a step
   * paused at a breakpoint.
   *
   * @param step the step's name as in the TaskRun (not its container name)
   */
  public static String breakpoint(String namespace, String taskRun, String step, Action action) {
    return "/v1/breakpoints/"
        + enc(namespace)
        + "/"
        + enc(taskRun)
        + "/"
        + enc(step)
        + "/"
        + action.json();
  }

  /**
   * {@code /v1/holds/{namespace}/{taskRun}/{continue|fail-continue}}: release a TaskRun held by a
   * {@code beforeTasks} breakpoint.
   */
  public static String hold(String namespace, String taskRun, Action action) {
    return "/v1/holds/" + enc(namespace) + "/" + enc(taskRun) + "/" + action.json();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
