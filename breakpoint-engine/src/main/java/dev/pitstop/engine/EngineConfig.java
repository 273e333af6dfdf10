package dev.pitstop.engine;

import dev.pitstop.engine.api.ApiTokens;
import dev.pitstop.engine.breakpoint.ShellLessRelease;
import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import dev.pitstop.runtime.kafka.KafkaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The breakpoint engine's configuration, read from environment variables.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PITSTOP_CLUSTER}</td><td>{@code sandbox}</td><td>cluster name in event sources</td></tr>
 *   <tr><td>{@code KAFKA_BOOTSTRAP_SERVERS}</td><td>required</td><td>and every other {@code KAFKA_*}
 *       key, passed to the Kafka clients ({@link KafkaSettings})</td></tr>
 *   <tr><td>{@code PITSTOP_TOPIC_PREFIX}</td><td>{@code pitstop.}</td><td>topic name prefix</td></tr>
 *   <tr><td>{@code ENGINE_HTTP_HOST}</td><td>{@code 0.0.0.0}</td><td>HTTP API bind address</td></tr>
 *   <tr><td>{@code ENGINE_HTTP_PORT}</td><td>{@code 8081}</td><td>HTTP API port; 0 = any free
 *       port</td></tr>
 *   <tr><td>{@code ENGINE_API_TOKENS}</td><td>one of the two required</td><td>comma list of {@code
 *       user=token}</td></tr>
 *   <tr><td>{@code ENGINE_API_TOKENS_FILE}</td><td></td><td>a file of {@code user=token} lines
 *       (e.g. a mounted Secret); not together with {@code ENGINE_API_TOKENS}</td></tr>
 *   <tr><td>{@code ENGINE_EXEC_TIMEOUT}</td><td>{@code 30s}</td><td>how long a release's exec may
 *       take (500ms ... 10m)</td></tr>
 *   <tr><td>{@code ENGINE_AUTH}</td><td>{@code tokens}</td><td>{@code tokens}: bearer tokens from
 *       the two keys above; {@code kubernetes}: Kubernetes TokenReview of the caller's token (the
 *       token keys are then optional and unused)</td></tr>
 *   <tr><td>{@code ENGINE_AUTHORIZE_COMMANDS}</td><td>{@code true} with {@code kubernetes}, else
 *       {@code false}</td><td>SubjectAccessReview ({@code create pods/exec} in the run's
 *       namespace) at the API (403) and for every command consumed ({@code Forbidden})</td></tr>
 *   <tr><td>{@code ENGINE_WEBHOOK_CERT_FILE}, {@code ENGINE_WEBHOOK_KEY_FILE}</td><td>unset: no
 *       webhook</td><td>PEM certificate chain and private key of the admission webhook's TLS
 *       server; both or neither</td></tr>
 *   <tr><td>{@code ENGINE_WEBHOOK_HOST}</td><td>{@code 0.0.0.0}</td><td>webhook bind
 *       address</td></tr>
 *   <tr><td>{@code ENGINE_WEBHOOK_PORT}</td><td>{@code 8443}</td><td>webhook port; 0 = any free
 *       port</td></tr>
 *   <tr><td>{@code ENGINE_TEKTON_NAMESPACE}</td><td>{@code tekton-pipelines}</td><td>where
 *       Tekton's ConfigMap {@code feature-flags} lives</td></tr>
 *   <tr><td>{@code ENGINE_KUBERNETES_EVENTS}</td><td>{@code true}</td><td>also report breakpoint
 *       warnings as Kubernetes Events on the run</td></tr>
 *   <tr><td>{@code ENGINE_STATE_TOPIC}</td><td>{@code <prefix>breakpoint-engine.state}</td><td>the
 *       compacted topic of live breakpoints, holds and handled commands, created at start-up if
 *       missing</td></tr>
 *   <tr><td>{@code ENGINE_STATE_PARTITIONS}</td><td>unset: the observations topic's</td><td>its
 *       partition count; start-up fails unless it equals the observations and commands topics'
 *       (which must be equal too)</td></tr>
 *   <tr><td>{@code ENGINE_TIMEOUT_WARN_BEFORE}</td><td>{@code 5m}</td><td>how long before a deadline
 *       (TaskRun timeout, {@code debug.timeout}) to warn, unless the annotation says {@code
 *       warnBefore}</td></tr>
 *   <tr><td>{@code ENGINE_TIMEOUT_TICK}</td><td>{@code 5s}</td><td>how often deadlines are checked
 *       (100ms ... 1m)</td></tr>
 *   <tr><td>{@code ENGINE_RELEASE_IMAGE}</td><td>{@value #DEFAULT_RELEASE_IMAGE}</td><td>the image
 *       of the ephemeral container that releases a step whose image has no shell; needs {@code
 *       sh}, {@code touch}, {@code echo}; pinned by a tag (not {@code latest}) or a digest</td></tr>
 *   <tr><td>{@code ENGINE_RELEASE_CONTAINER_TIMEOUT}</td><td>{@code 2m}</td><td>how long such a
 *       container may take, from its addition, to terminate (image pull included) before the
 *       command is rejected and the step stays paused (5s ... 30m)</td></tr>
 *   <tr><td>{@code ENGINE_API_COMMAND_WAIT}</td><td>{@code 10s}</td><td>how long a release
 *       request to the API waits for the decision of the instance owning the run before answering
 *       202 with the command id (0s ... 60s; 0s: answer 202 at once)</td></tr>
 *   <tr><td>{@code ENGINE_AUTH_CACHE_TOKEN_TTL}</td><td>{@code 30s}</td><td>how long a
 *       TokenReview that authenticated a token is kept (0s ... 10m; 0s: not kept; {@link
 *       dev.pitstop.engine.auth.CachingAuthenticator})</td></tr>
 *   <tr><td>{@code ENGINE_AUTH_CACHE_ALLOWED_TTL}</td><td>{@code 10s}</td><td>how long a
 *       SubjectAccessReview that allowed a release is kept (0s ... 10m; 0s: not kept; {@link
 *       dev.pitstop.engine.auth.CachingAuthorizer})</td></tr>
 *   <tr><td>{@code ENGINE_AUTH_CACHE_DENIED_TTL}</td><td>{@code 5s}</td><td>how long a denial
 *       (SubjectAccessReview not allowed, TokenReview not authenticated) is kept (0s ... 10m; 0s:
 *       not kept)</td></tr>
 *   <tr><td>{@code ENGINE_AUTH_CACHE_ENTRIES}</td><td>{@code 10000}</td><td>how many answers each
 *       of the two caches keeps at most (1 ... 1000000)</td></tr>
 * </table>
 *
 * <p>A review that failed (no answer) is never kept.
 *
 * <p>The engine's consumer group uses Kafka's range assignor (so partition {@code p} of the
 * observations and of the commands topic go to the same instance); {@code
 * KAFKA_PARTITION_ASSIGNMENT_STRATEGY} or {@code KAFKA_GROUP_REMOTE_ASSIGNOR} naming another
 * assignor is refused.
 *
 * @param cluster the cluster name
 * @param kafka Kafka client settings and topic names
 * @param httpHost the API's bind address
 * @param httpPort the API's port (0 = any)
 * @param tokens the API's bearer tokens (printed without their values)
 * @param execTimeout the limit of one exec
 * @param auth how callers of the API are authenticated
 * @param authorizeCommands whether releases are authorized by SubjectAccessReview
 * @param webhook the admission webhook's server, or null when not served
 * @param tektonNamespace Tekton's namespace ({@code feature-flags})
 * @param kubernetesEvents whether warnings also become Kubernetes Events
 * @param stateTopic the compacted state topic
 * @param statePartitions its expected partition count, 0 = the observations topic's
 * @param timeoutWarnBefore the default warning lead
 * @param timeoutTick how often the timeout policy runs
 * @param releaseImage the image of shell-less releases' ephemeral containers
 * @param releaseContainerTimeout how long a release container may take to terminate
 * @param apiCommandWait how long the API waits for a command's outcome before answering 202
 * @param namespaces the namespaces served ({@link NamespaceScope#ALL}: every one)
 * @param authCache how long review answers are kept
 */
public record EngineConfig(
    String cluster,
    KafkaSettings kafka,
    String httpHost,
    int httpPort,
    ApiTokens tokens,
    Duration execTimeout,
    Auth auth,
    boolean authorizeCommands,
    Webhook webhook,
    String tektonNamespace,
    boolean kubernetesEvents,
    String stateTopic,
    int statePartitions,
    Duration timeoutWarnBefore,
    Duration timeoutTick,
    String releaseImage,
    Duration releaseContainerTimeout,
    Duration apiCommandWait,
    NamespaceScope namespaces,
    AuthCache authCache) {

  /**
   * How long TokenReview and SubjectAccessReview answers are kept (zero: not kept).
   *
   * @param tokenTtl an authenticated token's identity
   * @param allowedTtl an allowed release
   * @param deniedTtl a denied release or a token not authenticated
   * @param entries the bound of each cache
   */
  public record AuthCache(
      Duration tokenTtl, Duration allowedTtl, Duration deniedTtl, long entries) {
    /** The defaults: 30 s, 10 s, 5 s, 10,000 entries. */
    public static final AuthCache DEFAULTS =
        new AuthCache(
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5), 10_000);
  }

  /** The default {@code ENGINE_RELEASE_IMAGE}: busybox, pinned by tag. */
  public static final String DEFAULT_RELEASE_IMAGE = "busybox:1.36.1";

  /** How the HTTP API authenticates callers. */
  public enum Auth {
    /** Static bearer tokens ({@code ENGINE_API_TOKENS[_FILE]}). */
    TOKENS,
    /** Kubernetes TokenReview. */
    KUBERNETES
  }

  /**
   * The admission webhook's TLS server.
   *
   * @param certFile PEM certificate (chain)
   * @param keyFile PEM private key
   */
  public record Webhook(String host, int port, String certFile, String keyFile) {}

  public static final String SERVICE = "breakpoint-engine";

  /** The only classic-protocol assignor the engine's group may use. */
  public static final String RANGE_ASSIGNOR = "org.apache.kafka.clients.consumer.RangeAssignor";

  /**
   * @throws ConfigException naming the first key whose value is missing or invalid
   */
  public static EngineConfig fromMap(Map<String, String> env) {
    Settings s = new Settings(env);
    Duration execTimeout = s.duration("ENGINE_EXEC_TIMEOUT", Duration.ofSeconds(30));
    if (execTimeout.compareTo(Duration.ofMillis(500)) < 0
        || execTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException(
          "ENGINE_EXEC_TIMEOUT=" + execTimeout + " is out of range [500ms, 10m]");
    }
    Auth auth =
        switch (s.string("ENGINE_AUTH", "tokens")) {
          case "tokens" -> Auth.TOKENS;
          case "kubernetes" -> Auth.KUBERNETES;
          default ->
              throw new ConfigException(
                  "ENGINE_AUTH="
                      + s.string("ENGINE_AUTH", "")
                      + " is neither tokens nor kubernetes");
        };
    ApiTokens tokens =
        auth == Auth.TOKENS
            ? tokens(s)
            : s.string("ENGINE_API_TOKENS", null) == null
                    && s.string("ENGINE_API_TOKENS_FILE", null) == null
                ? ApiTokens.parse("", "ENGINE_API_TOKENS")
                : tokens(s);
    String cert = s.string("ENGINE_WEBHOOK_CERT_FILE", null);
    String key = s.string("ENGINE_WEBHOOK_KEY_FILE", null);
    if ((cert == null) != (key == null)) {
      throw new ConfigException(
          "set both ENGINE_WEBHOOK_CERT_FILE and ENGINE_WEBHOOK_KEY_FILE, or neither");
    }
    for (String[] f :
        new String[][] {{"ENGINE_WEBHOOK_CERT_FILE", cert}, {"ENGINE_WEBHOOK_KEY_FILE", key}}) {
      if (f[1] != null && !Files.isReadable(Path.of(f[1]))) {
        throw new ConfigException(f[0] + "=" + f[1] + " cannot be read");
      }
    }
    assignor(s);
    Webhook webhook =
        cert == null
            ? null
            : new Webhook(
                s.string("ENGINE_WEBHOOK_HOST", "0.0.0.0"),
                s.integer("ENGINE_WEBHOOK_PORT", 8443, 0, 65_535),
                cert,
                key);
    return new EngineConfig(
        s.string("PITSTOP_CLUSTER", "sandbox"),
        KafkaSettings.from(s),
        s.string("ENGINE_HTTP_HOST", "0.0.0.0"),
        s.integer("ENGINE_HTTP_PORT", 8081, 0, 65_535),
        tokens,
        execTimeout,
        auth,
        s.bool("ENGINE_AUTHORIZE_COMMANDS", auth == Auth.KUBERNETES),
        webhook,
        s.string("ENGINE_TEKTON_NAMESPACE", "tekton-pipelines"),
        s.bool("ENGINE_KUBERNETES_EVENTS", true),
        stateTopic(s),
        s.string("ENGINE_STATE_PARTITIONS", null) == null
            ? 0
            : s.integer("ENGINE_STATE_PARTITIONS", 1, 1, 10_000),
        s.duration("ENGINE_TIMEOUT_WARN_BEFORE", Duration.ofMinutes(5)),
        tick(s),
        releaseImage(s),
        releaseContainerTimeout(s),
        commandWait(s),
        NamespaceScope.parse(s.string("ENGINE_NAMESPACES", ""), "ENGINE_NAMESPACES"),
        authCache(s));
  }

  private static AuthCache authCache(Settings s) {
    return new AuthCache(
        cacheTtl(s, "ENGINE_AUTH_CACHE_TOKEN_TTL", AuthCache.DEFAULTS.tokenTtl()),
        cacheTtl(s, "ENGINE_AUTH_CACHE_ALLOWED_TTL", AuthCache.DEFAULTS.allowedTtl()),
        cacheTtl(s, "ENGINE_AUTH_CACHE_DENIED_TTL", AuthCache.DEFAULTS.deniedTtl()),
        s.integer("ENGINE_AUTH_CACHE_ENTRIES", (int) AuthCache.DEFAULTS.entries(), 1, 1_000_000));
  }

  private static Duration cacheTtl(Settings s, String key, Duration fallback) {
    Duration d = s.duration(key, fallback);
    if (d.isNegative() || d.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException(key + "=" + d + " is out of range [0s, 10m]");
    }
    return d;
  }

  private static Duration releaseContainerTimeout(Settings s) {
    Duration d = s.duration("ENGINE_RELEASE_CONTAINER_TIMEOUT", Duration.ofMinutes(2));
    if (d.compareTo(Duration.ofSeconds(5)) < 0 || d.compareTo(Duration.ofMinutes(30)) > 0) {
      throw new ConfigException(
          "ENGINE_RELEASE_CONTAINER_TIMEOUT=" + d + " is out of range [5s, 30m]");
    }
    return d;
  }

  private static Duration commandWait(Settings s) {
    Duration d = s.duration("ENGINE_API_COMMAND_WAIT", Duration.ofSeconds(10));
    if (d.isNegative() || d.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException("ENGINE_API_COMMAND_WAIT=" + d + " is out of range [0s, 60s]");
    }
    return d;
  }

  private static String releaseImage(Settings s) {
    String image = s.string("ENGINE_RELEASE_IMAGE", DEFAULT_RELEASE_IMAGE);
    if (!ShellLessRelease.isPinnedImage(image)) {
      throw new ConfigException(
          "ENGINE_RELEASE_IMAGE="
              + (image.length() > 100 ? image.substring(0, 100) + "..." : image)
              + " is not an image reference pinned by a tag (not latest) or a sha256 digest,"
              + " e.g. "
              + DEFAULT_RELEASE_IMAGE);
    }
    return image;
  }

  private static void assignor(Settings s) {
    String classic = s.string("KAFKA_PARTITION_ASSIGNMENT_STRATEGY", null);
    if (classic != null && !classic.trim().equals(RANGE_ASSIGNOR)) {
      throw new ConfigException(
          "KAFKA_PARTITION_ASSIGNMENT_STRATEGY="
              + classic
              + ": the engine's group needs "
              + RANGE_ASSIGNOR
              + " (partition p of observations and commands to one instance); unset it");
    }
    String remote = s.string("KAFKA_GROUP_REMOTE_ASSIGNOR", null);
    if (remote != null && !remote.trim().equals("range")) {
      throw new ConfigException(
          "KAFKA_GROUP_REMOTE_ASSIGNOR="
              + remote
              + ": the engine's group needs the range assignor; unset it");
    }
  }

  private static Duration tick(Settings s) {
    Duration d = s.duration("ENGINE_TIMEOUT_TICK", Duration.ofSeconds(5));
    if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException("ENGINE_TIMEOUT_TICK=" + d + " is out of range [100ms, 1m]");
    }
    return d;
  }

  private static String stateTopic(Settings s) {
    String t =
        s.string(
            "ENGINE_STATE_TOPIC",
            s.string("PITSTOP_TOPIC_PREFIX", "pitstop.") + SERVICE + ".state");
    if (!t.matches("[A-Za-z0-9._-]{1,249}")) {
      throw new ConfigException("ENGINE_STATE_TOPIC=" + t + " is not a Kafka topic name");
    }
    return t;
  }

  private static ApiTokens tokens(Settings s) {
    String inline = s.string("ENGINE_API_TOKENS", null);
    String file = s.string("ENGINE_API_TOKENS_FILE", null);
    if (inline != null && file != null) {
      throw new ConfigException("set ENGINE_API_TOKENS or ENGINE_API_TOKENS_FILE, not both");
    }
    ApiTokens tokens;
    if (file != null) {
      String text;
      try {
        text = Files.readString(Path.of(file));
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(
            "ENGINE_API_TOKENS_FILE=" + file + " cannot be read: " + e.getClass().getSimpleName());
      }
      tokens = ApiTokens.parse(text, "ENGINE_API_TOKENS_FILE");
    } else {
      tokens = ApiTokens.parse(inline == null ? "" : inline, "ENGINE_API_TOKENS");
    }
    if (tokens.isEmpty()) {
      throw new ConfigException(
          "ENGINE_API_TOKENS or ENGINE_API_TOKENS_FILE is required: the HTTP API accepts no"
              + " request without a bearer token");
    }
    return tokens;
  }
}
