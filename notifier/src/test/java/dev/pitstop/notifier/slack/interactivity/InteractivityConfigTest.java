package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractivityConfigTest {
  @TempDir Path dir;

  @Test
  void isOffWithoutASigningSecret() {
    assertThat(InteractivityConfig.from(new Settings(Map.of()))).isNull();
  }

  @Test
  void readsTheSecretFromAFileAndTheUsersAndDefaults() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "s3cr3t-signing\n");
    Path users = Files.writeString(dir.resolve("users.yaml"), "users: {U1AB: {username: a}}");
    InteractivityConfig c =
        InteractivityConfig.from(
            new Settings(
                Map.of(
                    "NOTIFIER_SLACK_SIGNING_SECRET_FILE", secret.toString(),
                    "NOTIFIER_SLACK_USERS_FILE", users.toString())));
    assertThat(c.users().size()).isEqualTo(1);
    assertThat(c.port()).isEqualTo(8082);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.maxBodyBytes()).isEqualTo(262_144);
    assertThat(c.outcomeWait()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.responseUrls().allows("https://hooks.slack.com/actions/T/1/x")).isTrue();
    assertThat(c.responseUrls().allows("https://hooks.slack.com.evil.io/actions")).isFalse();
    assertThat(c.responseUrls().allows("https://x@hooks.slack.com/actions")).isFalse();
    assertThat(c.responseUrls().allows("https://hooks.slack.com/a/../../x")).isFalse();
    assertThat(c.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void aBadValueNamesItsKeyAndNeverShowsTheSecret() throws IOException {
    Path users = Files.writeString(dir.resolve("users.yaml"), "users: {U1AB: {username: a}}");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "users: {alice: {username: a}}");
    assertBad(Map.of("NOTIFIER_SLACK_SIGNING_SECRET", "s3cr3t"), "NOTIFIER_SLACK_USERS_FILE");
    assertBad(Map.of("NOTIFIER_SLACK_USERS_FILE", users.toString()), "NOTIFIER_SLACK_USERS_FILE");
    assertBad(
        Map.of(
            "NOTIFIER_SLACK_SIGNING_SECRET", "s3cr3t", "NOTIFIER_SLACK_USERS_FILE", bad.toString()),
        "NOTIFIER_SLACK_USERS_FILE=" + bad + ": users.alice");
    assertBad(
        Map.of(
            "NOTIFIER_SLACK_SIGNING_SECRET",
            "s3cr3t",
            "NOTIFIER_SLACK_USERS_FILE",
            dir.resolve("none").toString()),
        "cannot be read");
    assertBad(
        Map.of(
            "NOTIFIER_SLACK_SIGNING_SECRET", "s3cr3t",
            "NOTIFIER_SLACK_SIGNING_SECRET_FILE", users.toString(),
            "NOTIFIER_SLACK_USERS_FILE", users.toString()),
        "only one");
    for (var e :
        List.of(
            Map.entry("NOTIFIER_SLACK_INTERACTIVITY_PORT", "70000"),
            Map.entry("NOTIFIER_SLACK_MAX_BODY_BYTES", "10"),
            Map.entry("NOTIFIER_SLACK_RESPONSE_URL_PREFIXES", "ftp://x/"),
            Map.entry("NOTIFIER_SLACK_OUTCOME_WAIT", "2h"))) {
      Map<String, String> env = new HashMap<>();
      env.put("NOTIFIER_SLACK_SIGNING_SECRET", "s3cr3t");
      env.put("NOTIFIER_SLACK_USERS_FILE", users.toString());
      env.put(e.getKey(), e.getValue());
      assertBad(env, e.getKey());
    }
  }

  private static void assertBad(Map<String, String> env, String why) {
    assertThatThrownBy(() -> InteractivityConfig.from(new Settings(env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(why)
        .satisfies(t -> assertThat(t.getMessage()).doesNotContain("s3cr3t"));
  }
}
