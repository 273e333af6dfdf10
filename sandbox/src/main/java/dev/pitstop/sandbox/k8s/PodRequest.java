package dev.pitstop.sandbox.k8s;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request to a Pod subresource, parsed from its URI: {@code
 * /api/v1/namespaces/{ns}/pods/{pod}/{subresource}?query}.
 *
 * @param namespace the Pod's namespace
 * @param pod the Pod's name
 * @param subresource e.g. {@code log} or {@code exec}
 * @param query every query parameter, URL-decoded, values in order (repeated keys such as {@code
 *     command} keep all their values)
 */
record PodRequest(
    String namespace, String pod, String subresource, Map<String, List<String>> query) {

  private static final Pattern PATH =
      Pattern.compile("^/api/v1/namespaces/([^/?]+)/pods/([^/?]+)/([^/?]+)/?(?:\\?(.*))?$");

  /** Parses a URI; empty if it does not name a Pod subresource. */
  static Optional<PodRequest> parse(String uri) {
    Matcher m = PATH.matcher(uri);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new PodRequest(decode(m.group(1)), decode(m.group(2)), m.group(3), parseQuery(m.group(4))));
  }

  /** The first value of a parameter, if present. */
  Optional<String> param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** All values of a parameter, in order; empty if absent. */
  List<String> params(String name) {
    return query.getOrDefault(name, List.of());
  }

  /** A boolean parameter as the API server reads it ({@code true}/{@code 1}); else false. */
  boolean flag(String name) {
    return param(name).map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(false);
  }

  static Map<String, List<String>> parseQuery(String query) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return result;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      result.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return result;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
