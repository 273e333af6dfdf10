package dev.pitstop.events.data;

import java.util.List;

/**
 * Who asked for something, as the engine authorizes it (a Kubernetes user name and groups).
 *
 * @param username e.g. {@code alice@example.com} or {@code system:serviceaccount:ci:bot}
 * @param groups the identity's groups (never null)
 */
public record Identity(String username, List<String> groups) {
  public Identity {
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  public static Identity of(String username) {
    return new Identity(username, List.of());
  }
}
