package dev.pitstop.notifier.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pitstop.events.EventType;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The routes file: platform-wide subscriptions, in YAML or JSON (JSON is YAML). Pure parsing.
 *
 * <pre>{@code
 * routes:
 *   - name: release-failures          # optional, for logs
 *     match:                          # optional; every list is optional, empty = any
 *       namespaces: [ci, prod]
 *       pipelines: [release]
 *       types: [pipelinerun.finished] # short or full CloudEvents type names
 *       outcomes: [failed]            # succeeded | failed: only *.finished events then match
 *     webhook: https://oncall.example.com/pitstop
 *   - match: {namespaces: [ci]}
 *     webhook: https://cd.example.com/events
 *     format: cdevents                # pitstop (default) | cdevents: webhooks only
 *   - match: {namespaces: [ci]}
 *     slack: "#ci-builds"             # a channel name or id
 * }</pre>
 *
 * Each route has exactly one of {@code webhook} and {@code slack}. Unknown keys are errors, so a
 * typo does not silently widen a route. Routes are written by the platform team, so their URLs are
 * not subject to the annotation allowlist.
 */
public final class Routes {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> ROUTE_KEYS =
      Set.of("name", "match", "webhook", "slack", "format");
  private static final Set<String> MATCH_KEYS =
      Set.of("namespaces", "pipelines", "types", "outcomes");

  private Routes() {}

  /**
   * Parses a routes document.
   *
   * @return the subscriptions, in file order (empty for an empty document)
   * @throws IllegalArgumentException saying which route and key is wrong
   */
  public static List<Subscription> parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("not YAML or JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return List.of();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("the document must be a map with a routes list");
    }
    unknownKeys(root, Set.of("routes"), "the document");
    JsonNode routes = root.path("routes");
    if (routes.isMissingNode() || routes.isNull()) {
      return List.of();
    }
    if (!routes.isArray()) {
      throw new IllegalArgumentException("routes must be a list");
    }
    List<Subscription> out = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      out.add(route(routes.get(i), "route " + (i + 1)));
    }
    return out;
  }

  private static Subscription route(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + " must be a map");
    }
    if (node.hasNonNull("name")) {
      where = where + " (" + node.get("name").asText() + ")";
    }
    unknownKeys(node, ROUTE_KEYS, where);
    boolean webhook = node.hasNonNull("webhook");
    boolean slack = node.hasNonNull("slack");
    if (webhook == slack) {
      throw new IllegalArgumentException(where + " needs exactly one of webhook and slack");
    }
    Endpoint.Format format = Endpoint.Format.PITSTOP;
    if (node.hasNonNull("format")) {
      if (!webhook) {
        throw new IllegalArgumentException(where + ": format is for webhooks only");
      }
      try {
        format = Endpoint.Format.of(node.get("format").asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }
    Endpoint endpoint;
    try {
      if (webhook) {
        endpoint = Endpoint.webhook(new URI(node.get("webhook").asText().strip()), format);
      } else {
        endpoint = Endpoint.slack(node.get("slack").asText().strip());
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": " + (webhook ? "webhook is not an absolute http(s) URL" : e.getMessage()));
    }
    JsonNode m = node.path("match");
    if (m.isMissingNode() || m.isNull()) {
      return Subscription.toAll(endpoint);
    }
    if (!m.isObject()) {
      throw new IllegalArgumentException(where + ": match must be a map");
    }
    unknownKeys(m, MATCH_KEYS, where + " match");
    Set<EventType> types = new LinkedHashSet<>();
    for (String t : strings(m, "types", where)) {
      try {
        types.add(Match.typeNamed(t));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }
    try {
      return new Subscription(
          endpoint,
          new Match(
              strings(m, "namespaces", where),
              strings(m, "pipelines", where),
              types,
              strings(m, "outcomes", where)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }

  private static Set<String> strings(JsonNode m, String key, String where) {
    JsonNode n = m.path(key);
    Set<String> out = new LinkedHashSet<>();
    if (n.isMissingNode() || n.isNull()) {
      return out;
    }
    if (n.isTextual()) {
      out.add(n.asText().strip());
      return out;
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException(where + ": " + key + " must be a list of strings");
    }
    for (JsonNode v : n) {
      if (!v.isValueNode()) {
        throw new IllegalArgumentException(where + ": " + key + " must be a list of strings");
      }
      out.add(v.asText().strip());
    }
    return out;
  }

  private static void unknownKeys(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new IllegalArgumentException(
            where
                + ": unknown key \""
                + k
                + "\" (expected one of "
                + new java.util.TreeSet<>(known)
                + ")");
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
