package dev.pitstop.engine.annotation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.tekton.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Parses and validates the {@value #KEY} annotation of a PipelineRun or a TaskRun: a small JSON
 * object shaped like TEP-0097's {@code debug} block. Pure; never throws on bad input, it answers
 * {@link Result.Invalid} with every error found, each a sentence naming the field.
 *
 * <pre>{@code
 * {"onFailure": "enabled",
 *  "beforeTasks": ["deploy"], "onTasks": ["deploy"],      // PipelineRun only; synonyms (TEP-0149)
 *  "afterTasks": ["compile"],                             // PipelineRun only
 *  "beforeSteps": ["compile/test"], "onSteps": [...],     // task/step on a PipelineRun, step on a TaskRun
 *  "afterSteps": ["compile/build"],
 *  "timeout": "30m", "onTimeout": "continue|fail-continue|leave", "warnBefore": "5m"}
 * }</pre>
 *
 * <p>Bounds (the annotation is untrusted input): at most {@value #MAX_BYTES} characters, at most
 * {@value #MAX_ENTRIES} entries per list, names are DNS-1123 labels (Tekton's rule for PipelineTask
 * and step names), durations in Go syntax (Tekton's), {@code timeout} at most 24h, unknown fields
 * are errors (a typo must not silently disable a breakpoint).
 */
public final class BreakpointAnnotation {
  /** The annotation key, on PipelineRuns and TaskRuns. */
  public static final String KEY = "pitstop.dev/breakpoints";

  public static final int MAX_BYTES = 8_192;
  public static final int MAX_ENTRIES = 64;
  static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  /** DNS-1123 label. Source: Kubernetes {@code apimachinery/pkg/util/validation}. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> PIPELINE_RUN_FIELDS =
      Set.of(
          "onFailure",
          "beforeTasks",
          "onTasks",
          "afterTasks",
          "beforeSteps",
          "onSteps",
          "afterSteps",
          "timeout",
          "onTimeout",
          "warnBefore");
  private static final Set<String> TASK_RUN_FIELDS =
      Set.of(
          "onFailure",
          "beforeSteps",
          "onSteps",
          "afterSteps",
          "timeout",
          "onTimeout",
          "warnBefore");

  /** Which kind of run carries the annotation: it decides the allowed fields and step syntax. */
  public enum On {
    PIPELINE_RUN,
    TASK_RUN
  }

  /** The outcome of {@link #parse}. */
  public sealed interface Result {
    /** Valid; {@link BreakpointSpec#NONE} when the annotation is absent or blank. */
    record Valid(BreakpointSpec spec) implements Result {}

    /**
     * Not valid: nothing of it applies (a half-applied declaration would mislead).
     *
     * @param errors sentences, each naming the field, in document order; at most 20
     */
    record Invalid(List<String> errors) implements Result {
      public Invalid {
        errors = List.copyOf(errors);
      }

      /** The errors as one sentence, bounded to 1,000 characters. */
      public String message() {
        String m = KEY + " is invalid: " + String.join("; ", errors);
        return m.length() > 1_000 ? m.substring(0, 997) + "..." : m;
      }
    }
  }

  private BreakpointAnnotation() {}

  /**
   * Parses the annotation of a run's {@code metadata.annotations} (null or absent: no breakpoint).
   */
  public static Result of(Map<String, String> annotations, On on) {
    return parse(annotations == null ? null : annotations.get(KEY), on);
  }

  /**
   * Parses an annotation value.
   *
   * @param value the annotation's value, or null
   * @param on the kind of run carrying it
   */
  public static Result parse(String value, On on) {
    if (value == null || value.isBlank()) {
      return new Result.Valid(BreakpointSpec.NONE);
    }
    if (value.length() > MAX_BYTES) {
      return invalid(
          "the value has " + value.length() + " characters, more than " + MAX_BYTES + " allowed");
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return invalid(
          "not JSON at line "
              + e.getLocation().getLineNr()
              + " column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (!(root instanceof ObjectNode obj)) {
      return invalid("expected a JSON object such as {\"beforeTasks\":[\"deploy\"]}");
    }
    List<String> errors = new ArrayList<>();
    Set<String> allowed = on == On.PIPELINE_RUN ? PIPELINE_RUN_FIELDS : TASK_RUN_FIELDS;
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        errors.add(
            (PIPELINE_RUN_FIELDS.contains(f)
                    ? "field \"" + bounded(f) + "\" is allowed on a PipelineRun only"
                    : "unknown field \"" + bounded(f) + "\"")
                + " (known: "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      }
    }
    boolean onFailure = onFailure(obj.get("onFailure"), errors);
    Set<String> beforeTasks = new LinkedHashSet<>();
    beforeTasks.addAll(names(obj, "beforeTasks", errors, BreakpointAnnotation::task));
    beforeTasks.addAll(names(obj, "onTasks", errors, BreakpointAnnotation::task));
    Set<String> afterTasks = names(obj, "afterTasks", errors, BreakpointAnnotation::task);
    Function<String, String> stepCheck =
        on == On.PIPELINE_RUN ? BreakpointAnnotation::taskStep : BreakpointAnnotation::step;
    Set<StepTarget> beforeSteps = new LinkedHashSet<>();
    names(obj, "beforeSteps", errors, stepCheck).forEach(s -> beforeSteps.add(target(s)));
    names(obj, "onSteps", errors, stepCheck).forEach(s -> beforeSteps.add(target(s)));
    Set<StepTarget> afterSteps = new LinkedHashSet<>();
    names(obj, "afterSteps", errors, stepCheck).forEach(s -> afterSteps.add(target(s)));
    Duration timeout = duration(obj.get("timeout"), "timeout", errors);
    if (timeout != null && (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
      errors.add("timeout must be more than 0 and at most 24h");
    }
    Duration warnBefore = duration(obj.get("warnBefore"), "warnBefore", errors);
    TimeoutPolicy policy = TimeoutPolicy.LEAVE;
    JsonNode p = obj.get("onTimeout");
    if (p != null) {
      policy = p.isTextual() ? TimeoutPolicy.of(p.textValue()) : null;
      if (policy == null) {
        errors.add("onTimeout must be \"continue\", \"fail-continue\" or \"leave\"");
      } else if (timeout == null) {
        errors.add("onTimeout needs a timeout");
      }
    }
    if (!errors.isEmpty()) {
      return new Result.Invalid(errors.size() > 20 ? errors.subList(0, 20) : errors);
    }
    return new Result.Valid(
        new BreakpointSpec(
            onFailure,
            beforeTasks,
            afterTasks,
            beforeSteps,
            afterSteps,
            timeout,
            policy,
            warnBefore));
  }

  private static boolean onFailure(JsonNode n, List<String> errors) {
    if (n == null || n.isNull()) {
      return false;
    }
    if (n.isTextual() && "enabled".equals(n.textValue())) {
      return true;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    errors.add("onFailure must be \"enabled\" (as in Tekton) or a boolean");
    return false;
  }

  private static Set<String> names(
      ObjectNode obj, String field, List<String> errors, Function<String, String> check) {
    Set<String> out = new LinkedHashSet<>();
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      errors.add(field + " must be a list of names, e.g. [\"deploy\"]");
      return out;
    }
    if (n.size() > MAX_ENTRIES) {
      errors.add(field + " has " + n.size() + " entries, more than " + MAX_ENTRIES + " allowed");
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isTextual()) {
        errors.add(field + "[" + i + "] is not a string");
        continue;
      }
      String why = check.apply(e.textValue());
      if (why != null) {
        errors.add(field + "[" + i + "] \"" + bounded(e.textValue()) + "\" " + why);
      } else if (!out.add(e.textValue())) {
        errors.add(field + "[" + i + "] \"" + e.textValue() + "\" is listed twice");
      }
    }
    return out;
  }

  private static String task(String s) {
    return LABEL.matcher(s).matches() ? null : notALabel();
  }

  private static String step(String s) {
    if (s.contains("/")) {
      return "names a task: on a TaskRun, name the step alone";
    }
    return LABEL.matcher(s).matches() ? null : notALabel();
  }

  private static String taskStep(String s) {
    int slash = s.indexOf('/');
    if (slash < 0 || slash != s.lastIndexOf('/')) {
      return "is not task/step (a PipelineTask's name, '/', a step's name)";
    }
    String t = s.substring(0, slash);
    String st = s.substring(slash + 1);
    if (!LABEL.matcher(t).matches()) {
      return "has a task part that " + notALabel().substring(3);
    }
    if (!LABEL.matcher(st).matches()) {
      return "has a step part that " + notALabel().substring(3);
    }
    return null;
  }

  private static String notALabel() {
    return "is not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and"
        + " ending with a letter or digit)";
  }

  private static StepTarget target(String s) {
    int slash = s.indexOf('/');
    return slash < 0
        ? new StepTarget(null, s)
        : new StepTarget(s.substring(0, slash), s.substring(slash + 1));
  }

  private static Duration duration(JsonNode n, String field, List<String> errors) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      errors.add(field + " must be a Go duration string such as \"30m\" or \"1h30m\"");
      return null;
    }
    try {
      Duration d = GoDuration.parse(n.textValue());
      if (d.isNegative()) {
        errors.add(field + " must not be negative");
        return null;
      }
      return d;
    } catch (IllegalArgumentException e) {
      errors.add(
          field + " \"" + bounded(n.textValue()) + "\" is not a Go duration such as \"30m\"");
      return null;
    }
  }

  private static String bounded(String s) {
    String t = s.length() > 80 ? s.substring(0, 77) + "..." : s;
    return t.replaceAll("\\p{Cntrl}", "?");
  }

  private static Result invalid(String error) {
    return new Result.Invalid(List.of(error));
  }
}
