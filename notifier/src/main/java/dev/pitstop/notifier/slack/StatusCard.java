package dev.pitstop.notifier.slack;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointEnded;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.StepFinished;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The status card of one run in one channel, as Slack Block Kit blocks (plain maps that serialize
 * to Slack's JSON). Pure and immutable: {@link #apply} folds an event of the run into the card,
 * {@link #blocks} renders it, {@link #reply} says what goes into the card's thread. It serializes
 * with Jackson ({@code EventCodec.mapper()}), so the notifier keeps it in its state topic.
 *
 * <p>A paused step shows the run, task, step, breakpoint kind, the failing step's exit code when
 * known, the last log lines (redacted by {@link LogRedactor}, at most {@value #LOG_LINES}), the
 * time left until the TaskRun's timeout and the {@code kubectl exec} command, with two buttons in
 * an {@code actions} block whose {@code block_id} is {@value #ACTIONS_BLOCK}:
 *
 * <ul>
 *   <li>{@code action_id} {@value #CONTINUE} ("Continue") and {@value #FAIL_CONTINUE} ("Fail and
 *       continue");
 *   <li>{@code value} (both buttons): {@code <namespace>/<TaskRun name>/<step name>} of the paused
 *       step ({@link #buttonValue}); the run itself is found by the message ({@code channel} and
 *       {@code ts}) or by that TaskRun.
 * </ul>
 *
 * These ids and the value's shape are a contract with the interactivity endpoint: keep them stable.
 * Once the engine reports the release ({@code breakpoint.continued}, {@link #released}), the
 * buttons give way to a context block "Continued by &lt;who&gt;" or "Failed and continued by
 * &lt;who&gt;", so nobody clicks twice.
 *
 * <p>Slack's limits are kept (Block Kit reference): a section's text at most {@value #MAX_TEXT}
 * characters, at most {@value #MAX_BLOCKS} blocks, button labels at most 75, values at most 2000.
 * Text from a run (names, log lines, reasons) is escaped ({@code & < >}) so it cannot mention
 * {@code @channel} or forge links.
 *
 * @param run the root run (namespace/name); for a PipelineRun's TaskRun, the PipelineRun
 * @param state {@code running}, {@code paused}, {@code continued}, {@code succeeded}, {@code
 *     failed}
 * @param paused the latest pause, or null
 * @param continuedBy who released it, as shown (e.g. {@code alice@example.com} or a Slack mention
 *     {@code <@U0123>}), or null
 * @param finished the root run's finish, or null
 * @param action how the latest pause was released, or null
 * @param endedReason why the latest pause ended without a release, or null
 * @param finishedTasks names of the run's TaskRuns that finished (a set: an event seen twice counts
 *     once; at most {@value #MAX_NAMES} kept)
 * @param failedTasks of which failed
 * @param pausedSteps {@code <TaskRun>/<step>} of each pause seen (a set, bounded likewise)
 * @param failure the latest step that finished with a non-zero exit code, or null
 */
public record StatusCard(
    RunRef run,
    String state,
    BreakpointPaused paused,
    String continuedBy,
    RunFinished finished,
    Action action,
    String endedReason,
    List<String> finishedTasks,
    List<String> failedTasks,
    List<String> pausedSteps,
    StepFinished failure) {
  /** The most names a card's sets keep. */
  public static final int MAX_NAMES = 500;

  public StatusCard {
    finishedTasks = finishedTasks == null ? List.of() : List.copyOf(finishedTasks);
    failedTasks = failedTasks == null ? List.of() : List.copyOf(failedTasks);
    pausedSteps = pausedSteps == null ? List.of() : List.copyOf(pausedSteps);
  }

  private static List<String> with(List<String> set, String item) {
    if (set.contains(item) || set.size() >= MAX_NAMES) {
      return set;
    }
    List<String> out = new ArrayList<>(set);
    out.add(item);
    return out;
  }

  /** {@code action_id} of the Continue button. */
  public static final String CONTINUE = "pitstop.continue";

  /** {@code action_id} of the Fail-and-continue button. */
  public static final String FAIL_CONTINUE = "pitstop.failcontinue";

  /** {@code block_id} of the buttons' {@code actions} block. */
  public static final String ACTIONS_BLOCK = "pitstop.pause";

  /** {@code block_id} of the context block that replaces the buttons after a release. */
  public static final String RELEASED_BLOCK = "pitstop.released";

  /** The last log lines shown. */
  public static final int LOG_LINES = 10;

  /** Slack's limit on a section's (and a context element's) text, in characters. */
  public static final int MAX_TEXT = 3000;

  /** Slack's limit on blocks per message. */
  public static final int MAX_BLOCKS = 50;

  /** A new card for a run (its root run is derived when {@code run} is a PipelineRun's TaskRun). */
  public static StatusCard of(RunRef run) {
    return new StatusCard(
        root(run), "running", null, null, null, null, null, List.of(), List.of(), List.of(), null);
  }

  /**
   * The root run of a run: itself, or for a PipelineRun's TaskRun a reference to the PipelineRun
   * (its name, UID and Pipeline; labels and annotations as the TaskRun carries them).
   */
  public static RunRef root(RunRef run) {
    if (run.pipelineRunUid() == null) {
      return run;
    }
    return new RunRef(
        RunRef.PIPELINE_RUN,
        run.namespace(),
        run.pipelineRun(),
        run.pipelineRunUid(),
        null,
        null,
        run.pipeline(),
        null,
        null,
        0,
        run.labels(),
        run.annotations());
  }

  /**
   * The types that may change a card ({@link #changesCard}); a Slack channel's subscription needs
   * no other, so a consumer need not decode them.
   */
  public static final Set<EventType> CHANGED_BY =
      Set.copyOf(
          EnumSet.of(
              EventType.PIPELINERUN_STARTED,
              EventType.TASKRUN_STARTED,
              EventType.PIPELINERUN_FINISHED,
              EventType.TASKRUN_FINISHED,
              EventType.BREAKPOINT_PAUSED,
              EventType.BREAKPOINT_CONTINUED,
              EventType.BREAKPOINT_ENDED,
              EventType.STEP_FINISHED));

  /**
   * True for the events that change a card: starts, finishes, failed steps and breakpoints (of
   * {@link #CHANGED_BY}: a step's finish only when it failed).
   */
  public static boolean changesCard(PitstopEvent e) {
    if (!CHANGED_BY.contains(e.type())) {
      return false;
    }
    return e.type() != EventType.STEP_FINISHED
        || e.data() instanceof StepFinished s && s.exitCode() != 0;
  }

  /** The card after an event of its run (unchanged for other events). */
  public StatusCard apply(PitstopEvent e) {
    boolean isRoot = e.data().run().uid().equals(run.uid());
    if (e.data() instanceof BreakpointPaused p) {
      return new StatusCard(
          run,
          "paused",
          p,
          null,
          finished,
          null,
          null,
          finishedTasks,
          failedTasks,
          with(pausedSteps, p.run().name() + "/" + p.step().name()),
          failure);
    } else if (e.data() instanceof BreakpointContinued c) {
      return released(c, releasedBy(c));
    } else if (e.data() instanceof BreakpointEnded x) {
      return new StatusCard(
          run,
          finished == null ? "running" : state,
          paused,
          null,
          finished,
          null,
          x.reason(),
          finishedTasks,
          failedTasks,
          pausedSteps,
          failure);
    } else if (e.data() instanceof RunFinished f) {
      if (isRoot) {
        return new StatusCard(
            run,
            f.isSuccess() ? "succeeded" : "failed",
            paused,
            continuedBy,
            f,
            action,
            endedReason,
            finishedTasks,
            failedTasks,
            pausedSteps,
            failure);
      }
      return new StatusCard(
          run,
          state,
          paused,
          continuedBy,
          finished,
          action,
          endedReason,
          with(finishedTasks, f.run().name()),
          f.isSuccess() ? failedTasks : with(failedTasks, f.run().name()),
          pausedSteps,
          failure);
    } else if (e.data() instanceof StepFinished s && s.exitCode() != 0) {
      return new StatusCard(
          run,
          state,
          paused,
          continuedBy,
          finished,
          action,
          endedReason,
          finishedTasks,
          failedTasks,
          pausedSteps,
          s);
    }
    return this;
  }

  /**
   * The card once the engine reported a release: the buttons give way to "Continued by {@code
   * shownAs}" or "Failed and continued by {@code shownAs}" (the interactivity endpoint may pass a
   * Slack mention, {@code <@U0123>}, for the user who clicked).
   *
   * @param c the {@code breakpoint.continued} data
   * @param shownAs who released it, as shown; Slack markup is kept, so pass only trusted text
   */
  public StatusCard released(BreakpointContinued c, String shownAs) {
    return new StatusCard(
        run,
        finished == null ? "continued" : state,
        paused,
        shownAs,
        finished,
        c.action(),
        null,
        finishedTasks,
        failedTasks,
        pausedSteps,
        failure);
  }

  /** True once the card shows something a channel should see (per {@link PostOn}). */
  public boolean worthPosting(PostOn postOn) {
    return switch (postOn) {
      case START -> true;
      case PAUSE -> !pausedSteps.isEmpty() || "failed".equals(state);
    };
  }

  /** When a run's card is first posted. */
  public enum PostOn {
    /** At the first event of the run (its start, usually). */
    START,
    /** At the run's first pause, or its failure when it never paused. */
    PAUSE;

    /**
     * @throws IllegalArgumentException for another value than {@code start} or {@code pause}
     */
    public static PostOn of(String s) {
      return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "start" -> START;
        case "pause" -> PAUSE;
        default -> throw new IllegalArgumentException("\"" + s + "\" is not start or pause");
      };
    }
  }

  /** True once the root run finished. */
  public boolean runDone() {
    return finished != null;
  }

  /** The card's text fallback (notifications, screen readers). */
  public String text() {
    return bounded(headline(), MAX_TEXT);
  }

  /**
   * The Block Kit blocks (at most {@value #MAX_BLOCKS}).
   *
   * @param now to show the time left until the timeout
   */
  public List<Map<String, Object>> blocks(Instant now) {
    List<Map<String, Object>> b = new ArrayList<>();
    b.add(section(headline()));
    String progress = progress();
    if (!progress.isEmpty()) {
      b.add(context(progress));
    }
    if (paused != null) {
      BreakpointPaused p = paused;
      StringBuilder f = new StringBuilder();
      f.append("*Task* `").append(esc(taskOf(p.run()))).append("`");
      f.append("  *Step* `").append(esc(p.step().name())).append("`");
      f.append("  *Breakpoint* `").append(p.mechanism().json()).append("`");
      Optional<String> exit = exitCode(p);
      exit.ifPresent(x -> f.append("  *Exit code* ").append(x));
      if (p.deadline() != null) {
        Duration left = Duration.between(now, p.deadline());
        f.append("  *Timeout in* ").append(left.isNegative() ? "0m" : human(left));
      }
      b.add(section(f.toString()));
      if (!p.logTail().isEmpty()) {
        b.add(section(logBlock(p.logTail())));
      }
      if (p.exec() != null) {
        b.add(context("Shell: `" + esc(p.exec().replace("`", "'")) + "`"));
      }
      if ("paused".equals(state)) {
        b.add(buttons(p));
      } else if (continuedBy != null) {
        Map<String, Object> released =
            context(
                (action == Action.FAIL_CONTINUE ? "Failed and continued by " : "Continued by ")
                    + continuedBy);
        released.put("block_id", RELEASED_BLOCK);
        b.add(released);
      } else if (endedReason != null) {
        b.add(context("The pause ended without a release: " + esc(endedReason)));
      }
    }
    return b.size() > MAX_BLOCKS ? b.subList(0, MAX_BLOCKS) : b;
  }

  /**
   * What goes into the card's thread for this event, as mrkdwn text, or empty: each pause, each
   * release or end of a pause, and each failed TaskRun.
   */
  public static Optional<String> reply(PitstopEvent e) {
    if (e.data() instanceof BreakpointPaused p) {
      return Optional.of(
          bounded(
              ":double_vertical_bar: "
                  + where(p.run(), p.step().name())
                  + " paused at `"
                  + p.mechanism().json()
                  + "` breakpoint"
                  + (p.logTail().isEmpty()
                      ? ""
                      : "\n"
                          + logBlock(
                              p.logTail().subList(p.logTail().size() - 1, p.logTail().size()))),
              MAX_TEXT));
    } else if (e.data() instanceof BreakpointContinued c) {
      return Optional.of(
          bounded(
              ":arrow_forward: "
                  + where(c.run(), c.step().name())
                  + (c.action() == Action.FAIL_CONTINUE ? " failed and continued" : " continued")
                  + " by "
                  + esc(c.by().username())
                  + (c.via() == null ? "" : " via " + esc(c.via())),
              MAX_TEXT));
    } else if (e.data() instanceof BreakpointEnded x) {
      return Optional.of(
          bounded(
              ":stop_sign: the pause of "
                  + where(x.run(), x.step().name())
                  + " ended without a release: "
                  + esc(x.reason()),
              MAX_TEXT));
    } else if (e.type() == EventType.TASKRUN_FINISHED
        && e.data() instanceof RunFinished f
        && !f.isSuccess()
        && f.run().pipelineRunUid() != null) {
      return Optional.of(
          bounded(
              ":x: task `"
                  + esc(taskOf(f.run()))
                  + "` failed ("
                  + esc(String.valueOf(f.reason()))
                  + ")"
                  + (f.message() == null ? "" : ": " + esc(f.message())),
              MAX_TEXT));
    }
    return Optional.empty();
  }

  /**
   * The buttons' {@code value}, as the interactivity endpoint reads it ({@link
   * dev.pitstop.notifier.slack.interactivity.ButtonValue}): {@code v1|<namespace>|<TaskRun
   * name>|<step name>|<TaskRun uid>|<PipelineRun uid>}. The UIDs let a click be keyed by the root
   * run, so the engine instance owning the run gets the command.
   */
  public static String buttonValue(BreakpointPaused p) {
    return dev.pitstop.notifier.slack.interactivity.ButtonValue.of(p.run(), p.step().name())
        .encode();
  }

  /**
   * How the releaser is shown by default: a Slack mention ({@code <@U…>}) when the release came
   * from a Slack button (the engine copies the clicker's {@link Identity#SLACK_USER_ID} into the
   * decision), else the Kubernetes user name.
   */
  public static String releasedBy(BreakpointContinued c) {
    String slackUser = c.by() == null ? null : c.by().attribute(Identity.SLACK_USER_ID);
    return slackUser != null && slackUser.matches("[UW][A-Z0-9]{2,20}")
        ? "<@" + slackUser + ">"
        : c.by() == null ? "unknown" : c.by().username();
  }

  private Optional<String> exitCode(BreakpointPaused p) {
    if (failure != null
        && failure.run().uid().equals(p.run().uid())
        && failure.step().name().equals(p.step().name())) {
      return Optional.of("`" + failure.exitCode() + "`");
    }
    if (p.mechanism() == Mechanism.ON_FAILURE) {
      // Tekton's entrypoint keeps the failed command's exit code until the step is released
      // (tekton-facts.md §2): it is in the log tail, if anywhere.
      return Optional.of("_not reported while paused_");
    }
    return Optional.empty();
  }

  private String progress() {
    List<String> parts = new ArrayList<>();
    if (!finishedTasks.isEmpty()) {
      parts.add(
          "Tasks finished: "
              + finishedTasks.size()
              + (failedTasks.isEmpty() ? "" : " (" + failedTasks.size() + " failed)"));
    }
    if (!pausedSteps.isEmpty()) {
      parts.add("Pauses: " + pausedSteps.size());
    }
    if (failure != null) {
      parts.add(
          "Last failed step: "
              + where(failure.run(), failure.step().name())
              + " exit code "
              + failure.exitCode());
    }
    return String.join("  ·  ", parts);
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
    String what = run.pipeline() == null ? run.kind() : "Pipeline `" + esc(run.pipeline()) + "`";
    return icon
        + " "
        + what
        + " run *"
        + esc(run.namespace())
        + "/"
        + esc(run.name())
        + "* "
        + state
        + (finished != null && finished.reason() != null
            ? " (" + esc(finished.reason()) + ")"
            : "");
  }

  private static String where(RunRef r, String step) {
    return "`" + esc(taskOf(r)) + "`/`" + esc(step) + "`";
  }

  private static String taskOf(RunRef r) {
    return r.pipelineTask() == null ? r.name() : r.pipelineTask();
  }

  /** The last lines as a code block within {@value #MAX_TEXT} characters, oldest dropped first. */
  private static String logBlock(List<String> tail) {
    List<String> last =
        LogRedactor.redact(tail.subList(Math.max(0, tail.size() - LOG_LINES), tail.size()));
    List<String> kept = new ArrayList<>();
    int size = 6;
    for (int i = last.size() - 1; i >= 0; i--) {
      String line = esc(last.get(i).replace("```", "'''"));
      if (size + line.length() + 1 > MAX_TEXT) {
        break;
      }
      kept.add(0, line);
      size += line.length() + 1;
    }
    return "```" + String.join("\n", kept) + "```";
  }

  private static String human(Duration d) {
    long m = d.toMinutes();
    return m >= 120 ? (m / 60) + "h" + (m % 60 == 0 ? "" : (m % 60) + "m") : m + "m";
  }

  /** Slack's escaping of {@code & < >} in text from a run (mrkdwn control characters). */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String bounded(String s, int max) {
    return s.length() > max ? s.substring(0, max - 1) + "…" : s;
  }

  private static Map<String, Object> section(String mrkdwn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "section");
    m.put("text", Map.of("type", "mrkdwn", "text", bounded(mrkdwn, MAX_TEXT)));
    return m;
  }

  private static Map<String, Object> context(String mrkdwn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "context");
    m.put("elements", List.of(Map.of("type", "mrkdwn", "text", bounded(mrkdwn, MAX_TEXT))));
    return m;
  }

  private static Map<String, Object> buttons(BreakpointPaused p) {
    String value = bounded(buttonValue(p), 2000);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "actions");
    m.put("block_id", ACTIONS_BLOCK);
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
