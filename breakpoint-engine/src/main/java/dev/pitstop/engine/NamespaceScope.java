package dev.pitstop.engine;

import dev.pitstop.runtime.config.ConfigException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The namespaces the engine serves ({@code ENGINE_NAMESPACES}): its informers list only these, its
 * webhook admits TaskRuns elsewhere unchanged, and it ignores observations of and rejects commands
 * for runs elsewhere. Empty means every namespace (the cluster-wide mode).
 *
 * @param names the listed namespaces (DNS-1123 labels, at most 63 characters), in the order given;
 *     empty = all
 */
public record NamespaceScope(Set<String> names) {
  /** Every namespace. */
  public static final NamespaceScope ALL = new NamespaceScope(Set.of());

  /** A namespace name: a DNS-1123 label (Kubernetes {@code ValidateNamespaceName}). */
  private static final String LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  public NamespaceScope {
    for (String n : names) {
      if (n == null || !n.matches(LABEL)) {
        throw new IllegalArgumentException("not a namespace name: " + n);
      }
    }
    names = Collections.unmodifiableSet(new LinkedHashSet<>(names));
  }

  /**
   * Parses a comma-separated list (blanks around names ignored, empty items skipped).
   *
   * @param key the configuration key, named in errors
   * @throws ConfigException naming {@code key} and the first invalid name
   */
  public static NamespaceScope parse(String value, String key) {
    Set<String> out = new LinkedHashSet<>();
    if (value != null) {
      for (String item : value.split(",", -1)) {
        String n = item.trim();
        if (n.isEmpty()) {
          continue;
        }
        if (!n.matches(LABEL)) {
          String shown = n.length() > 80 ? n.substring(0, 80) + "..." : n;
          throw new ConfigException(
              key
                  + ": \""
                  + shown
                  + "\" is not a namespace name (a DNS-1123 label: lower-case letters, digits"
                  + " and '-', at most 63 characters)");
        }
        out.add(n);
      }
    }
    return out.isEmpty() ? ALL : new NamespaceScope(out);
  }

  /** True in the cluster-wide mode (no list). */
  public boolean all() {
    return names.isEmpty();
  }

  /** True when the engine serves {@code namespace} (always in the cluster-wide mode). */
  public boolean contains(String namespace) {
    return names.isEmpty() || (namespace != null && names.contains(namespace));
  }

  @Override
  public String toString() {
    return names.isEmpty() ? "all namespaces" : String.join(",", names);
  }
}
