package dev.pitstop.notifier.slack.interactivity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pitstop.events.data.Identity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which Kubernetes identity a Slack user acts as: the users file ({@code
 * NOTIFIER_SLACK_USERS_FILE}, YAML or JSON), written by the platform team. The engine authorizes
 * that identity (SubjectAccessReview: {@code create pods/exec} in the run's namespace), so this
 * table is what lets a Slack user release a run; a user not in it is refused. Pure parsing.
 *
 * <pre>{@code
 * users:
 *   U024BE7LH:                       # Slack user id (profile → ⋮ → Copy member ID)
 *     username: alice@example.com    # the Kubernetes user name
 *     groups: [developers]           # optional: the Kubernetes groups
 *   W0123ABCD: {username: bob@example.com}
 * }</pre>
 *
 * Unknown keys are errors (a typo must not silently drop a group).
 */
public final class SlackUsers {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> USER_KEYS = Set.of("username", "groups");
  private static final int MAX_NAME = 253;

  /** Kubernetes user and group names: printable, no spaces at the ends, bounded. */
  private static final Pattern NAME =
      Pattern.compile("[^\\s\\p{Cntrl}](?:[^\\p{Cntrl}]*[^\\s\\p{Cntrl}])?");

  private final Map<String, Identity> users;

  private SlackUsers(Map<String, Identity> users) {
    this.users = Map.copyOf(users);
  }

  /** A table from Slack user ids to identities (tests). */
  public static SlackUsers of(Map<String, Identity> users) {
    users.keySet().forEach(SlackUsers::checkId);
    return new SlackUsers(users);
  }

  /**
   * Parses a users document.
   *
   * @throws IllegalArgumentException naming the user and key that is wrong
   */
  public static SlackUsers parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      throw new IllegalArgumentException("not YAML or JSON: " + m.lines().findFirst().orElse(m));
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return new SlackUsers(Map.of());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("the document must be a map with a users map");
    }
    root.fieldNames()
        .forEachRemaining(
            k -> {
              if (!"users".equals(k)) {
                throw new IllegalArgumentException("unknown key \"" + k + "\" (expected users)");
              }
            });
    JsonNode node = root.path("users");
    if (node.isMissingNode() || node.isNull()) {
      return new SlackUsers(Map.of());
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("users must be a map of Slack user id → user");
    }
    Map<String, Identity> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      checkId(e.getKey());
      out.put(e.getKey(), user(e.getKey(), e.getValue()));
    }
    return new SlackUsers(out);
  }

  private static void checkId(String id) {
    if (!Interaction.USER_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "users." + id + ": not a Slack user id (U… or W…, upper-case letters and digits)");
    }
  }

  private static Identity user(String id, JsonNode n) {
    String where = "users." + id;
    if (!n.isObject()) {
      throw new IllegalArgumentException(where + " must be a map with username and groups");
    }
    n.fieldNames()
        .forEachRemaining(
            k -> {
              if (!USER_KEYS.contains(k)) {
                throw new IllegalArgumentException(
                    where + ": unknown key \"" + k + "\" (expected username, groups)");
              }
            });
    JsonNode u = n.path("username");
    if (!u.isTextual() || !name(u.textValue())) {
      throw new IllegalArgumentException(
          where + ".username must be a Kubernetes user name (1–" + MAX_NAME + " characters)");
    }
    List<String> groups = new ArrayList<>();
    JsonNode g = n.path("groups");
    if (!g.isMissingNode() && !g.isNull()) {
      if (!g.isArray()) {
        throw new IllegalArgumentException(where + ".groups must be a list");
      }
      for (int i = 0; i < g.size(); i++) {
        JsonNode x = g.get(i);
        if (!x.isTextual() || !name(x.textValue())) {
          throw new IllegalArgumentException(
              where + ".groups[" + i + "] must be a group name (1–" + MAX_NAME + " characters)");
        }
        groups.add(x.textValue());
      }
    }
    return new Identity(u.textValue(), groups);
  }

  private static boolean name(String s) {
    return s != null && s.length() <= MAX_NAME && NAME.matcher(s).matches();
  }

  /** The identity a Slack user acts as, or empty for a user not in the table. */
  public Optional<Identity> identityOf(String slackUserId) {
    return Optional.ofNullable(users.get(slackUserId));
  }

  /** How many users the table holds. */
  public int size() {
    return users.size();
  }
}
