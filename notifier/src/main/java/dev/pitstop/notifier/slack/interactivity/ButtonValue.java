package dev.pitstop.notifier.slack.interactivity;

import dev.pitstop.events.data.RunRef;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a Continue / Fail-and-continue button of a status card names, as its Block Kit {@code
 * value}: {@code v1|<namespace>|<taskRun>|<step>|<taskRun uid>|<pipelineRun uid>}, the step empty
 * for a held TaskRun (a task-level hold, released without a step) and the PipelineRun uid empty for
 * a standalone TaskRun. The uids are there so the command is keyed by the root run's UID like the
 * run's events ({@link dev.pitstop.events.EventFactory#partitionKeyOf}) and reaches the engine
 * instance that owns the run.
 *
 * <p>The value comes back from Slack, so it is parsed strictly: at most {@link #MAX_LENGTH}
 * characters, namespaces and steps DNS-1123 labels, TaskRun names DNS-1123 subdomains (Kubernetes
 * {@code validation.go}), uids {@code [A-Za-z0-9-]{1,64}}.
 *
 * @param namespace the TaskRun's namespace
 * @param taskRun the TaskRun's name
 * @param step the paused step, or null for a held TaskRun
 * @param taskRunUid the TaskRun's UID
 * @param pipelineRunUid the parent PipelineRun's UID, or null for a standalone TaskRun
 */
public record ButtonValue(
    String namespace, String taskRun, String step, String taskRunUid, String pipelineRunUid) {
  /** The longest value accepted (Slack allows 2,000; ours are at most about 460). */
  public static final int MAX_LENGTH = 600;

  private static final String VERSION = "v1";
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SUBDOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern UID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  /**
   * @throws IllegalArgumentException saying which part is not well-formed
   */
  public ButtonValue {
    check(namespace != null && LABEL.matcher(namespace).matches(), "namespace", namespace);
    check(taskRun != null && SUBDOMAIN.matcher(taskRun).matches(), "taskRun", taskRun);
    if (step != null && step.isEmpty()) {
      step = null;
    }
    check(step == null || LABEL.matcher(step).matches(), "step", step);
    check(taskRunUid != null && UID.matcher(taskRunUid).matches(), "taskRun uid", taskRunUid);
    if (pipelineRunUid != null && pipelineRunUid.isEmpty()) {
      pipelineRunUid = null;
    }
    check(
        pipelineRunUid == null || UID.matcher(pipelineRunUid).matches(),
        "pipelineRun uid",
        pipelineRunUid);
  }

  /**
   * The button value of a paused step (or, with a null step, a held TaskRun).
   *
   * @param taskRun the TaskRun as its events name it (a {@code TaskRun} with its uid)
   * @throws IllegalArgumentException when the run is not a TaskRun with a uid
   */
  public static ButtonValue of(RunRef taskRun, String step) {
    if (!RunRef.TASK_RUN.equals(taskRun.kind())) {
      throw new IllegalArgumentException("a button names a TaskRun, not a " + taskRun.kind());
    }
    return new ButtonValue(
        taskRun.namespace(), taskRun.name(), step, taskRun.uid(), taskRun.pipelineRunUid());
  }

  /**
   * Parses a button's value.
   *
   * @throws IllegalArgumentException saying why it is not a Pitstop button value
   */
  public static ButtonValue parse(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("the button has no value");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "the button value is longer than " + MAX_LENGTH + " characters");
    }
    String[] p = value.split("\\|", -1);
    if (p.length != 6 || !VERSION.equals(p[0])) {
      throw new IllegalArgumentException(
          "the button value is not v1|<namespace>|<taskRun>|<step>|<uid>|<pipelineRun uid>");
    }
    return new ButtonValue(p[1], p[2], p[3], p[4], p[5]);
  }

  /** The value to put on a button. */
  public String encode() {
    return String.join(
        "|",
        VERSION,
        namespace,
        taskRun,
        step == null ? "" : step,
        taskRunUid,
        pipelineRunUid == null ? "" : pipelineRunUid);
  }

  /** Whether it names a held TaskRun rather than a paused step. */
  public boolean isHold() {
    return step == null;
  }

  /**
   * The TaskRun as a command names it: kind, namespace, name, uid and the PipelineRun's uid, so
   * {@link RunRef#rootUid()} is the root run's.
   */
  public RunRef run() {
    return new RunRef(
        RunRef.TASK_RUN,
        namespace,
        taskRun,
        taskRunUid,
        null,
        pipelineRunUid,
        null,
        null,
        null,
        0,
        Map.of(),
        Map.of());
  }

  /** {@code namespace/taskRun[/step]}, for logs and messages. */
  public String display() {
    return namespace + "/" + taskRun + (step == null ? "" : "/" + step);
  }

  private static void check(boolean ok, String what, String value) {
    if (!ok) {
      throw new IllegalArgumentException(
          what + " is not well-formed" + (value == null ? " (missing)" : ""));
    }
  }
}
