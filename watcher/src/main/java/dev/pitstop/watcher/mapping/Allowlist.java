package dev.pitstop.watcher.mapping;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which labels or annotations of a run travel in events: those whose key starts with one of the
 * configured prefixes, bounded because run metadata is untrusted input: at most {@value
 * #MAX_ENTRIES} entries (first by key order), keys of at most {@value #MAX_KEY} characters (longer
 * keys are dropped), values cut to {@value #MAX_VALUE} characters.
 */
public final class Allowlist {
  public static final int MAX_ENTRIES = 64;
  public static final int MAX_VALUE = 256;
  public static final int MAX_KEY = 317; // Kubernetes: 253-character prefix, '/', 63-character name

  private final List<String> prefixes;

  /**
   * @param prefixes key prefixes, e.g. {@code tekton.dev/}; an empty list lets nothing through
   */
  public Allowlist(List<String> prefixes) {
    this.prefixes = List.copyOf(prefixes);
  }

  public List<String> prefixes() {
    return prefixes;
  }

  /** The entries of {@code metadata} that pass, bounded as described above; never null. */
  public Map<String, String> filter(Map<String, String> metadata) {
    Map<String, String> out = new TreeMap<>();
    if (metadata == null || prefixes.isEmpty()) {
      return out;
    }
    new TreeMap<>(metadata)
        .forEach(
            (k, v) -> {
              if (out.size() < MAX_ENTRIES
                  && k != null
                  && k.length() <= MAX_KEY
                  && prefixes.stream().anyMatch(k::startsWith)) {
                String value = v == null ? "" : v;
                out.put(k, value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) : value);
              }
            });
    return out;
  }
}
