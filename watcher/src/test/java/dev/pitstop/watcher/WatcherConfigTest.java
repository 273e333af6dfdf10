package dev.pitstop.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.runtime.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatcherConfigTest {
  @Test
  void defaults() {
    WatcherConfig c = WatcherConfig.fromMap(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
    assertThat(c.cluster()).isEqualTo("sandbox");
    assertThat(c.namespaces()).isEmpty();
    assertThat(c.podManagedBy()).isEqualTo("tekton-pipelines");
    assertThat(c.labelAllowlist()).containsExactly("app.kubernetes.io/", "tekton.dev/");
    assertThat(c.annotationAllowlist())
        .containsExactly(
            "pitstop.dev/", "webhook.integrations.tekton.dev/", "slack.integrations.tekton.dev/");
    assertThat(c.resync()).isEqualTo(Duration.ZERO);
    assertThat(c.kafka().topics().observations()).isEqualTo("pitstop.observations");
  }

  @Test
  void readsEveryKey() {
    WatcherConfig c =
        WatcherConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                "PITSTOP_CLUSTER", "prod-eu",
                "PITSTOP_TOPIC_PREFIX", "t1.",
                "WATCHER_NAMESPACES", "ci, release",
                "WATCHER_POD_MANAGED_BY", "my-tekton",
                "WATCHER_LABEL_ALLOWLIST", "team/",
                "WATCHER_ANNOTATION_ALLOWLIST", "pitstop.dev/,example.com/",
                "WATCHER_RESYNC", "10m",
                "WATCHER_LOG_FOLLOWERS", "8"));
    assertThat(c.cluster()).isEqualTo("prod-eu");
    assertThat(c.kafka().topics().observations()).isEqualTo("t1.observations");
    assertThat(c.namespaces()).containsExactly("ci", "release");
    assertThat(c.podManagedBy()).isEqualTo("my-tekton");
    assertThat(c.labelAllowlist()).isEqualTo(List.of("team/"));
    assertThat(c.annotationAllowlist()).containsExactly("pitstop.dev/", "example.com/");
    assertThat(c.resync()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.logFollowers()).isEqualTo(8);
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> WatcherConfig.fromMap(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(
            () ->
                WatcherConfig.fromMap(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "k", "WATCHER_NAMESPACES", "Bad_NS")))
        .hasMessageContaining("WATCHER_NAMESPACES");
    assertThatThrownBy(
            () ->
                WatcherConfig.fromMap(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "k", "WATCHER_RESYNC", "soon")))
        .hasMessageContaining("WATCHER_RESYNC");
    assertThatThrownBy(
            () ->
                WatcherConfig.fromMap(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "k", "WATCHER_POD_MANAGED_BY", "a b")))
        .hasMessageContaining("WATCHER_POD_MANAGED_BY");
    assertThatThrownBy(
            () ->
                WatcherConfig.fromMap(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "k", "WATCHER_LOG_FOLLOWERS", "0")))
        .hasMessageContaining("WATCHER_LOG_FOLLOWERS");
  }

  @Test
  void leaderElectionIsOffByDefaultWithClientGoTimings() {
    WatcherConfig c =
        WatcherConfig.fromMap(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k", "HOSTNAME", "watcher-7f9c"));
    assertThat(c.selector()).isEmpty();
    WatcherConfig.LeaderElection le = c.leaderElection();
    assertThat(le.enabled()).isFalse();
    assertThat(le.leaseName()).isEqualTo("pitstop-watcher");
    assertThat(le.leaseNamespace()).isEmpty();
    assertThat(le.identity()).isEqualTo("watcher-7f9c");
    assertThat(le.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(le.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(le.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void readsTheLeaderElectionAndSelectorKeys() {
    WatcherConfig c =
        WatcherConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k",
                "HOSTNAME", "ignored",
                "WATCHER_SELECTOR", "pitstop.dev/watch=true, team!=infra,!skip",
                "WATCHER_LEADER_ELECTION", "true",
                "WATCHER_LEASE_NAME", "my-lease",
                "WATCHER_LEASE_NAMESPACE", "pitstop",
                "WATCHER_LEADER_IDENTITY", "pod-a",
                "WATCHER_LEASE_DURATION", "3s",
                "WATCHER_LEASE_RENEW_DEADLINE", "2s",
                "WATCHER_LEASE_RETRY_PERIOD", "500ms"));
    assertThat(c.selector()).isEqualTo("pitstop.dev/watch=true, team!=infra,!skip");
    assertThat(c.leaderElection())
        .isEqualTo(
            new WatcherConfig.LeaderElection(
                true,
                "my-lease",
                "pitstop",
                "pod-a",
                Duration.ofSeconds(3),
                Duration.ofSeconds(2),
                Duration.ofMillis(500)));
  }

  @Test
  void badLeaderElectionAndSelectorValuesNameTheirKey() {
    Map<String, String> bad =
        Map.of(
            "WATCHER_SELECTOR", "a in (b)",
            "WATCHER_LEADER_ELECTION", "maybe",
            "WATCHER_LEASE_NAME", "Bad_Name",
            "WATCHER_LEASE_NAMESPACE", "-x",
            "WATCHER_LEADER_IDENTITY", "a b",
            "WATCHER_LEASE_RETRY_PERIOD", "1ms");
    bad.forEach(
        (k, v) ->
            assertThatThrownBy(
                    () -> WatcherConfig.fromMap(Map.of("KAFKA_BOOTSTRAP_SERVERS", "x", k, v)))
                .as(k)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(k));
    // client-go's ordering: duration > renew deadline > 1.2 x retry period.
    assertThatThrownBy(
            () ->
                WatcherConfig.fromMap(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "x",
                        "WATCHER_LEASE_DURATION", "10s",
                        "WATCHER_LEASE_RENEW_DEADLINE", "10s")))
        .hasMessageContaining("WATCHER_LEASE_DURATION");
    assertThatThrownBy(
            () ->
                WatcherConfig.fromMap(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "x",
                        "WATCHER_LEASE_RENEW_DEADLINE", "2s",
                        "WATCHER_LEASE_RETRY_PERIOD", "2s")))
        .hasMessageContaining("WATCHER_LEASE_RENEW_DEADLINE");
  }
}
