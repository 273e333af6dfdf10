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
 *       once (1–4096); also the size of the {@code pitstop-watcher-logs} worker pool</td></tr>
 * </table>
 *
 * @param namespaces the namespaces to watch; empty means all
 * @param resync 0 for no resync
 */
public record WatcherConfig(
    String cluster,
    KafkaSettings kafka,
    List<String> namespaces,
    String podManagedBy,
    List<String> labelAllowlist,
    List<String> annotationAllowlist,
    Duration resync,
    int logFollowers) {
  public static final List<String> DEFAULT_LABEL_ALLOWLIST =
      List.of("app.kubernetes.io/", "tekton.dev/");
  public static final List<String> DEFAULT_ANNOTATION_ALLOWLIST =
      List.of("pitstop.dev/", "webhook.integrations.tekton.dev/", "slack.integrations.tekton.dev/");

  public WatcherConfig {
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
      if (!ns.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
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
        s.integer("WATCHER_LOG_FOLLOWERS", 64, 1, 4096));
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
        64);
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
        logFollowers);
  }
}
