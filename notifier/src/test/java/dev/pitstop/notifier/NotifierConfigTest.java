package dev.pitstop.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.notifier.delivery.RetryPolicy;
import dev.pitstop.notifier.routing.Endpoint;
import dev.pitstop.runtime.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierConfigTest {
  private static Map<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void defaults() {
    NotifierConfig c = NotifierConfig.fromMap(env());
    assertThat(c.cluster()).isEqualTo("sandbox");
    assertThat(c.kafka().topics().decisions()).isEqualTo("pitstop.decisions");
    assertThat(c.webhooks()).isEmpty();
    assertThat(c.retry()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.queueCapacity()).isEqualTo(10_000);
    assertThat(c.endpointConcurrency()).isEqualTo(4);
  }

  @Test
  void readsEveryKey() {
    NotifierConfig c =
        NotifierConfig.fromMap(
            env(
                "PITSTOP_CLUSTER", "prod-eu",
                "PITSTOP_TOPIC_PREFIX", "t1.",
                "NOTIFIER_WEBHOOK_URLS",
                    " https://a.example.com/hook?token=x , http://127.0.0.1:8080/e",
                "NOTIFIER_MAX_ATTEMPTS", "3",
                "NOTIFIER_RETRY_BASE", "100ms",
                "NOTIFIER_RETRY_MAX", "2s",
                "NOTIFIER_REQUEST_TIMEOUT", "1500ms",
                "NOTIFIER_QUEUE_CAPACITY", "50",
                "NOTIFIER_ENDPOINT_CONCURRENCY", "1"));
    assertThat(c.cluster()).isEqualTo("prod-eu");
    assertThat(c.kafka().topics().observations()).isEqualTo("t1.observations");
    assertThat(c.webhooks())
        .extracting(Endpoint::url)
        .containsExactly(
            URI.create("https://a.example.com/hook?token=x"),
            URI.create("http://127.0.0.1:8080/e"));
    assertThat(c.webhooks().get(0).name()).isEqualTo("https://a.example.com/hook");
    assertThat(c.retry())
        .isEqualTo(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2)));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.queueCapacity()).isEqualTo(50);
    assertThat(c.endpointConcurrency()).isEqualTo(1);
  }

  @Test
  void badWebhookUrlsStopStartUpNamingTheKeyButNotTheSecret() {
    for (String bad :
        new String[] {
          "ftp://files.example.com/x",
          "/relative/path",
          "hooks.example.com",
          "http://",
          "http://a b/",
          "mailto:ops@example.com"
        }) {
      assertThatThrownBy(() -> NotifierConfig.fromMap(env("NOTIFIER_WEBHOOK_URLS", bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("NOTIFIER_WEBHOOK_URLS");
    }
    assertThatThrownBy(
            () ->
                NotifierConfig.fromMap(
                    env(
                        "NOTIFIER_WEBHOOK_URLS",
                        "https://a.example.com/h?t=s3cret,https://a.example.com/h?t=s3cret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NOTIFIER_WEBHOOK_URLS")
        .hasMessageContaining("twice")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void badRetrySettingsStopStartUpNamingTheKey() {
    assertThatThrownBy(() -> NotifierConfig.fromMap(env("NOTIFIER_MAX_ATTEMPTS", "0")))
        .hasMessageContaining("NOTIFIER_MAX_ATTEMPTS");
    assertThatThrownBy(() -> NotifierConfig.fromMap(env("NOTIFIER_RETRY_BASE", "soon")))
        .hasMessageContaining("NOTIFIER_RETRY_BASE");
    assertThatThrownBy(() -> NotifierConfig.fromMap(env("NOTIFIER_RETRY_BASE", "0")))
        .hasMessageContaining("NOTIFIER_RETRY_BASE");
    assertThatThrownBy(
            () ->
                NotifierConfig.fromMap(
                    env("NOTIFIER_RETRY_BASE", "5s", "NOTIFIER_RETRY_MAX", "1s")))
        .hasMessageContaining("NOTIFIER_RETRY_MAX");
    assertThatThrownBy(() -> NotifierConfig.fromMap(env("NOTIFIER_REQUEST_TIMEOUT", "0s")))
        .hasMessageContaining("NOTIFIER_REQUEST_TIMEOUT");
    assertThatThrownBy(() -> NotifierConfig.fromMap(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void readsSigningSecretsFromEnvAndFileAndTheContentMode(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("secrets");
    java.nio.file.Files.writeString(
        file, "# rotated in 2026-11\nwhsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=\n\n");
    NotifierConfig c =
        NotifierConfig.fromMap(
            env(
                "NOTIFIER_WEBHOOK_SECRETS", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "NOTIFIER_WEBHOOK_SECRETS_FILE", file.toString(),
                "NOTIFIER_WEBHOOK_CONTENT_MODE", "Structured"));
    assertThat(c.signer().secrets()).isEqualTo(2);
    assertThat(c.contentMode()).isEqualTo(dev.pitstop.notifier.webhook.ContentMode.STRUCTURED);
    assertThat(c.toString()).doesNotContain("MfKQ9r8").doesNotContain("c2Vjb25k");
    assertThat(NotifierConfig.fromMap(env()).contentMode())
        .isEqualTo(dev.pitstop.notifier.webhook.ContentMode.BINARY);
    assertThat(NotifierConfig.fromMap(env()).signer().signs()).isFalse();
  }

  @Test
  void aBadSecretOrModeFailsNamingTheKeyButNotTheSecret() {
    assertThatThrownBy(
            () -> NotifierConfig.fromMap(env("NOTIFIER_WEBHOOK_SECRETS", "whsec_%%%secret%%%")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NOTIFIER_WEBHOOK_SECRETS")
        .hasMessageNotContaining("%%%secret");
    assertThatThrownBy(
            () -> NotifierConfig.fromMap(env("NOTIFIER_WEBHOOK_SECRETS_FILE", "/no/such/file")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NOTIFIER_WEBHOOK_SECRETS_FILE");
    assertThatThrownBy(
            () -> NotifierConfig.fromMap(env("NOTIFIER_WEBHOOK_CONTENT_MODE", "batched")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NOTIFIER_WEBHOOK_CONTENT_MODE");
  }

  @Test
  void slackIsOffWithoutATokenAndReadsItsKeysWithOne() throws Exception {
    assertThat(NotifierConfig.fromMap(env()).slack()).isNull();
    java.nio.file.Path file = java.nio.file.Files.createTempFile("token", "");
    java.nio.file.Files.writeString(file, "xoxb-from-file\n");
    NotifierConfig c =
        NotifierConfig.fromMap(
            env(
                "NOTIFIER_SLACK_TOKEN", "xoxb-from-env",
                "NOTIFIER_SLACK_TOKEN_FILE", file.toString(),
                "NOTIFIER_SLACK_API_URL", "http://127.0.0.1:9/api",
                "NOTIFIER_SLACK_CARD_POST_ON", "start",
                "NOTIFIER_SLACK_CARD_GRACE", "1m",
                "NOTIFIER_SLACK_INTERVAL", "1500ms"));
    assertThat(c.slack().token()).isEqualTo("xoxb-from-file");
    assertThat(c.slack().apiUrl()).isEqualTo("http://127.0.0.1:9/api/");
    assertThat(c.slack().postOn()).isEqualTo(dev.pitstop.notifier.slack.StatusCard.PostOn.START);
    assertThat(c.slack().cardGrace()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.slack().interval()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.slack().toString()).doesNotContain("xoxb");
    assertThat(c.toString()).doesNotContain("xoxb");
    NotifierConfig d = NotifierConfig.fromMap(env("NOTIFIER_SLACK_TOKEN", "xoxb-1"));
    assertThat(d.slack().postOn()).isEqualTo(dev.pitstop.notifier.slack.StatusCard.PostOn.PAUSE);
    assertThat(d.slack().apiUrl()).isEqualTo("https://slack.com/api/");
  }

  @Test
  void slackRoutesNeedATokenAndSelectRunsOnly() throws Exception {
    java.nio.file.Path routes = java.nio.file.Files.createTempFile("routes", ".yaml");
    java.nio.file.Files.writeString(
        routes, "routes:\n  - match: {namespaces: [ci]}\n    slack: \"#ci\"\n");
    assertThatThrownBy(() -> NotifierConfig.fromMap(env("NOTIFIER_ROUTES_FILE", routes.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NOTIFIER_SLACK_TOKEN");
    assertThat(
            NotifierConfig.fromMap(
                    env(
                        "NOTIFIER_ROUTES_FILE",
                        routes.toString(),
                        "NOTIFIER_SLACK_TOKEN",
                        "xoxb-1"))
                .routes())
        .hasSize(1);
    java.nio.file.Files.writeString(
        routes, "routes:\n  - match: {types: [pipelinerun.finished]}\n    slack: \"#ci\"\n");
    assertThatThrownBy(
            () ->
                NotifierConfig.fromMap(
                    env(
                        "NOTIFIER_ROUTES_FILE",
                        routes.toString(),
                        "NOTIFIER_SLACK_TOKEN",
                        "xoxb-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("namespaces and pipelines only");
    assertThatThrownBy(
            () -> NotifierConfig.fromMap(env("NOTIFIER_SLACK_TOKEN", "xoxb-secret value")))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("secret");
    assertThatThrownBy(
            () ->
                NotifierConfig.fromMap(
                    env("NOTIFIER_SLACK_TOKEN", "xoxb-1", "NOTIFIER_SLACK_CARD_POST_ON", "end")))
        .hasMessageContaining("NOTIFIER_SLACK_CARD_POST_ON");
  }
}
