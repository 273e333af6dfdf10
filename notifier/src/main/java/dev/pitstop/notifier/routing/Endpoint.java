package dev.pitstop.notifier.routing;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the notifier delivers events: today a webhook URL receiving CloudEvents over HTTP; Slack
 * channels will be endpoints too.
 *
 * @param name how logs and dead letters name the endpoint: the URL without user info, query or
 *     fragment, which may hold secrets (e.g. {@code https://hooks.example.com:443/pitstop})
 * @param url the absolute {@code http} or {@code https} URL events are posted to
 */
public record Endpoint(String name, URI url) {
  /**
   * @throws IllegalArgumentException when the URL is not an absolute http(s) URL with a host
   */
  public Endpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute()
        || !(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException("not an absolute http(s) URL with a host: " + name);
    }
  }

  /** The webhook endpoint of a URL, named by its scheme, host, port and path. */
  public static Endpoint webhook(URI url) {
    return new Endpoint(displayName(url), url);
  }

  /** {@code scheme://host[:port]/path}: the URL without user info, query and fragment. */
  public static String displayName(URI url) {
    StringBuilder b = new StringBuilder();
    b.append(url.getScheme()).append("://").append(url.getHost());
    if (url.getPort() >= 0) {
      b.append(':').append(url.getPort());
    }
    if (url.getRawPath() != null) {
      b.append(url.getRawPath());
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
