package dev.pitstop.deploy;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fields a model class did not know. fabric8's Kubernetes model and Strimzi's API keep unknown
 * fields in {@code additionalProperties} instead of failing (and kubernetes-models' schemas allow
 * them too), so a misspelt {@code readOnlyRootFilesytem} would pass every schema: walk the object
 * and collect every non-empty {@code additionalProperties}, with its path.
 */
final class UnknownFields {
  private UnknownFields() {}

  static List<String> in(Object root, String name) {
    List<String> out = new ArrayList<>();
    walk(root, name, out, new IdentityHashMap<>());
    return out;
  }

  private static void walk(Object o, String path, List<String> out, Map<Object, Boolean> seen) {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        walk(e, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    String pkg = o.getClass().getPackageName();
    if (!pkg.startsWith("io.strimzi.api") && !pkg.startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || !m.getName().startsWith("get")
          || m.getName().equals("getClass")) {
        continue;
      }
      try {
        Object v = m.invoke(o);
        if (m.getName().equals("getAdditionalProperties")) {
          if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
            out.add(path + ": " + extra.keySet());
          }
        } else {
          walk(
              v,
              path + "." + Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4),
              out,
              seen);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // a computed getter that does not apply to this object: nothing to walk
      }
    }
  }
}
