package dev.pitstop.sandbox.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sandbox API server's users and permissions: answers {@code TokenReview}
 * (authentication.k8s.io /v1) from a table of bearer tokens, and {@code SubjectAccessReview}
 * (authorization.k8s.io/v1) from a table of allowed (verb, resource, subresource, namespace) tuples
 * per user or group. A stand-in for a cluster's authenticator and RBAC, so that tests of 401/403
 * paths ask a real HTTP endpoint that can say no. Not RBAC: no roles, no bindings, no API groups,
 * no resource names, no non-resource URLs (a review about one is denied).
 *
 * <p>Every authenticated user also has the group {@code system:authenticated} (as Kubernetes adds).
 * Thread-safe; rules and users may be added while the server runs.
 */
public final class AccessTable {

  /** {@code "*"}: matches any verb, resource, subresource or namespace in a {@link Rule}. */
  public static final String ANY = "*";

  /** The group every authenticated user has. */
  public static final String AUTHENTICATED = "system:authenticated";

  /**
   * A user known by a bearer token.
   *
   * @param username e.g. {@code alice} or {@code system:serviceaccount:ns:sa}
   * @param uid a stable id (the sandbox derives one from the username when none is given)
   * @param groups the user's groups, without {@code system:authenticated} (added when reviewed)
   */
  public record User(String username, String uid, List<String> groups) {
    public User {
      Objects.requireNonNull(username, "username");
      uid = uid == null ? "sandbox-" + username : uid;
      groups = List.copyOf(groups == null ? List.of() : groups);
    }
  }

  /**
   * One allowed tuple. Each of verb, resource, subresource and namespace is an exact value or
   * {@link #ANY}; an empty subresource matches only requests without one; a null namespace means
   * {@link #ANY}.
   *
   * @param subject a username, or a group name prefixed {@code group:} (e.g. {@code
   *     group:system:authenticated})
   */
  public record Rule(
      String subject, String verb, String resource, String subresource, String namespace) {
    public Rule {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(resource, "resource");
      subresource = subresource == null ? "" : subresource;
      namespace = namespace == null ? ANY : namespace;
    }

    boolean matches(String verb, String resource, String subresource, String namespace) {
      return match(this.verb, verb)
          && match(this.resource, resource)
          && match(this.subresource, subresource == null ? "" : subresource)
          && match(this.namespace, namespace == null ? "" : namespace);
    }

    private static boolean match(String pattern, String value) {
      return ANY.equals(pattern) || pattern.equals(value);
    }

    @Override
    public String toString() {
      return subject
          + " may "
          + verb
          + " "
          + resource
          + (subresource.isEmpty() ? "" : "/" + subresource)
          + " in namespace "
          + namespace;
    }
  }

  /**
   * The answer to a review.
   *
   * @param allowed true when a rule allows the request
   * @param reason which rule allowed it, or why nothing did
   */
  public record Decision(boolean allowed, String reason) {}

  private final Map<String, User> byToken = new ConcurrentHashMap<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  /**
   * Adds (or replaces) a user known by {@code token}.
   *
   * @return this
   */
  public AccessTable addUser(String token, String username, String... groups) {
    Objects.requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    byToken.put(token, new User(username, null, List.of(groups)));
    return this;
  }

  /**
   * Allows {@code subject} (a username, or {@code group:<name>}) to {@code verb} {@code
   * resource[/subresource]} in {@code namespace} ({@link #ANY} or null for all namespaces).
   *
   * @return this
   */
  public AccessTable allow(
      String subject, String verb, String resource, String subresource, String namespace) {
    rules.add(new Rule(subject, verb, resource, subresource, namespace));
    return this;
  }

  /** The user holding {@code token}, if any. */
  public Optional<User> authenticate(String token) {
    return token == null ? Optional.empty() : Optional.ofNullable(byToken.get(token));
  }

  /**
   * Decides whether {@code user} (with {@code groups}) may do the request.
   *
   * @param namespace null or empty for a cluster-scoped request
   */
  public Decision authorize(
      String user,
      List<String> groups,
      String verb,
      String resource,
      String subresource,
      String namespace) {
    List<String> subjects = new ArrayList<>();
    if (user != null) {
      subjects.add(user);
    }
    for (String g : groups == null ? List.<String>of() : groups) {
      subjects.add("group:" + g);
    }
    for (Rule r : rules) {
      if (subjects.contains(r.subject()) && r.matches(verb, resource, subresource, namespace)) {
        return new Decision(true, "sandbox: allowed by rule \"" + r + "\"");
      }
    }
    String what =
        resource + (subresource == null || subresource.isEmpty() ? "" : "/" + subresource);
    return new Decision(
        false,
        "sandbox: no rule allows user \""
            + user
            + "\" (groups "
            + (groups == null ? List.of() : groups)
            + ") to "
            + verb
            + " "
            + what
            + (namespace == null || namespace.isEmpty()
                ? " at the cluster scope"
                : " in namespace \"" + namespace + "\""));
  }
}
