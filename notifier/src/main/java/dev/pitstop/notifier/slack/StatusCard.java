package dev.pitstop.notifier.slack;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status card of one run in one channel, as Slack Block Kit blocks (plain maps that serialize
 * to Slack's JSON). Pure: {@link #apply} folds a notable event into the card, {@link #blocks}
 * renders it. A paused step shows the run, task, step, breakpoint kind, the last log lines
 * (redacted, {@link LogRedactor}), the time left until the TaskRun's timeout and the {@code kubectl
 * exec} command, with Continue and Fail-and-continue buttons; once continued, the buttons give way
 * to "continued by &lt;user&gt;".
 *
 * @param run the root run (namespace/name)
 * @param state {@code running}, {@code paused}, {@code continued}, {@code succeeded}, {@code
 *     failed}
 * @param paused the pause shown, or null
 * @param continuedBy who released it, or null
 * @param finished the finish, or null
 */
public record StatusCard(
    RunRef run, String state, BreakpointPaused paused, String continuedBy, RunFinished finished) {
  /** {@code action_id} of the Continue button. */
  public static final String CONTINUE = "pitstop.continue";

  /** {@code action_id} of the Fail-and-continue button. */
  public static final String FAIL_CONTINUE = "pitstop.failcontinue";

  /** The last log lines shown. */
  public static final int LOG_LINES = 10;

  /** A new card for a run. */
  public static StatusCard of(RunRef root) {
    return new StatusCard(root, "running", null, null, null);
  }

  /** The card after an event of its run. */
  public StatusCard apply(PitstopEvent e) {
    if (e.data() instanceof BreakpointPaused p) {
      return new StatusCard(run, "paused", p, null, finished);
    } else if (e.data() instanceof BreakpointContinued c) {
      return new StatusCard(
          run, "continued", paused, c.by().username() + " (" + c.action().json() + ")", finished);
    } else if (e.data() instanceof BreakpointEnded x) {
      return new StatusCard(run, "running", paused, "nobody: " + x.reason(), finished);
    } else if (e.data() instanceof RunFinished f) {
      return new StatusCard(run, f.isSuccess() ? "succeeded" : "failed", paused, continuedBy, f);
    }
    return this;
  }

  /** The card's text fallback (notifications, screen readers). */
  public String text() {
    return headline();
  }

  /**
   * The Block Kit blocks.
   *
   * @param now to show the time left until the timeout
   */
  public List<Map<String, Object>> blocks(Instant now) {
    List<Map<String, Object>> b = new ArrayList<>();
    b.add(section(headline()));
    if (paused != null) {
      BreakpointPaused p = paused;
      StringBuilder f = new StringBuilder();
      f.append("*Task* `")
          .append(p.run().pipelineTask() == null ? p.run().name() : p.run().pipelineTask())
          .append("`");
      f.append("  *Step* `").append(p.step().name()).append("`");
      f.append("  *Breakpoint* `").append(p.mechanism().json()).append("`");
      if (p.deadline() != null) {
        Duration left = Duration.between(now, p.deadline());
        f.append("  *Timeout in* ").append(left.isNegative() ? "0m" : left.toMinutes() + "m");
      }
      b.add(section(f.toString()));
      if (!p.logTail().isEmpty()) {
        List<String> tail = p.logTail();
        List<String> last = tail.subList(Math.max(0, tail.size() - LOG_LINES), tail.size());
        b.add(
            section(
                "```" + String.join("\n", LogRedactor.redact(last)).replace("```", "'''") + "```"));
      }
      if (p.exec() != null) {
        b.add(context("Shell: `" + p.exec().replace("`", "'") + "`"));
      }
      if ("paused".equals(state)) {
        b.add(buttons(p));
      } else if (continuedBy != null) {
        b.add(context("Continued by " + continuedBy));
      }
    }
    return b;
  }

  private String headline() {
    String icon =
        switch (state) {
          case "paused" -> ":double_vertical_bar:";
          case "continued" -> ":arrow_forward:";
          case "succeeded" -> ":white_check_mark:";
          case "failed" -> ":x:";
          default -> ":hourglass_flowing_sand:";
        };
    String what = run.pipeline() == null ? run.kind() : "Pipeline `" + run.pipeline() + "`";
    return icon
        + " "
        + what
        + " run *"
        + run.namespace()
        + "/"
        + run.name()
        + "* "
        + state
        + (finished != null && finished.reason() != null ? " (" + finished.reason() + ")" : "");
  }

  private static Map<String, Object> section(String mrkdwn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "section");
    m.put("text", Map.of("type", "mrkdwn", "text", mrkdwn));
    return m;
  }

  private static Map<String, Object> context(String mrkdwn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "context");
    m.put("elements", List.of(Map.of("type", "mrkdwn", "text", mrkdwn)));
    return m;
  }

  private static Map<String, Object> buttons(BreakpointPaused p) {
    String value = p.run().namespace() + "/" + p.run().name() + "/" + p.step().name();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "actions");
    m.put("block_id", "pitstop.pause");
    m.put(
        "elements",
        List.of(
            button(CONTINUE, "Continue", value, "primary"),
            button(FAIL_CONTINUE, "Fail and continue", value, "danger")));
    return m;
  }

  private static Map<String, Object> button(String id, String label, String value, String style) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "button");
    m.put("action_id", id);
    m.put("text", Map.of("type", "plain_text", "text", label));
    m.put("value", value);
    m.put("style", style);
    return m;
  }
}
