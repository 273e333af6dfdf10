package dev.pitstop.notifier.routing;

import dev.pitstop.events.data.RunRef;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Subscriptions a run asks for by annotation, as TEP-0004 ("Tekton Integrations") proposed: {@value
 * #WEBHOOK} (comma-separated URLs) and {@value #SLACK} (comma-separated channels), at most {@value
 * #MAX_PER_ANNOTATION} each. The annotations reach the notifier through the watcher's {@code
 * WATCHER_ANNOTATION_ALLOWLIST} (it must include {@code webhook.integrations.tekton.dev/} and
 * {@code slack.integrations.tekton.dev/}); Tekton copies a PipelineRun's annotations to its
 * TaskRuns, so a child TaskRun's events carry them too.
 *
 * <p>Pure: it applies the {@link UrlPolicy} allowlist and the {@link ChannelPolicy}; resolving a
 * host and checking its addresses is the adapter's ({@link UrlPolicy#checkAddresses}). An accepted
 * subscription gets every notable event of the run.
 */
public final class AnnotationSubscriptions {
  public static final String WEBHOOK = "webhook.integrations.tekton.dev/url";
  public static final String SLACK = "slack.integrations.tekton.dev/channel";
  public static final int MAX_PER_ANNOTATION = 3;

  /** What one annotation entry came to. */
  public sealed interface Requested {
    /** The annotation's key. */
    String annotation();
  }

  /**
   * A subscription that passed the allowlists.
   *
   * @param host for a webhook, the host to resolve and check; null for Slack
   */
  public record Accepted(String annotation, Endpoint endpoint, String host) implements Requested {}

  /**
   * A refused subscription, to be reported (never dropped silently).
   *
   * @param shown the value as it may be shown in logs and dead letters: a URL without user info,
   *     query and fragment, bounded
   * @param reason why
   */
  public record Rejected(String annotation, String shown, String reason) implements Requested {}

  private final UrlPolicy urls;
  private final ChannelPolicy channels;
  private final boolean slackEnabled;

  public AnnotationSubscriptions(UrlPolicy urls, ChannelPolicy channels, boolean slackEnabled) {
    this.urls = urls;
    this.channels = channels;
    this.slackEnabled = slackEnabled;
  }

  /** The subscriptions the run's annotations ask for, webhooks first, each once. */
  public List<Requested> of(RunRef run) {
    List<Requested> out = new ArrayList<>();
    String w = run.annotations().get(WEBHOOK);
    if (w != null) {
      List<String> values = split(w);
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i);
        if (i >= MAX_PER_ANNOTATION) {
          out.add(new Rejected(WEBHOOK, shown(v), "more than " + MAX_PER_ANNOTATION + " URLs"));
          continue;
        }
        Optional<String> why = urls.checkUrl(v);
        if (why.isPresent()) {
          out.add(new Rejected(WEBHOOK, shown(v), why.get()));
          continue;
        }
        URI url = URI.create(v.strip()).normalize();
        out.add(new Accepted(WEBHOOK, Endpoint.webhook(url), UrlPolicy.host(url)));
      }
    }
    String s = run.annotations().get(SLACK);
    if (s != null) {
      List<String> values = split(s);
      for (int i = 0; i < values.size(); i++) {
        String c = values.get(i);
        String shown = bounded(c);
        if (i >= MAX_PER_ANNOTATION) {
          out.add(new Rejected(SLACK, shown, "more than " + MAX_PER_ANNOTATION + " channels"));
        } else if (!slackEnabled) {
          out.add(new Rejected(SLACK, shown, "Slack is not configured"));
        } else if (!Endpoint.SLACK_CHANNEL.matcher(c).matches()) {
          out.add(new Rejected(SLACK, shown, "not a Slack channel (#name or id)"));
        } else if (!channels.allows(run.namespace(), c)) {
          out.add(
              new Rejected(SLACK, shown, "channel not allowed for namespace " + run.namespace()));
        } else {
          out.add(new Accepted(SLACK, Endpoint.slack(c), null));
        }
      }
    }
    return out;
  }

  private static List<String> split(String v) {
    Set<String> out = new LinkedHashSet<>();
    for (String p : v.split(",")) {
      if (!p.isBlank()) {
        out.add(p.strip());
      }
    }
    return new ArrayList<>(out);
  }

  /** A URL as it may be logged: no user info, query or fragment; bounded and printable. */
  static String shown(String raw) {
    String s = raw;
    int q = s.indexOf('?');
    if (q >= 0) {
      s = s.substring(0, q);
    }
    int f = s.indexOf('#');
    if (f >= 0) {
      s = s.substring(0, f);
    }
    int scheme = s.indexOf("://");
    int at = s.indexOf('@');
    if (scheme >= 0 && at > scheme) {
      s = s.substring(0, scheme + 3) + s.substring(at + 1);
    }
    return bounded(s);
  }

  private static String bounded(String s) {
    String t = s.replaceAll("\\p{Cntrl}+", " ").strip();
    return t.length() > 120 ? t.substring(0, 120) + "…" : t;
  }
}
