package dev.pitstop.sandbox.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Basic Tekton variable substitution in PipelineTask params and when expressions: {@code
 * $(params.x)}, {@code $(params.x[*])} as a whole array element, {@code $(tasks.t.results.r)},
 * {@code $(tasks.t.status)}, {@code $(tasks.status)}, {@code $(context.pipelineRun.name)}. Other
 * variables (workspaces, steps, ...) are left as written, as Tekton leaves them for the TaskRun.
 */
final class Substitution {
  private static final Pattern VAR = Pattern.compile("\\$\\(([^()]+)\\)");
  private static final Pattern WHOLE_ARRAY =
      Pattern.compile("^\\$\\(params\\.([-\\w.]+)\\[\\*]\\)$");

  private final Function<String, Object> resolver;
  private boolean missing;

  /**
   * @param resolver answers a variable (without {@code $( )}) with a String or List value, {@link
   *     #MISSING} for a result that does not exist, or null to leave the variable as written
   */
  Substitution(Function<String, Object> resolver) {
    this.resolver = resolver;
  }

  static final Object MISSING = new Object();

  /** True when a referenced result did not exist. */
  boolean missing() {
    return missing;
  }

  Object apply(Object value) {
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        if (o instanceof String s) {
          Matcher m = WHOLE_ARRAY.matcher(s);
          if (m.matches() && resolver.apply("params." + m.group(1)) instanceof List<?> arr) {
            out.addAll(arr);
            continue;
          }
        }
        out.add(apply(o));
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, apply(v)));
      return out;
    }
    return value;
  }

  String string(String s) {
    Matcher m = VAR.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      Object v = resolver.apply(m.group(1).trim());
      String text;
      if (v == MISSING) {
        missing = true;
        text = m.group();
      } else if (v == null) {
        text = m.group();
      } else if (v instanceof List<?> l) {
        text = String.join(" ", l.stream().map(String::valueOf).toList());
      } else {
        text = String.valueOf(v);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(text));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  List<String> strings(List<String> values) {
    Object o = apply(values == null ? List.of() : values);
    return ((List<Object>) o).stream().map(String::valueOf).toList();
  }
}
