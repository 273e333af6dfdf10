package dev.pitstop.notifier;

import dev.pitstop.notifier.delivery.RetryPolicy;
import dev.pitstop.notifier.routing.ChannelPolicy;
import dev.pitstop.notifier.routing.Endpoint;
import dev.pitstop.notifier.routing.Routes;
import dev.pitstop.notifier.routing.Subscription;
import dev.pitstop.notifier.routing.UrlPolicy;
import dev.pitstop.notifier.slack.SlackSettings;
import dev.pitstop.notifier.slack.StatusCard;
import dev.pitstop.notifier.slack.interactivity.InteractivityConfig;
import dev.pitstop.notifier.webhook.ContentMode;
import dev.pitstop.notifier.webhook.WebhookSigner;
import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import dev.pitstop.runtime.kafka.KafkaSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The notifier's configuration, read from environment variables.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PITSTOP_CLUSTER}</td><td>{@code sandbox}</td><td>the cluster's name</td></tr>
 *   <tr><td>{@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_*}</td><td>required</td>
 *       <td>Kafka client properties ({@link KafkaSettings})</td></tr>
 *   <tr><td>{@code PITSTOP_TOPIC_PREFIX}</td><td>{@code pitstop.}</td><td>topic name prefix</td></tr>
 *   <tr><td>{@code NOTIFIER_WEBHOOK_URLS}</td><td>none</td>
 *       <td>comma-separated absolute http(s) URLs that get every notable event; an entry
 *       prefixed {@code cdevents:} gets the CDEvents projection of run starts and finishes
 *       instead ({@code dev.pitstop.notifier.cdevents.CdEventsProjection})</td></tr>
 *   <tr><td>{@code NOTIFIER_MAX_ATTEMPTS}</td><td>5</td><td>attempts per event and endpoint, 1–100</td></tr>
 *   <tr><td>{@code NOTIFIER_RETRY_BASE}</td><td>{@code 500ms}</td>
 *       <td>backoff after the first failure, doubling (at least 1ms)</td></tr>
 *   <tr><td>{@code NOTIFIER_RETRY_MAX}</td><td>{@code 30s}</td>
 *       <td>the longest wait between attempts (at least the base)</td></tr>
 *   <tr><td>{@code NOTIFIER_REQUEST_TIMEOUT}</td><td>{@code 10s}</td><td>per attempt (at least 1ms)</td></tr>
 *   <tr><td>{@code NOTIFIER_QUEUE_CAPACITY}</td><td>10000</td>
 *       <td>events held per endpoint; beyond, events are dead-lettered</td></tr>
 *   <tr><td>{@code NOTIFIER_ENDPOINT_CONCURRENCY}</td><td>4</td>
 *       <td>runs delivered at once to one endpoint (each run in order)</td></tr>
 *   <tr><td>{@code NOTIFIER_WEBHOOK_CONTENT_MODE}</td><td>{@code binary}</td>
 *       <td>{@code binary} or {@code structured} CloudEvents over HTTP</td></tr>
 *   <tr><td>{@code NOTIFIER_WEBHOOK_SECRETS}</td><td>none</td>
 *       <td>comma-separated Standard Webhooks secrets ({@code whsec_<base64>}), the current one
 *       first; every one signs each request (rotation). Never logged.</td></tr>
 *   <tr><td>{@code NOTIFIER_WEBHOOK_SECRETS_FILE}</td><td>none</td>
 *       <td>a file with one secret per line ({@code #} comments), added after those of
 *       {@code NOTIFIER_WEBHOOK_SECRETS} (a mounted Kubernetes Secret)</td></tr>
 *   <tr><td>{@code NOTIFIER_ROUTES_FILE}</td><td>none</td>
 *       <td>YAML or JSON routes: match namespace, pipeline, event type, outcome → webhook or Slack
 *       channel ({@link Routes})</td></tr>
 *   <tr><td>{@code NOTIFIER_ANNOTATION_URL_ALLOWLIST}</td><td>none (refuse all)</td>
 *       <td>comma-separated URL prefixes or hosts ({@code *.example.com}) that
 *       {@code webhook.integrations.tekton.dev/url} may name ({@link UrlPolicy})</td></tr>
 *   <tr><td>{@code NOTIFIER_ANNOTATION_ALLOW_PRIVATE}</td><td>{@code false}</td>
 *       <td>let annotation URLs reach loopback, private, link-local and cluster-internal addresses
 *       (local runs and tests only)</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_CHANNEL_ALLOWLIST}</td><td>none (refuse all)</td>
 *       <td>comma-separated {@code namespace:channel} ({@code *:} for every namespace) that
 *       {@code slack.integrations.tekton.dev/channel} may name</td></tr>
 *   <tr><td>{@code NOTIFIER_MAX_ENDPOINTS}</td><td>1000</td>
 *       <td>endpoints (configured plus annotation ones) served at once; beyond, annotation
 *       subscriptions are refused</td></tr>
 *   <tr><td>{@code NOTIFIER_STATE_TOPIC}</td><td>{@code <prefix>notifier-state}</td>
 *       <td>the compacted topic of delivered ids and Slack cards, created at start-up if
 *       missing</td></tr>
 *   <tr><td>{@code NOTIFIER_STATE_CAPACITY}</td><td>100000</td>
 *       <td>keys remembered (delivered event × endpoint, Slack cards); the oldest are forgotten</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_TOKEN}</td><td>none</td>
 *       <td>the Slack bot token ({@code xoxb-...}); with it (or the file) Slack is enabled. Never
 *       logged, never read from annotations</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_TOKEN_FILE}</td><td>none</td>
 *       <td>a file holding the token (a mounted Secret); wins over {@code NOTIFIER_SLACK_TOKEN}</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_API_URL}</td><td>{@code https://slack.com/api/}</td>
 *       <td>the Web API's base URL (tests: the emulator's)</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_CARD_POST_ON}</td><td>{@code pause}</td>
 *       <td>when a run's card is first posted: {@code pause} (its first pause, or its failure when
 *       it never paused) or {@code start} (its first event)</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_CARD_GRACE}</td><td>{@code 10m}</td>
 *       <td>how long a finished run's card stays in the state topic before it is tombstoned</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_INTERVAL}</td><td>{@code 1s}</td>
 *       <td>the least time between two calls to one channel (at least 100ms)</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_WORKERS}</td><td>2</td>
 *       <td>threads of the worker pool making the SDK's blocking calls</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_MAX_CARDS}</td><td>10000</td><td>cards held in memory</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_SIGNING_SECRET}[{@code _FILE}], {@code NOTIFIER_SLACK_USERS_FILE},
 *       {@code NOTIFIER_SLACK_INTERACTIVITY_*}, ...</td><td>off</td>
 *       <td>the Slack interactivity endpoint ({@link InteractivityConfig})</td></tr>
 * </table>
 *
 * @param cluster the cluster's name ({@code PITSTOP_CLUSTER})
 * @param kafka how to reach Kafka and the topic names
 * @param webhooks the webhook endpoints, in configured order, each once
 * @param retry the retry policy
 * @param requestTimeout the longest one delivery attempt may take
 * @param queueCapacity events held per endpoint
 * @param endpointConcurrency runs delivered at once to one endpoint
 * @param contentMode how events are posted to webhooks
 * @param signer signs webhook requests (no secrets: unsigned)
 * @param routes the routes file's subscriptions, in file order
 * @param urlPolicy which annotation webhook URLs are allowed
 * @param channelPolicy which annotation Slack channels are allowed, per namespace
 * @param maxEndpoints endpoints served at once
 * @param stateTopic the compacted state topic
 * @param stateCapacity keys remembered in it
 * @param slack how to post to Slack, or null when no token is configured (Slack routes and
 *     annotations are then refused)
 * @param slackInteractivity the Slack buttons' endpoint, or null when off (no signing secret)
 */
