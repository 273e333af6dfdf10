package dev.pitstop.watcher.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which labels or annotations of a run travel in events: those whose key starts with one of the
 * configured prefixes, bounded because run metadata is untrusted input:
 *
 * <ul>
 *   <li>at most {@value #MAX_ENTRIES} entries (first by key order); keys of at most {@value
 *       #MAX_KEY} characters (longer keys are dropped);
 *   <li>a <b>structured</b> value (JSON, a URL: cutting it would change its meaning, e.g. lose a
 *       breakpoint policy or name another endpoint) is kept whole up to {@value
 *       #MAX_STRUCTURED_VALUE} characters and <b>dropped</b> beyond, never cut. Structured keys:
 *       {@code pitstop.dev/breakpoints} (the bound is the engine's {@code
 *       BreakpointAnnotation.MAX_BYTES}, so whatever the engine accepts travels), Tekton's {@code
 *       tekton.dev/*SpanContext} and {@code webhook.integrations.tekton.dev/url};
 *   <li>other (plain) values are cut to {@value #MAX_VALUE} characters.
 * </ul>
 *
 * <p>A dropped value is reported in the result itself under {@value #DROPPED}: {@code <key> (<n>
 * characters, over <bound>)}, entries separated by {@code "; "}, at most {@value #MAX_VALUE}
 * characters in all. That key is Pitstop's: a run's own annotation of that name never passes.
 */
public final class Allowlist {
  public static final int MAX_ENTRIES = 64;
  public static final int MAX_VALUE = 256;
  public static final int MAX_STRUCTURED_VALUE = 8_192;
  public static final int MAX_KEY = 317; // Kubernetes: 253-character prefix, '/', 63-character name

  /** The entry that names the values dropped for being over their bound. */
  public static final String DROPPED = "pitstop.dev/dropped";

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

  /**
   * True when {@code key} has one of the prefixes: {@link #filter} may keep its entry (subject to
   * the bounds), every other entry it drops.
   */
  public boolean admits(String key) {
    return key != null && prefixes.stream().anyMatch(key::startsWith);
  }

  /** True for keys whose values are kept whole or dropped (see the class comment). */
  public static boolean isStructured(String key) {
    return key.equals("pitstop.dev/breakpoints")
        || key.equals("webhook.integrations.tekton.dev/url")
        || (key.startsWith("tekton.dev/") && key.endsWith("SpanContext"));
  }

  /** The entries of {@code metadata} that pass, bounded as described above; never null. */
  public Map<String, String> filter(Map<String, String> metadata) {
    Map<String, String> out = new TreeMap<>();
    if (metadata == null || prefixes.isEmpty()) {
      return out;
    }
    List<String> dropped = new ArrayList<>();
    new TreeMap<>(metadata)
        .forEach(
            (k, v) -> {
              if (out.size() < MAX_ENTRIES
                  && k != null
                  && k.length() <= MAX_KEY
                  && !k.equals(DROPPED)
                  && prefixes.stream().anyMatch(k::startsWith)) {
                String value = v == null ? "" : v;
                if (!isStructured(k)) {
                  out.put(k, value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) : value);
                } else if (value.length() <= MAX_STRUCTURED_VALUE) {
                  out.put(k, value);
                } else {
                  dropped.add(
                      k
                          + " ("
                          + value.length()
                          + " characters, over "
                          + MAX_STRUCTURED_VALUE
                          + ")");
                }
              }
            });
    if (!dropped.isEmpty()) {
      StringBuilder note = new StringBuilder();
      for (String d : dropped) {
        String next = note.isEmpty() ? d : "; " + d;
        if (note.length() + next.length() > MAX_VALUE) {
          break;
        }
        note.append(next);
      }
      out.put(DROPPED, note.toString());
    }
    return out;
  }
}
