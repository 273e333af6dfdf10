package dev.pitstop.notifier.routing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which webhook URLs a run's annotation may name, so that whoever can create a run cannot turn the
 * notifier into an SSRF proxy (OWASP SSRF Prevention Cheat Sheet: allowlist, then resolve and check
 * the addresses). Pure: name resolution is the caller's ({@link #checkAddresses}).
 *
 * <p>An allowlist entry is either a URL prefix ({@code https://hooks.example.com/team-a/}: same
 * scheme, host and port, and the URL's normalized path starts with the entry's path) or a host
 * ({@code hooks.example.com}, or {@code *.example.com} for its subdomains), any path, http or
 * https. An empty allowlist refuses every annotation URL. URLs with user info are refused (they
 * would smuggle credentials and confuse host parsing).
 *
 * <p>Unless {@code allowPrivate}, a URL is refused when its host is cluster-internal by name (no
 * dot, or ending in {@code .svc}, {@code .cluster.local}, {@code .local}, {@code .internal}, {@code
 * localhost}) or when any address it resolves to is loopback, link-local (including the cloud
 * metadata address 169.254.169.254), private (RFC 1918, IPv6 unique-local fc00::/7), carrier-grade
 * NAT (100.64.0.0/10), "this network" (0.0.0.0/8), or multicast. Kubernetes Pod and Service
 * networks are private ranges in practice; a cluster with public Pod addresses relies on the
 * allowlist alone.
 *
 * @param allowed the allowlist entries
 * @param allowPrivate whether private, loopback and cluster-internal destinations are allowed (for
 *     local runs and tests only)
 */
public record UrlPolicy(List<String> allowed, boolean allowPrivate) {
  /** The longest annotation URL accepted, in characters. */
  public static final int MAX_URL = 2048;

  private record Entry(String scheme, String host, boolean wildcard, int port, String path) {}

  public UrlPolicy {
    allowed = List.copyOf(allowed);
    for (String a : allowed) {
      entry(a);
    }
  }

  /** Refuses everything. */
  public static final UrlPolicy DENY_ALL = new UrlPolicy(List.of(), false);

  /**
   * Why the URL may not be used, before resolution; empty when it passes the allowlist.
   *
   * @param raw the annotation's value (untrusted)
   */
  public Optional<String> checkUrl(String raw) {
    if (raw.length() > MAX_URL) {
      return Optional.of("URL longer than " + MAX_URL + " characters");
    }
    URI url;
    try {
      url = new URI(raw.strip()).normalize();
    } catch (URISyntaxException e) {
      return Optional.of("not a URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      return Optional.of("not an absolute http(s) URL");
    }
    if (url.getRawUserInfo() != null) {
      return Optional.of("user info in the URL is not allowed");
    }
    String host = host(url);
    if (host == null || host.isEmpty()) {
      return Optional.of("no host");
    }
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (path.contains("/../") || path.endsWith("/..")) {
      return Optional.of("the path climbs above the root");
    }
    if (!allowPrivate && internalName(host)) {
      return Optional.of("host " + host + " is cluster-internal");
    }
    int port = port(url, scheme);
    for (String a : allowed) {
      Entry e = entry(a);
      boolean hostOk = e.wildcard() ? host.endsWith("." + e.host()) : host.equals(e.host());
      if (!hostOk) {
        continue;
      }
      if (e.scheme() == null) {
        return Optional.empty();
      }
      if (e.scheme().equals(scheme) && e.port() == port && path.startsWith(e.path())) {
        return Optional.empty();
      }
    }
    return Optional.of("host " + host + " and path are not on the allowlist");
  }

  /**
   * Why the addresses a host resolved to may not be used; empty when all are public (or private
   * ones are allowed).
   *
   * @param addresses every address the host resolved to (all are checked: a client may use any)
   */
  public Optional<String> checkAddresses(String host, List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      return Optional.of("host " + host + " has no address");
    }
    if (allowPrivate) {
      return Optional.empty();
    }
    for (InetAddress a : addresses) {
      String why = blocked(a);
      if (why != null) {
        return Optional.of(
            "host " + host + " resolves to " + why + " address " + a.getHostAddress());
      }
    }
    return Optional.empty();
  }

  /** Why an address is not public ("loopback", "private", ...), or null when it is. */
  static String blocked(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return "a loopback";
    }
    if (a.isLinkLocalAddress()) {
      return "a link-local";
    }
    if (a.isSiteLocalAddress()) {
      return "a private";
    }
    if (a.isAnyLocalAddress()) {
      return "an unspecified";
    }
    if (a.isMulticastAddress()) {
      return "a multicast";
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 0) {
        return "a this-network";
      }
      if (first == 100 && second >= 64 && second < 128) {
        return "a carrier-grade NAT";
      }
      if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
        return "an IETF-reserved";
      }
      if (first >= 240) {
        return "a reserved";
      }
    } else if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return "a unique-local";
      }
      boolean v4compat = true;
      for (int i = 0; i < 12; i++) {
        v4compat &= b[i] == 0;
      }
      if (v4compat) {
        return "an IPv4-compatible";
      }
    }
    return null;
  }

  /** The URL's host, lower case, without brackets or a trailing dot; null when none. */
  public static String host(URI url) {
    String h = url.getHost();
    if (h == null) {
      return null;
    }
    h = h.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  private static boolean internalName(String host) {
    if (host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
      return false; // an address literal: checked by address
    }
    return !host.contains(".")
        || host.equals("localhost")
        || host.endsWith(".localhost")
        || host.endsWith(".svc")
        || host.endsWith(".cluster.local")
        || host.endsWith(".local")
        || host.endsWith(".internal");
  }

  private static int port(URI url, String scheme) {
    if (url.getPort() >= 0) {
      return url.getPort();
    }
    return scheme.equals("https") ? 443 : 80;
  }

  private static Entry entry(String a) {
    String s = a.strip();
    if (s.contains("://")) {
      URI u;
      try {
        u = new URI(s).normalize();
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("allowlist entry \"" + s + "\" is not a URL");
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      String host = host(u);
      if (!(scheme.equals("http") || scheme.equals("https")) || host == null) {
        throw new IllegalArgumentException(
            "allowlist entry \"" + s + "\" is not an absolute http(s) URL prefix");
      }
      String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      return new Entry(scheme, host, false, port(u, scheme), path);
    }
    String host = s.toLowerCase(Locale.ROOT);
    boolean wildcard = host.startsWith("*.");
    if (wildcard) {
      host = host.substring(2);
    }
    if (host.isEmpty() || !host.matches("[a-z0-9.:\\[\\]-]+")) {
      throw new IllegalArgumentException(
          "allowlist entry \"" + s + "\" is not a host or URL prefix");
    }
    return new Entry(null, host.replace("[", "").replace("]", ""), wildcard, -1, "/");
  }

  /** The entries parsed, for a configuration check: throws on the first bad one. */
  public static List<String> validated(List<String> entries) {
    List<String> out = new ArrayList<>();
    for (String e : entries) {
      entry(e);
      out.add(e.strip());
    }
    return out;
  }
}
