package dev.pitstop.notifier.routing;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the notifier delivers events: a webhook URL receiving CloudEvents over HTTP, or a Slack
 * channel.
 *
 * @param name how logs and dead letters name the endpoint: for a webhook the URL without user info,
 *     query or fragment, which may hold secrets (e.g. {@code
 *     https://hooks.example.com:443/pitstop}); for Slack {@code slack:<channel>}
 * @param url for a webhook the absolute {@code http} or {@code https} URL events are posted to;
 *     null for Slack
 * @param channel for Slack the channel (a name such as {@code #ci} or an id such as {@code
 *     C0123ABCD}); null for a webhook
 * @param format what a webhook receives: Pitstop's own events or their CDEvents projection
 *     (docs/notifications.md "CDEvents"); always {@link Format#PITSTOP} for Slack; null means
 *     {@link Format#PITSTOP}
 */
public record Endpoint(String name, URI url, String channel, Format format) {
  /** What a webhook receives. */
  public enum Format {
    /** Pitstop's events ({@code dev.pitstop.*.v1}), the default. */
    PITSTOP,
    /**
     * The CDEvents projection of run starts and finishes ({@code dev.cdevents.pipelinerun.*},
     * {@code dev.cdevents.taskrun.*}; {@code dev.pitstop.notifier.cdevents}); nothing else.
     */
    CDEVENTS;

    /**
     * @throws IllegalArgumentException for anything but {@code pitstop} or {@code cdevents}
     */
    public static Format of(String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "pitstop" -> PITSTOP;
        case "cdevents" -> CDEVENTS;
        default ->
            throw new IllegalArgumentException(
                "\"" + text + "\" is not a webhook format: pitstop or cdevents");
      };
    }
  }

  /** A Slack channel: {@code #name} (lower case, digits, {@code -_.}, at most 80) or an id. */
  public static final Pattern SLACK_CHANNEL =
      Pattern.compile("#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,12}");

  /**
   * @throws IllegalArgumentException when a webhook's URL is not an absolute http(s) URL with a
   *     host, or a Slack channel is not a channel name or id
   */
  public Endpoint {
    Objects.requireNonNull(name, "name");
    format = format == null ? Format.PITSTOP : format;
    if (channel != null && format != Format.PITSTOP) {
      throw new IllegalArgumentException("a Slack channel has no format: " + name);
    }
    if ((url == null) == (channel == null)) {
      throw new IllegalArgumentException("an endpoint is either a URL or a Slack channel");
    }
    if (url != null) {
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!url.isAbsolute()
          || !(scheme.equals("http") || scheme.equals("https"))
          || url.getHost() == null) {
        throw new IllegalArgumentException("not an absolute http(s) URL with a host: " + name);
      }
    } else if (!SLACK_CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException(
          "not a Slack channel (#name or id): "
              + channel.substring(0, Math.min(80, channel.length())));
    }
  }

  /** A webhook or Slack endpoint in Pitstop's format. */
  public Endpoint(String name, URI url, String channel) {
    this(name, url, channel, Format.PITSTOP);
  }

  /** A webhook endpoint (kept for callers of the first version). */
  public Endpoint(String name, URI url) {
    this(name, url, null);
  }

  /** The webhook endpoint of a URL, named by its scheme, host, port and path. */
  public static Endpoint webhook(URI url) {
    return new Endpoint(displayName(url), url, null);
  }

  /**
   * The webhook endpoint of a URL in a format; a CDEvents one is named {@code cdevents:} and the
   * display name, so it is a different endpoint (queue, delivered ids) from the same URL in
   * Pitstop's format.
   */
  public static Endpoint webhook(URI url, Format format) {
    return format == Format.CDEVENTS
        ? new Endpoint("cdevents:" + displayName(url), url, null, format)
        : webhook(url);
  }

  /** The Slack endpoint of a channel, named {@code slack:<channel>}. */
  public static Endpoint slack(String channel) {
    return new Endpoint("slack:" + channel, null, channel);
  }

  /** True for a Slack channel. */
  public boolean isSlack() {
    return channel != null;
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
