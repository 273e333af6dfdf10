package dev.pitstop.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** YAML as plain maps and lists, with null-safe paths. */
final class Yaml {
  static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

  private Yaml() {}

  /** Every document of a multi-document YAML text (empty documents dropped). */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String text) {
    // SnakeYAML (under Jackson's YAML module) itself: it resolves anchors and merge keys (<<),
    // which compose files use.
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(text)) {
      if (doc instanceof Map<?, ?> m) {
        out.add((Map<String, Object>) m);
      }
    }
    return out;
  }

  /** The value at a path of map keys and list indexes, or null. */
  @SuppressWarnings("unchecked")
  static <T> T at(Object node, Object... path) {
    Object cur = node;
    for (Object p : path) {
      if (cur instanceof Map<?, ?> m) {
        cur = m.get(p);
      } else if (cur instanceof List<?> l && p instanceof Integer i) {
        cur = i < l.size() ? l.get(i) : null;
      } else {
        return null;
      }
    }
    return (T) cur;
  }

  static Map<String, Object> map(Object node, Object... path) {
    Map<String, Object> m = at(node, path);
    return m == null ? Map.of() : m;
  }

  static List<Object> list(Object node, Object... path) {
    List<Object> l = at(node, path);
    return l == null ? List.of() : l;
  }

  static String string(Object node, Object... path) {
    Object v = at(node, path);
    return v == null ? null : Objects.toString(v);
  }
}
