package dev.pitstop.sandbox.sim;

import dev.pitstop.tekton.model.PipelineTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PipelineTask's {@code matrix} fan-out (TEP-0090, Tekton {@code pkg/apis/pipeline/v1/
 * matrix_types.go}): {@code matrix.params} (each an array) give the cartesian product, the first
 * param varying fastest; each {@code matrix.include} entry is one more combination of its (string)
 * params. TaskRun {@code i} of the task is {@code <pipelinerun>-<task>-<i>}. Simplified: an {@code
 * include} entry whose params would extend an existing combination is added as a combination of its
 * own instead.
 */
final class Matrix {
  private Matrix() {}

  /** The combinations (param name → value), or null when the task has no matrix. */
  static List<Map<String, Object>> combinations(PipelineTask t, Substitution sub) {
    if (!(t.additionalProperties().get("matrix") instanceof Map<?, ?> matrix)) {
      return null;
    }
    List<Map<String, Object>> combos = new ArrayList<>();
    if (matrix.get("params") instanceof List<?> params && !params.isEmpty()) {
      combos.add(new LinkedHashMap<>());
      for (Object p : params) {
        if (!(p instanceof Map<?, ?> param)) {
          continue;
        }
        String name = String.valueOf(param.get("name"));
        Object value = sub == null ? param.get("value") : sub.apply(param.get("value"));
        List<?> values = value instanceof List<?> l ? l : List.of(String.valueOf(value));
        List<Map<String, Object>> next = new ArrayList<>();
        for (Object v : values) {
          for (Map<String, Object> c : combos) {
            Map<String, Object> m = new LinkedHashMap<>(c);
            m.put(name, v);
            next.add(m);
          }
        }
        combos = next;
      }
    }
    if (matrix.get("include") instanceof List<?> include) {
      for (Object inc : include) {
        if (inc instanceof Map<?, ?> entry && entry.get("params") instanceof List<?> ps) {
          Map<String, Object> m = new LinkedHashMap<>();
          for (Object p : ps) {
            if (p instanceof Map<?, ?> param) {
              Object v = param.get("value");
              m.put(String.valueOf(param.get("name")), sub == null ? v : sub.apply(v));
            }
          }
          combos.add(m);
        }
      }
    }
    return combos;
  }

  /** How many TaskRuns the task fans out to, or -1 when it has no matrix. */
  static int size(PipelineTask t) {
    List<Map<String, Object>> c = combinations(t, null);
    return c == null ? -1 : c.size();
  }
}
