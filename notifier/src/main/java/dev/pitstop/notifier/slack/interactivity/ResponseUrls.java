package dev.pitstop.notifier.slack.interactivity;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Which {@code response_url}s the notifier answers to: those starting with a configured prefix
 * ({@code NOTIFIER_SLACK_RESPONSE_URL_PREFIXES}, default {@code https://hooks.slack.com/}). The URL
 * comes in the (signed) request, but the notifier must not become a proxy to anywhere a forged or
 * replayed payload names. Pure.
 */
public final class ResponseUrls {
  /** Slack's {@code response_url}s live here. */
  public static final String SLACK = "https://hooks.slack.com/";

  private final List<String> prefixes;

  /**
   * @param prefixes absolute http(s) URL prefixes, each ending with {@code /}
   * @throws IllegalArgumentException naming a prefix that is not one
   */
  public ResponseUrls(List<String> prefixes) {
    for (String p : prefixes) {
      URI u;
      try {
        u = new URI(p);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(p + " is not a URL");
      }
      if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
          || u.getHost() == null
          || u.getRawUserInfo() != null
          || !p.endsWith("/")) {
        throw new IllegalArgumentException(
            p + " is not an http(s) URL prefix without user info ending with /");
      }
    }
    this.prefixes = List.copyOf(prefixes);
  }

  /** Whether the notifier may post to this URL. */
  public boolean allows(String url) {
    if (url == null) {
      return false;
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      return false;
    }
    if (u.getRawUserInfo() != null || u.getHost() == null || u.getRawPath() == null) {
      return false;
    }
    String normalized = u.normalize().toString();
    if (!normalized.equals(url) || url.contains("..")) {
      return false;
    }
    return prefixes.stream().anyMatch(url::startsWith);
  }

  @Override
  public String toString() {
    return String.join(",", prefixes);
  }
}
