package dev.pitstop.notifier.routing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Slack channels a run's annotation may name, per namespace: a run in {@code ci} may post to
 * {@code #ci-builds} only when {@code ci:#ci-builds} (or {@code *:#ci-builds}) is configured. Pure.
 * An empty policy refuses every annotation channel.
 *
 * @param allowed namespace (or {@code *}) to channels
 */
public record ChannelPolicy(Map<String, Set<String>> allowed) {
  public static final ChannelPolicy DENY_ALL = new ChannelPolicy(Map.of());

  public ChannelPolicy {
    Map<String, Set<String>> copy = new HashMap<>();
    allowed.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
    allowed = Map.copyOf(copy);
  }

  /**
   * Parses {@code namespace:channel} entries ({@code ci:#ci-builds}, {@code *:#general}).
   *
   * @throws IllegalArgumentException naming the first malformed entry
   */
  public static ChannelPolicy parse(List<String> entries) {
    Map<String, Set<String>> m = new HashMap<>();
    for (String raw : entries) {
      String e = raw.strip();
      int colon = e.indexOf(':');
      if (colon <= 0 || colon == e.length() - 1) {
        throw new IllegalArgumentException("\"" + e + "\" is not namespace:channel");
      }
      String ns = e.substring(0, colon);
      String channel = e.substring(colon + 1);
      if (!Endpoint.SLACK_CHANNEL.matcher(channel).matches()) {
        throw new IllegalArgumentException("\"" + e + "\": not a Slack channel (#name or id)");
      }
      m.computeIfAbsent(ns, k -> new HashSet<>()).add(channel);
    }
    return new ChannelPolicy(m);
  }

  /** True when a run in {@code namespace} may post to {@code channel}. */
  public boolean allows(String namespace, String channel) {
    return allowed.getOrDefault(namespace, Set.of()).contains(channel)
        || allowed.getOrDefault("*", Set.of()).contains(channel);
  }
}
