package dev.pitstop.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pitstop breakpoints}: what waits now, paused steps and held tasks. */
@Command(
    name = "breakpoints",
    mixinStandardHelpOptions = true,
    description = "List paused steps and held tasks known to the breakpoint engine.")
public final class BreakpointsCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Override
  public Integer call() throws Exception {
    EngineClient c = engine.client();
    if (c == null) {
      return 2;
    }
    try {
      JsonObject steps = c.get("v1/breakpoints");
      JsonObject holds = c.get("v1/holds");
      int n = 0;
      for (Object o : steps.getJsonArray("breakpoints")) {
        JsonObject b = (JsonObject) o;
        System.out.printf(
            "paused  %s/%s/%s  %s  %s since %s%n",
            b.getString("namespace"),
            b.getString("taskRun"),
            b.getString("step"),
            b.getString("mechanism"),
            b.getString("state"),
            b.getString("pausedAt"));
        n++;
      }
      for (Object o : holds.getJsonArray("holds")) {
        JsonObject h = (JsonObject) o;
        System.out.printf(
            "held    %s/%s  %s  %s since %s%n",
            h.getString("namespace"),
            h.getString("taskRun"),
            h.getString("cause"),
            h.getString("state"),
            h.getString("heldSince"));
        n++;
      }
      if (n == 0) {
        System.out.println("nothing waits");
      }
      return 0;
    } catch (EngineClient.EngineException e) {
      System.err.println("pitstop breakpoints: " + e.getMessage());
      return 1;
    }
  }
}
