package dev.pitstop.cli;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pitstop continue} / {@code pitstop fail-continue}: release a paused step ({@code
 * NS/TASKRUN/STEP}) or a held task ({@code NS/TASKRUN}) through the engine's API, then poll {@code
 * GET /v1/commands/{id}} until decided and print the outcome. Exit 0 when carried out, 1 when
 * rejected or failed, 2 on bad usage, 3 when still pending at {@code --wait}.
 */
abstract class ReleaseCommand implements Callable<Integer> {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  @Mixin EngineOptions engine;

  @Parameters(
      index = "0",
      paramLabel = "NS/TASKRUN[/STEP]",
      description = "A paused step (namespace/taskrun/step) or a held task (namespace/taskrun).")
  String target;

  @Option(
      names = "--wait",
      defaultValue = "30s",
      description = "How long to wait for the outcome (default ${DEFAULT-VALUE}).")
  String waitFor;

  abstract String action();

  @Override
  public Integer call() throws Exception {
    String[] parts = target.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || !LABEL.matcher(parts[0]).matches()) {
      System.err.println(
          "pitstop " + action() + ": expected NS/TASKRUN/STEP or NS/TASKRUN, got " + target);
      return 2;
    }
    Duration wait;
    try {
      wait = dev.pitstop.tekton.GoDuration.parse(waitFor);
    } catch (IllegalArgumentException e) {
      System.err.println("pitstop " + action() + ": --wait " + waitFor + " is not a duration");
      return 2;
    }
    EngineClient c = engine.client();
    if (c == null) {
      return 2;
    }
    String path =
        parts.length == 3
            ? "v1/breakpoints/" + parts[0] + "/" + parts[1] + "/" + parts[2] + "/" + action()
            : "v1/holds/" + parts[0] + "/" + parts[1] + "/" + action();
    try {
      // The engine waits for the decision of the instance owning the run: 200 with the outcome,
      // or 202 (status pending) when it did not come in time; refusals are 4xx/5xx (thrown).
      JsonObject answer = c.post(path);
      String id = answer.getString("commandId");
      if ("continued".equals(answer.getString("status"))) {
        System.out.println(
            action()
                + " of "
                + target
                + " done (command "
                + id
                + "): "
                + answer.getString("message"));
        return 0;
      }
      System.out.println(
          action()
              + " of "
              + target
              + " accepted (command "
              + id
              + "); the engine has not decided yet, waiting up to "
              + waitFor);
      long deadline = System.nanoTime() + wait.toNanos();
      long pollMs = 100;
      while (true) {
        JsonObject o = c.get("v1/commands/" + id);
        String status = o.getString("status");
        if ("continued".equals(status)) {
          System.out.println("done: " + o.getString("message"));
          return 0;
        }
        if ("rejected".equals(status)) {
          System.out.println("rejected (" + o.getString("reason") + "): " + o.getString("message"));
          return 1;
        }
        if (System.nanoTime() > deadline) {
          System.out.println(
              "still pending after " + waitFor + "; ask again: GET /v1/commands/" + id);
          return 3;
        }
        Thread.sleep(pollMs); // a CLI waiting for a person's command: polling is the API
        pollMs = Math.min(1_000, pollMs * 2);
      }
    } catch (EngineClient.EngineException e) {
      System.err.println("pitstop " + action() + ": " + e.getMessage());
      return 1;
    }
  }

  /** {@code pitstop continue}. */
  @Command(
      name = "continue",
      mixinStandardHelpOptions = true,
      description = "Continue a paused step (NS/TASKRUN/STEP) or start a held task (NS/TASKRUN).")
  static final class Continue extends ReleaseCommand {
    @Override
    String action() {
      return "continue";
    }
  }

  /** {@code pitstop fail-continue}. */
  @Command(
      name = "fail-continue",
      mixinStandardHelpOptions = true,
      description = {
        "Fail a paused step and continue (NS/TASKRUN/STEP), or cancel a held task (NS/TASKRUN):",
        "Tekton then treats the task as failed."
      })
  static final class FailContinue extends ReleaseCommand {
    @Override
    String action() {
      return "fail-continue";
    }
  }
}
