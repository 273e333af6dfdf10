package dev.pitstop.events.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who asked for something, as the engine authorizes it (a Kubernetes user name and groups).
 *
 * @param username e.g. {@code alice@example.com} or {@code system:serviceaccount:ci:bot}
 * @param groups the identity's groups (never null)
 * @param attributes where the request came from, for people to see, never for authorization (never
 *     null; sorted by key; omitted from JSON when empty): e.g. {@link #SLACK_USER_ID} so a Slack
 *     card can show {@code <@U024BE7LH>} instead of the Kubernetes user name
 */
public record Identity(
    String username,
    List<String> groups,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributes) {
  /** The Slack user id ({@code U…} or {@code W…}) of a command that came from a Slack button. */
  public static final String SLACK_USER_ID = "slack.userId";

  /** The Slack user name (handle) of a command that came from a Slack button, when known. */
  public static final String SLACK_USER_NAME = "slack.userName";

  /** The Slack team (workspace) id of a command that came from a Slack button. */
  public static final String SLACK_TEAM_ID = "slack.teamId";

  public Identity {
    groups = groups == null ? List.of() : List.copyOf(groups);
    attributes =
        attributes == null || attributes.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(attributes));
  }

  /** An identity without attributes. */
  public Identity(String username, List<String> groups) {
    this(username, groups, Map.of());
  }

  public static Identity of(String username) {
    return new Identity(username, List.of());
  }

  /** The attribute's value, or null. */
  public String attribute(String key) {
    return attributes.get(key);
  }
}
