package dev.pitstop.watcher;

import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.tekton.TektonLabels;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The watcher's configuration, read from environment variables.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code PITSTOP_CLUSTER}</td><td>{@code sandbox}</td><td>cluster name in the events'
 *       {@code source}</td></tr>
 *   <tr><td>{@code KAFKA_*}</td><td>{@code KAFKA_BOOTSTRAP_SERVERS} required</td><td>Kafka client
 *       properties ({@code KAFKA_SECURITY_PROTOCOL} → {@code security.protocol})</td></tr>
 *   <tr><td>{@code PITSTOP_TOPIC_PREFIX}</td><td>{@code pitstop.}</td><td>topic name prefix</td></tr>
 *   <tr><td>{@code WATCHER_NAMESPACES}</td><td>empty = all</td><td>comma-separated namespaces to
 *       watch</td></tr>
 *   <tr><td>{@code WATCHER_POD_MANAGED_BY}</td><td>{@code tekton-pipelines}</td><td>value of the
 *       Pods' {@code app.kubernetes.io/managed-by} label</td></tr>
 *   <tr><td>{@code WATCHER_LABEL_ALLOWLIST}</td><td>{@code app.kubernetes.io/,tekton.dev/}</td>
 *       <td>key prefixes of run labels carried in events</td></tr>
 *   <tr><td>{@code WATCHER_ANNOTATION_ALLOWLIST}</td><td>{@code pitstop.dev/,
 *       webhook.integrations.tekton.dev/,slack.integrations.tekton.dev/}</td><td>key prefixes
 *       of run annotations carried in events (the last two: the notifier's subscriptions)</td></tr>
 *   <tr><td>{@code WATCHER_RESYNC}</td><td>{@code 0} (none)</td><td>duration between informer
 *       resyncs; each resync re-emits every observation of the cached runs (same ids)</td></tr>
 *   <tr><td>{@code WATCHER_LOG_FOLLOWERS}</td><td>{@code 64}</td><td>most step logs followed at
 *       once (1–4096); also the size of the {@code pitstop-watcher-logs} worker pool. Per debug
 *       TaskRun: the step that can pause now and, while a slot is free, the next one, followed
 *       ahead; a step that can pause now takes the slot of one followed ahead</td></tr>
 *   <tr><td>{@code WATCHER_SELECTOR}</td><td>empty = every run</td><td>label selector (equality
 *       and existence terms: {@code a=b,c!=d,e,!f}) a TaskRun, PipelineRun or Pod must match to be
 *       watched; Tekton copies run labels to the runs' Pods</td></tr>
 *   <tr><td>{@code WATCHER_LEADER_ELECTION}</td><td>{@code false}</td><td>elect one publishing
 *       replica on a {@code coordination.k8s.io/v1} Lease (fabric8 {@code LeaderElector})</td></tr>
 *   <tr><td>{@code WATCHER_LEASE_NAME}</td><td>{@code pitstop-watcher}</td><td>the Lease's
 *       name</td></tr>
 *   <tr><td>{@code WATCHER_LEASE_NAMESPACE}</td><td>the client's namespace</td><td>the Lease's
 *       namespace; unset: the service account's namespace in a Pod, else the kubeconfig
 *       context's</td></tr>
 *   <tr><td>{@code WATCHER_LEADER_IDENTITY}</td><td>{@code HOSTNAME} (the Pod name)</td><td>this
 *       replica's name in the Lease; must differ between replicas</td></tr>
 *   <tr><td>{@code WATCHER_LEASE_DURATION}</td><td>{@code 15s}</td><td>how long a standby waits
 *       after the last renewal before it takes the Lease</td></tr>
 *   <tr><td>{@code WATCHER_LEASE_RENEW_DEADLINE}</td><td>{@code 10s}</td><td>the leader stops
 *       publishing when it could not renew for this long; less than the duration</td></tr>
 *   <tr><td>{@code WATCHER_LEASE_RETRY_PERIOD}</td><td>{@code 2s}</td><td>between attempts to
 *       take or renew the Lease; 1.2 × it must stay below the renew deadline</td></tr>
 * </table>
 *
 * @param namespaces the namespaces to watch; empty means all
 * @param resync 0 for no resync
 * @param selector a label selector runs and Pods must match; empty: all
 * @param leaderElection whether and how replicas elect the one that publishes
 */
public record WatcherConfig(
    String cluster,
    KafkaSettings kafka,
    List<String> namespaces,
    String podManagedBy,
    List<String> labelAllowlist,
    List<String> annotationAllowlist,
    Duration resync,
    int logFollowers,
    String selector,
    LeaderElection leaderElection) {
  public static final List<String> DEFAULT_LABEL_ALLOWLIST =
      List.of("app.kubernetes.io/", "tekton.dev/");
  public static final List<String> DEFAULT_ANNOTATION_ALLOWLIST =
      List.of("pitstop.dev/", "webhook.integrations.tekton.dev/", "slack.integrations.tekton.dev/");

  /** The Lease name when {@code WATCHER_LEASE_NAME} is not set. */
  public static final String DEFAULT_LEASE_NAME = "pitstop-watcher";

  private static final String NAME = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  private static final String LABEL_KEY =
      "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
  private static final String LABEL_VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?";
  private static final java.util.regex.Pattern SELECTOR_TERM =
      java.util.regex.Pattern.compile(
          "!?" + LABEL_KEY + "|" + LABEL_KEY + "\\s*(=|==|!=)\\s*" + LABEL_VALUE);

  /**
   * Leader election among watcher replicas: only the holder of the Lease runs informers and
   * publishes; the others wait. Timings as client-go's {@code leaderelection} package defines them
   * (fabric8 {@code LeaderElectionConfig}).
   *
   * @param enabled false: this watcher always publishes (one replica, {@code pitstop up})
   * @param leaseName the Lease's name
   * @param leaseNamespace the Lease's namespace; empty: the Kubernetes client's namespace
   * @param identity this replica's holder identity in the Lease
   * @param leaseDuration how long a non-renewed Lease stays with its holder
   * @param renewDeadline how long the leader keeps trying to renew before it steps down
   * @param retryPeriod between attempts to acquire or renew
   */
  public record LeaderElection(
      boolean enabled,
      String leaseName,
      String leaseNamespace,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {
    /** Off, with the default timings. */
    public static LeaderElection disabled() {
      return new LeaderElection(
          false,
          DEFAULT_LEASE_NAME,
          "",
          "watcher-" + java.util.UUID.randomUUID(),
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }

    /** On, with this identity, namespace and timings. */
    public static LeaderElection enabled(
        String leaseNamespace,
        String identity,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod) {
      return new LeaderElection(
          true,
          DEFAULT_LEASE_NAME,
          leaseNamespace,
          identity,
          leaseDuration,
          renewDeadline,
          retryPeriod);
    }
  }

  public WatcherConfig {
    java.util.Objects.requireNonNull(selector, "selector");
    java.util.Objects.requireNonNull(leaderElection, "leaderElection");
    namespaces = List.copyOf(namespaces);
    labelAllowlist = List.copyOf(labelAllowlist);
    annotationAllowlist = List.copyOf(annotationAllowlist);
  }

  /**
   * Reads the configuration.
   *
   * @throws ConfigException naming the first key whose value is missing or invalid
   */
  public static WatcherConfig fromMap(Map<String, String> env) {
    Settings s = new Settings(env);
    String cluster = s.string("PITSTOP_CLUSTER", "sandbox");
    if (!cluster.matches("[A-Za-z0-9._-]{1,63}")) {
      throw new ConfigException(
          "PITSTOP_CLUSTER=" + cluster + " may only hold [A-Za-z0-9._-], 1-63 characters");
    }
    List<String> namespaces = s.list("WATCHER_NAMESPACES", List.of());
    for (String ns : namespaces) {
      if (!ns.matches(NAME)) {
        throw new ConfigException("WATCHER_NAMESPACES: \"" + ns + "\" is not a namespace name");
      }
    }
    String managedBy = s.string("WATCHER_POD_MANAGED_BY", TektonLabels.MANAGED_BY_VALUE);
    if (!managedBy.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")) {
      throw new ConfigException("WATCHER_POD_MANAGED_BY=" + managedBy + " is not a label value");
    }
    Duration resync = s.duration("WATCHER_RESYNC", Duration.ZERO);
    if (!resync.isZero() && resync.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException("WATCHER_RESYNC=" + resync + " must be 0 (none) or at least 1s");
    }
    return new WatcherConfig(
        cluster,
        KafkaSettings.from(s),
        namespaces,
        managedBy,
        s.list("WATCHER_LABEL_ALLOWLIST", DEFAULT_LABEL_ALLOWLIST),
        s.list("WATCHER_ANNOTATION_ALLOWLIST", DEFAULT_ANNOTATION_ALLOWLIST),
        resync,
        s.integer("WATCHER_LOG_FOLLOWERS", 64, 1, 4096),
        selector(s.string("WATCHER_SELECTOR", "")),
        leaderElection(s));
  }

  /**
   * Validates a label selector: comma-separated equality ({@code =, ==, !=}) and existence terms.
   */
  private static String selector(String selector) {
    String trimmed = selector.strip();
    if (trimmed.isEmpty()) {
      return "";
    }
    if (trimmed.length() > 1024) {
      throw new ConfigException("WATCHER_SELECTOR: longer than 1024 characters");
    }
    for (String term : trimmed.split(",", -1)) {
      if (!SELECTOR_TERM.matcher(term.strip()).matches()) {
        throw new ConfigException(
            "WATCHER_SELECTOR: \""
                + term.strip()
                + "\" is not a label selector term (key, !key, key=value, key!=value)");
      }
    }
    return trimmed;
  }

  private static LeaderElection leaderElection(Settings s) {
    boolean enabled = s.bool("WATCHER_LEADER_ELECTION", false);
    String name = s.string("WATCHER_LEASE_NAME", DEFAULT_LEASE_NAME);
    if (!name.matches(NAME)) {
      throw new ConfigException("WATCHER_LEASE_NAME=" + name + " is not a Lease name");
    }
    String namespace = s.string("WATCHER_LEASE_NAMESPACE", "");
    if (!namespace.isEmpty() && !namespace.matches(NAME)) {
      throw new ConfigException(
          "WATCHER_LEASE_NAMESPACE=" + namespace + " is not a namespace name");
    }
    String identity = s.string("WATCHER_LEADER_IDENTITY", "");
    if (identity.isEmpty()) {
      identity = s.string("HOSTNAME", "");
    }
    if (identity.isEmpty()) {
      identity = "watcher-" + java.util.UUID.randomUUID();
    }
    if (!identity.matches("[A-Za-z0-9._-]{1,253}")) {
      throw new ConfigException(
          "WATCHER_LEADER_IDENTITY="
              + identity
              + " may only hold [A-Za-z0-9._-], 1-253 characters");
    }
    Duration duration = s.duration("WATCHER_LEASE_DURATION", Duration.ofSeconds(15));
    Duration renew = s.duration("WATCHER_LEASE_RENEW_DEADLINE", Duration.ofSeconds(10));
    Duration retry = s.duration("WATCHER_LEASE_RETRY_PERIOD", Duration.ofSeconds(2));
    if (retry.compareTo(Duration.ofMillis(10)) < 0) {
      throw new ConfigException("WATCHER_LEASE_RETRY_PERIOD=" + retry + " must be at least 10ms");
    }
    // client-go's rules (leaderelection.NewLeaderElector): renew deadline above jittered retry
    // period, lease duration above renew deadline.
    if (renew.toNanos() <= retry.toNanos() * 1.2) {
      throw new ConfigException(
          "WATCHER_LEASE_RENEW_DEADLINE="
              + renew
              + " must be greater than 1.2 × WATCHER_LEASE_RETRY_PERIOD="
              + retry);
    }
    if (duration.compareTo(renew) <= 0) {
      throw new ConfigException(
          "WATCHER_LEASE_DURATION="
              + duration
              + " must be greater than WATCHER_LEASE_RENEW_DEADLINE="
              + renew);
    }
    return new LeaderElection(enabled, name, namespace, identity, duration, renew, retry);
  }

  /** For the CLI and tests: defaults, with this Kafka. */
  public static WatcherConfig defaults(KafkaSettings kafka) {
    return new WatcherConfig(
        "sandbox",
        kafka,
        List.of(),
        TektonLabels.MANAGED_BY_VALUE,
        DEFAULT_LABEL_ALLOWLIST,
        DEFAULT_ANNOTATION_ALLOWLIST,
        Duration.ZERO,
        64,
        "",
        LeaderElection.disabled());
  }

  /** A copy watching only these namespaces (empty: all). */
  public WatcherConfig withNamespaces(List<String> namespaces) {
    return new WatcherConfig(
        cluster,
        kafka,
        namespaces,
        podManagedBy,
        labelAllowlist,
        annotationAllowlist,
        resync,
        logFollowers,
        selector,
        leaderElection);
  }

  /**
   * A copy with this label selector (empty: all runs).
   *
   * @throws ConfigException naming {@code WATCHER_SELECTOR} if it is not a supported selector
   */
  public WatcherConfig withSelector(String selector) {
    return new WatcherConfig(
        cluster,
        kafka,
        namespaces,
        podManagedBy,
        labelAllowlist,
        annotationAllowlist,
        resync,
        logFollowers,
        selector(selector),
        leaderElection);
  }

  /** A copy electing its leader so. */
  public WatcherConfig withLeaderElection(LeaderElection leaderElection) {
    return new WatcherConfig(
        cluster,
        kafka,
        namespaces,
        podManagedBy,
        labelAllowlist,
        annotationAllowlist,
        resync,
        logFollowers,
        selector,
        leaderElection);
  }
}