public record NotifierConfig(
    String cluster,
    KafkaSettings kafka,
    List<Endpoint> webhooks,
    RetryPolicy retry,
    Duration requestTimeout,
    int queueCapacity,
    int endpointConcurrency,
    ContentMode contentMode,
    WebhookSigner signer,
    List<Subscription> routes,
    UrlPolicy urlPolicy,
    ChannelPolicy channelPolicy,
    int maxEndpoints,
    String stateTopic,
    int stateCapacity,
    SlackSettings slack,
    InteractivityConfig slackInteractivity) {
  public static final String CLUSTER = "PITSTOP_CLUSTER";
  public static final String WEBHOOK_URLS = "NOTIFIER_WEBHOOK_URLS";
  public static final String MAX_ATTEMPTS = "NOTIFIER_MAX_ATTEMPTS";
  public static final String RETRY_BASE = "NOTIFIER_RETRY_BASE";
  public static final String RETRY_MAX = "NOTIFIER_RETRY_MAX";
  public static final String REQUEST_TIMEOUT = "NOTIFIER_REQUEST_TIMEOUT";
  public static final String QUEUE_CAPACITY = "NOTIFIER_QUEUE_CAPACITY";
  public static final String ENDPOINT_CONCURRENCY = "NOTIFIER_ENDPOINT_CONCURRENCY";
  public static final String CONTENT_MODE = "NOTIFIER_WEBHOOK_CONTENT_MODE";
  public static final String SECRETS = "NOTIFIER_WEBHOOK_SECRETS";
  public static final String SECRETS_FILE = "NOTIFIER_WEBHOOK_SECRETS_FILE";
  public static final String ROUTES_FILE = "NOTIFIER_ROUTES_FILE";
  public static final String URL_ALLOWLIST = "NOTIFIER_ANNOTATION_URL_ALLOWLIST";
  public static final String ALLOW_PRIVATE = "NOTIFIER_ANNOTATION_ALLOW_PRIVATE";
  public static final String CHANNEL_ALLOWLIST = "NOTIFIER_SLACK_CHANNEL_ALLOWLIST";
  public static final String MAX_ENDPOINTS = "NOTIFIER_MAX_ENDPOINTS";
  public static final String STATE_TOPIC = "NOTIFIER_STATE_TOPIC";
  public static final String STATE_CAPACITY = "NOTIFIER_STATE_CAPACITY";
  public static final String SLACK_TOKEN = "NOTIFIER_SLACK_TOKEN";
  public static final String SLACK_TOKEN_FILE = "NOTIFIER_SLACK_TOKEN_FILE";
  public static final String SLACK_API_URL = "NOTIFIER_SLACK_API_URL";
  public static final String SLACK_CARD_POST_ON = "NOTIFIER_SLACK_CARD_POST_ON";
  public static final String SLACK_CARD_GRACE = "NOTIFIER_SLACK_CARD_GRACE";
  public static final String SLACK_INTERVAL = "NOTIFIER_SLACK_INTERVAL";
  public static final String SLACK_WORKERS = "NOTIFIER_SLACK_WORKERS";
  public static final String SLACK_MAX_CARDS = "NOTIFIER_SLACK_MAX_CARDS";

  public NotifierConfig {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(contentMode, "contentMode");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(urlPolicy, "urlPolicy");
    Objects.requireNonNull(channelPolicy, "channelPolicy");
    routes = List.copyOf(routes);
    webhooks = List.copyOf(webhooks);
  }

  /**
   * Reads the configuration.
   *
   * @param env environment variables (tests pass {@code Map.of(...)})
   * @throws ConfigException naming the first key whose value is missing or wrong
   */
  public static NotifierConfig fromMap(Map<String, String> env) {
    Settings s = new Settings(env);
    String cluster = s.string(CLUSTER, "sandbox");
    KafkaSettings kafka = KafkaSettings.from(s);
    List<Endpoint> webhooks = webhooks(s.list(WEBHOOK_URLS, List.of()));
    int maxAttempts = s.integer(MAX_ATTEMPTS, 5, 1, 100);
    Duration base = positive(s, RETRY_BASE, Duration.ofMillis(500));
    Duration max = positive(s, RETRY_MAX, Duration.ofSeconds(30));
    if (max.compareTo(base) < 0) {
      throw new ConfigException(
          RETRY_MAX
              + "="
              + max.toMillis()
              + "ms is shorter than "
              + RETRY_BASE
              + "="
              + base.toMillis()
              + "ms");
    }
    Duration timeout = positive(s, REQUEST_TIMEOUT, Duration.ofSeconds(10));
    int capacity = s.integer(QUEUE_CAPACITY, 10_000, 1, 1_000_000);
    int concurrency = s.integer(ENDPOINT_CONCURRENCY, 4, 1, 256);
    ContentMode mode;
    try {
      mode = ContentMode.of(s.string(CONTENT_MODE, "binary"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(CONTENT_MODE + ": " + e.getMessage());
    }
    WebhookSigner signer = signer(s);
    SlackSettings slack = slack(s);
    List<Subscription> routes = routes(s, slack != null);
    UrlPolicy urlPolicy;
    try {
      urlPolicy = new UrlPolicy(s.list(URL_ALLOWLIST, List.of()), s.bool(ALLOW_PRIVATE, false));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(URL_ALLOWLIST + ": " + e.getMessage());
    }
    ChannelPolicy channelPolicy;
    try {
      channelPolicy = ChannelPolicy.parse(s.list(CHANNEL_ALLOWLIST, List.of()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(CHANNEL_ALLOWLIST + ": " + e.getMessage());
    }
    int maxEndpoints = s.integer(MAX_ENDPOINTS, 1000, 1, 100_000);
    String stateTopic = s.string(STATE_TOPIC, kafka.topics().prefix() + "notifier-state");
    if (!stateTopic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new ConfigException(STATE_TOPIC + "=" + stateTopic + " is not a Kafka topic name");
    }
    int stateCapacity = s.integer(STATE_CAPACITY, 100_000, 100, 10_000_000);
    InteractivityConfig interactivity = InteractivityConfig.from(s);
    return new NotifierConfig(
        cluster,
        kafka,
        webhooks,
        new RetryPolicy(maxAttempts, base, max),
        timeout,
        capacity,
        concurrency,
        mode,
        signer,
        routes,
        urlPolicy,
        channelPolicy,
        maxEndpoints,
        stateTopic,
        stateCapacity,
        slack,
        interactivity);
  }

  /** Slack's settings, or null when neither token key is set. */
  private static SlackSettings slack(Settings s) {
    String token = s.string(SLACK_TOKEN, null);
    String file = s.string(SLACK_TOKEN_FILE, null);
    if (file != null && !file.isBlank()) {
      try {
        token = Files.readString(Path.of(file.strip())).strip();
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(
            SLACK_TOKEN_FILE + "=" + file + " cannot be read: " + e.getClass().getSimpleName());
      }
      if (token.isEmpty()) {
        throw new ConfigException(SLACK_TOKEN_FILE + "=" + file + " is empty");
      }
    }
    if (token == null || token.isBlank()) {
      return null;
    }
    token = token.strip();
    if (token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      // Said without the value: it is a secret.
      throw new ConfigException(
          SLACK_TOKEN + "/" + SLACK_TOKEN_FILE + ": the token holds spaces or control characters");
    }
    String url = s.string(SLACK_API_URL, "https://slack.com/api/").strip();
    URI api;
    try {
      api = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(SLACK_API_URL + "=" + url + " is not a URL");
    }
    if (!api.isAbsolute()
        || !("https".equals(api.getScheme()) || "http".equals(api.getScheme()))
        || api.getHost() == null) {
      throw new ConfigException(SLACK_API_URL + "=" + url + " is not an absolute http(s) URL");
    }
    StatusCard.PostOn postOn;
    try {
      postOn = StatusCard.PostOn.of(s.string(SLACK_CARD_POST_ON, "pause"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(SLACK_CARD_POST_ON + ": " + e.getMessage());
    }
    Duration grace = s.duration(SLACK_CARD_GRACE, Duration.ofMinutes(10));
    if (grace.isNegative()) {
      throw new ConfigException(SLACK_CARD_GRACE + " must not be negative");
    }
    Duration interval = s.duration(SLACK_INTERVAL, Duration.ofSeconds(1));
    if (interval.toMillis() < 100) {
      throw new ConfigException(SLACK_INTERVAL + " must be at least 100ms");
    }
    return new SlackSettings(
        token,
        url.endsWith("/") ? url : url + "/",
        postOn,
        grace,
        interval,
        s.integer(SLACK_WORKERS, 2, 1, 64),
        s.integer(SLACK_MAX_CARDS, 10_000, 10, 1_000_000));
  }

  private static List<Subscription> routes(Settings s, boolean slackEnabled) {
    String file = s.string(ROUTES_FILE, null);
    if (file == null || file.isBlank()) {
      return List.of();
    }
    String text;
    try {
      text = Files.readString(Path.of(file.strip()));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          ROUTES_FILE + "=" + file + " cannot be read: " + e.getClass().getSimpleName());
    }
    List<Subscription> routes;
    try {
      routes = Routes.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ROUTES_FILE + "=" + file + ": " + e.getMessage());
    }
    for (Subscription r : routes) {
      if (!r.endpoint().isSlack()) {
        continue;
      }
      if (!slackEnabled) {
        throw new ConfigException(
            ROUTES_FILE
                + "="
                + file
                + ": a route to "
                + r.endpoint()
                + " needs Slack, which is not configured ("
                + SLACK_TOKEN
                + ")");
      }
      if (!r.match().types().isEmpty() || !r.match().outcomes().isEmpty()) {
        // A Slack route gets the run's card, which follows every event of the run: a narrower
        // match would be silently widened, so it is refused.
        throw new ConfigException(
            ROUTES_FILE
                + "="
                + file
                + ": the route to "
                + r.endpoint()
                + " sets types or outcomes; a Slack route selects runs by namespaces and"
                + " pipelines only (it gets the run's status card)");
      }
    }
    return routes;
  }

  private static WebhookSigner signer(Settings s) {
    List<String> secrets = new ArrayList<>(s.list(SECRETS, List.of()));
    String source = SECRETS;
    String file = s.string(SECRETS_FILE, null);
    if (file != null && !file.isBlank()) {
      try {
        Files.readAllLines(Path.of(file.strip())).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .forEach(secrets::add);
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(
            SECRETS_FILE + "=" + file + " cannot be read: " + e.getClass().getSimpleName());
      }
      source = SECRETS + "/" + SECRETS_FILE;
    }
    try {
      return WebhookSigner.of(secrets);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  private static Duration positive(Settings s, String key, Duration dflt) {
    Duration d = s.duration(key, dflt);
    if (d.toMillis() < 1) {
      throw new ConfigException(key + " must be at least 1ms");
    }
    return d;
  }

  /** The prefix of a {@code NOTIFIER_WEBHOOK_URLS} entry that wants the CDEvents projection. */
  public static final String CDEVENTS_PREFIX = "cdevents:";

  private static List<Endpoint> webhooks(List<String> urls) {
    Set<Endpoint> seen = new LinkedHashSet<>();
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      String raw = urls.get(i);
      Endpoint.Format format = Endpoint.Format.PITSTOP;
      if (raw.regionMatches(true, 0, CDEVENTS_PREFIX, 0, CDEVENTS_PREFIX.length())) {
        format = Endpoint.Format.CDEVENTS;
        raw = raw.substring(CDEVENTS_PREFIX.length()).strip();
      }
      URI uri;
      try {
        uri = new URI(raw);
      } catch (URISyntaxException e) {
        throw new ConfigException(
            WEBHOOK_URLS + ": entry " + (i + 1) + " is not a URL: " + e.getReason());
      }
      Endpoint endpoint;
      try {
        endpoint = Endpoint.webhook(uri, format);
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new ConfigException(
            WEBHOOK_URLS + ": entry " + (i + 1) + " is not an absolute http(s) URL with a host");
      }
      if (!seen.add(endpoint)) {
        throw new ConfigException(
            WEBHOOK_URLS + ": entry " + (i + 1) + " (" + endpoint.name() + ") is listed twice");
      }
      out.add(endpoint);
    }
    return out;
  }
}
