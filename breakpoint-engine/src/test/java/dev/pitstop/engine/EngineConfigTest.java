package dev.pitstop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.runtime.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineConfigTest {
  static final Map<String, String> MIN =
      Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092", "ENGINE_API_TOKENS", "alice=t1");

  @Test
  void defaults() {
    EngineConfig c = EngineConfig.fromMap(MIN);
    assertThat(c.cluster()).isEqualTo("sandbox");
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.httpPort()).isEqualTo(8081);
    assertThat(c.execTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.kafka().topics().commands()).isEqualTo("pitstop.commands");
    assertThat(c.tokens().userOf("t1")).contains("alice");
    assertThat(c.toString()).doesNotContain("t1");
    assertThat(c.auth()).isEqualTo(EngineConfig.Auth.TOKENS);
    assertThat(c.authorizeCommands()).isFalse();
    assertThat(c.webhook()).isNull();
    assertThat(c.tektonNamespace()).isEqualTo("tekton-pipelines");
    assertThat(c.kubernetesEvents()).isTrue();
    assertThat(c.stateTopic()).isEqualTo("pitstop.breakpoint-engine.state");
    assertThat(c.statePartitions()).as("unset: the observations topic's").isZero();
    assertThat(c.releaseImage()).isEqualTo("busybox:1.36.1");
    assertThat(c.releaseContainerTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.namespaces()).isEqualTo(NamespaceScope.ALL);
  }

  @Test
  void engineNamespacesIsReadAndValidatedNamingTheKey() {
    assertThat(
            EngineConfig.fromMap(with("ENGINE_NAMESPACES", "ci-team-a,ci-team-b"))
                .namespaces()
                .names())
        .containsExactly("ci-team-a", "ci-team-b");
    assertThatThrownBy(() -> EngineConfig.fromMap(with("ENGINE_NAMESPACES", "ci-team-a,Team_B")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("ENGINE_NAMESPACES: \"Team_B\"");
  }

  @Test
  void releaseContainerTimeoutIsReadAndBoundedNamingTheKey() {
    assertThat(
            EngineConfig.fromMap(with("ENGINE_RELEASE_CONTAINER_TIMEOUT", "45s"))
                .releaseContainerTimeout())
        .isEqualTo(Duration.ofSeconds(45));
    for (String bad : new String[] {"1s", "31m", "soon"}) {
      assertThatThrownBy(() -> EngineConfig.fromMap(with("ENGINE_RELEASE_CONTAINER_TIMEOUT", bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("ENGINE_RELEASE_CONTAINER_TIMEOUT");
    }
  }

  @Test
  void authCacheTtlsDefaultShortAreReadAndBoundedNamingTheKey() {
    EngineConfig.AuthCache d = EngineConfig.fromMap(MIN).authCache();
    assertThat(d.tokenTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.allowedTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.deniedTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.entries()).isEqualTo(10_000);
    EngineConfig.AuthCache c =
        EngineConfig.fromMap(
                with(
                    "ENGINE_AUTH_CACHE_TOKEN_TTL", "2m",
                    "ENGINE_AUTH_CACHE_ALLOWED_TTL", "0s",
                    "ENGINE_AUTH_CACHE_DENIED_TTL", "1500ms",
                    "ENGINE_AUTH_CACHE_ENTRIES", "64"))
            .authCache();
    assertThat(c)
        .isEqualTo(
            new EngineConfig.AuthCache(
                Duration.ofMinutes(2), Duration.ZERO, Duration.ofMillis(1500), 64));
    for (String key :
        new String[] {
          "ENGINE_AUTH_CACHE_TOKEN_TTL",
          "ENGINE_AUTH_CACHE_ALLOWED_TTL",
          "ENGINE_AUTH_CACHE_DENIED_TTL"
        }) {
      for (String bad : new String[] {"11m", "-1s", "soon"}) {
        assertThatThrownBy(() -> EngineConfig.fromMap(with(key, bad)))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith(key + "=");
      }
    }
    assertThatThrownBy(() -> EngineConfig.fromMap(with("ENGINE_AUTH_CACHE_ENTRIES", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("ENGINE_AUTH_CACHE_ENTRIES=");
  }

  @Test
  void apiCommandWaitDefaultsToTenSecondsAndIsBounded() {
    assertThat(EngineConfig.fromMap(MIN).apiCommandWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(EngineConfig.fromMap(with("ENGINE_API_COMMAND_WAIT", "0s")).apiCommandWait())
        .isZero();
    assertThat(EngineConfig.fromMap(with("ENGINE_API_COMMAND_WAIT", "2500ms")).apiCommandWait())
        .isEqualTo(Duration.ofMillis(2500));
    assertThatThrownBy(() -> EngineConfig.fromMap(with("ENGINE_API_COMMAND_WAIT", "2m")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_API_COMMAND_WAIT");
  }

  @Test
  void releaseImageIsReadAndABadOneStopsStartUpNamingTheKey() {
    assertThat(
            EngineConfig.fromMap(with("ENGINE_RELEASE_IMAGE", "registry.local/tools/busybox:1.37"))
                .releaseImage())
        .isEqualTo("registry.local/tools/busybox:1.37");
    for (String bad : new String[] {"busybox", "busybox:latest", "busy box:1", "x:1;sh"}) {
      assertThatThrownBy(() -> EngineConfig.fromMap(with("ENGINE_RELEASE_IMAGE", bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("ENGINE_RELEASE_IMAGE");
    }
  }

  @Test
  void kubernetesAuthNeedsNoTokensAndAuthorizesByDefault(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("tls.crt"), "x");
    Path key = Files.writeString(dir.resolve("tls.key"), "y");
    EngineConfig c =
        EngineConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                "ENGINE_AUTH", "kubernetes",
                "ENGINE_WEBHOOK_CERT_FILE", cert.toString(),
                "ENGINE_WEBHOOK_KEY_FILE", key.toString(),
                "ENGINE_WEBHOOK_PORT", "9443",
                "PITSTOP_TOPIC_PREFIX", "x."));
    assertThat(c.auth()).isEqualTo(EngineConfig.Auth.KUBERNETES);
    assertThat(c.authorizeCommands()).isTrue();
    assertThat(c.webhook())
        .isEqualTo(new EngineConfig.Webhook("0.0.0.0", 9443, cert.toString(), key.toString()));
    assertThat(c.stateTopic()).isEqualTo("x.breakpoint-engine.state");
  }

  @Test
  void rejectsHalfAWebhookOrAnUnknownAuth() {
    assertThatThrownBy(
            () ->
                EngineConfig.fromMap(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "k:9092",
                        "ENGINE_AUTH",
                        "kubernetes",
                        "ENGINE_WEBHOOK_CERT_FILE",
                        "/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_WEBHOOK_KEY_FILE");
    assertThatThrownBy(
            () ->
                EngineConfig.fromMap(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092", "ENGINE_AUTH", "ldap")))
        .hasMessageContaining("ENGINE_AUTH=ldap");
    assertThatThrownBy(
            () ->
                EngineConfig.fromMap(
                    Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "k:9092",
                        "ENGINE_AUTH",
                        "kubernetes",
                        "ENGINE_WEBHOOK_CERT_FILE",
                        "/nope",
                        "ENGINE_WEBHOOK_KEY_FILE",
                        "/nope")))
        .hasMessageContaining("cannot be read");
  }

  @Test
  void readsEveryKey(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("tokens");
    Files.writeString(f, "# users\nalice=from-file\nbob=b2\n");
    EngineConfig c =
        EngineConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                "PITSTOP_CLUSTER", "prod",
                "PITSTOP_TOPIC_PREFIX", "t1.",
                "ENGINE_HTTP_PORT", "0",
                "ENGINE_HTTP_HOST", "127.0.0.1",
                "ENGINE_API_TOKENS_FILE", f.toString(),
                "ENGINE_EXEC_TIMEOUT", "5s"));
    assertThat(c.cluster()).isEqualTo("prod");
    assertThat(c.kafka().topics().observations()).isEqualTo("t1.observations");
    assertThat(c.httpPort()).isZero();
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.tokens().users()).containsExactly("alice", "bob");
    assertThat(c.execTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> EngineConfig.fromMap(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_API_TOKENS");
    assertThatThrownBy(() -> EngineConfig.fromMap(with("ENGINE_HTTP_PORT", "70000")))
        .hasMessageContaining("ENGINE_HTTP_PORT");
    assertThatThrownBy(() -> EngineConfig.fromMap(with("ENGINE_EXEC_TIMEOUT", "1h")))
        .hasMessageContaining("ENGINE_EXEC_TIMEOUT");
    assertThatThrownBy(() -> EngineConfig.fromMap(with("ENGINE_API_TOKENS_FILE", "/nope")))
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () ->
                EngineConfig.fromMap(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "k", "ENGINE_API_TOKENS_FILE", "/nope/x")))
        .hasMessageContaining("ENGINE_API_TOKENS_FILE");
    assertThatThrownBy(() -> EngineConfig.fromMap(Map.of("ENGINE_API_TOKENS", "a=b")))
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
  }

  private static Map<String, String> with(String k, String v) {
    var m = new java.util.HashMap<>(MIN);
    m.put(k, v);
    return m;
  }

  private static Map<String, String> with(String... kv) {
    var m = new java.util.HashMap<>(MIN);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void theGroupMustUseTheRangeAssignorSoPartitionPOfBothInputsMeet() {
    java.util.Map<String, String> env = new java.util.HashMap<>(MIN);
    env.put(
        "KAFKA_PARTITION_ASSIGNMENT_STRATEGY",
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    assertThatThrownBy(() -> EngineConfig.fromMap(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_PARTITION_ASSIGNMENT_STRATEGY");
    env.remove("KAFKA_PARTITION_ASSIGNMENT_STRATEGY");
    env.put("KAFKA_GROUP_REMOTE_ASSIGNOR", "uniform");
    assertThatThrownBy(() -> EngineConfig.fromMap(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_GROUP_REMOTE_ASSIGNOR");
    env.put("KAFKA_GROUP_REMOTE_ASSIGNOR", "range");
    env.put("KAFKA_GROUP_PROTOCOL", "consumer");
    EngineConfig c = EngineConfig.fromMap(env);
    assertThat(EngineService.consumerSettings(c).client())
        .containsEntry("group.remote.assignor", "range")
        .doesNotContainKey("partition.assignment.strategy");
    assertThat(EngineService.consumerSettings(EngineConfig.fromMap(MIN)).client())
        .containsEntry("partition.assignment.strategy", EngineConfig.RANGE_ASSIGNOR);
    env.put("ENGINE_STATE_PARTITIONS", "0");
    assertThatThrownBy(() -> EngineConfig.fromMap(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ENGINE_STATE_PARTITIONS");
  }
}
