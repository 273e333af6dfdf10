package dev.pitstop.sandbox.receivers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulator answers as Slack does, on a clock the test drives. */
class SlackApiEmulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final HttpClient http = HttpClient.newHttpClient();
  private SlackApiEmulator slack;

  @AfterEach
  void close() {
    slack.close();
  }

  private HttpResponse<String> form(String method, String token, String... kv) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      b.append(b.length() == 0 ? "" : "&")
          .append(kv[i])
          .append('=')
          .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
    }
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(slack.apiUrl() + method))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(b.toString()));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode body(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void checksAuthChannelsBlocksUpdatesThreadsAndTheRate() throws Exception {
    slack = SlackApiEmulator.start("xoxb-good", nanos::get).addChannel("#ci", "C0000CI01");
    assertThat(
            body(form("chat.postMessage", null, "channel", "#ci", "text", "x"))
                .get("error")
                .asText())
        .isEqualTo("not_authed");
    assertThat(
            body(form("chat.postMessage", "xoxb-bad", "channel", "#ci", "text", "x"))
                .get("error")
                .asText())
        .isEqualTo("invalid_auth");
    assertThat(
            body(form("chat.postMessage", "xoxb-good", "channel", "#nope", "text", "x"))
                .get("error")
                .asText())
        .isEqualTo("channel_not_found");
    assertThat(
            body(form(
                    "chat.postMessage",
                    "xoxb-good",
                    "channel",
                    "#ci",
                    "blocks",
                    "[{\"type\":\"carousel\"}]"))
                .get("error")
                .asText())
        .isEqualTo("invalid_blocks");

    JsonNode posted = body(form("chat.postMessage", "xoxb-good", "channel", "#ci", "text", "card"));
    assertThat(posted.get("ok").asBoolean()).isTrue();
    assertThat(posted.get("channel").asText()).isEqualTo("C0000CI01");
    String ts = posted.get("ts").asText();

    // Within the same second: 429 with Retry-After, counted.
    HttpResponse<String> fast =
        form("chat.update", "xoxb-good", "channel", "C0000CI01", "ts", ts, "text", "v2");
    assertThat(fast.statusCode()).isEqualTo(429);
    assertThat(fast.headers().firstValue("Retry-After")).contains("1");
    assertThat(slack.rateLimited()).isEqualTo(1);

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(
            body(form(
                    "chat.update",
                    "xoxb-good",
                    "channel",
                    "C0000CI01",
                    "ts",
                    "1.000009",
                    "text",
                    "v2"))
                .get("error")
                .asText())
        .isEqualTo("message_not_found");
    assertThat(
            body(form("chat.update", "xoxb-good", "channel", "C0000CI01", "ts", ts, "text", "v2"))
                .get("ok")
                .asBoolean())
        .isTrue();
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(
            body(form(
                    "chat.postMessage",
                    "xoxb-good",
                    "channel",
                    "#ci",
                    "text",
                    "r",
                    "thread_ts",
                    "9.9"))
                .get("error")
                .asText())
        .isEqualTo("thread_not_found");
    assertThat(
            body(form(
                    "chat.postMessage",
                    "xoxb-good",
                    "channel",
                    "#ci",
                    "text",
                    "reply",
                    "thread_ts",
                    ts))
                .get("ok")
                .asBoolean())
        .isTrue();

    assertThat(slack.topLevel("#ci")).hasSize(1);
    assertThat(slack.topLevel("#ci").get(0).updates()).isEqualTo(1);
    assertThat(slack.topLevel("#ci").get(0).latest().text()).isEqualTo("v2");
    assertThat(slack.thread("#ci", ts)).extracting(m -> m.latest().text()).containsExactly("reply");

    slack.throttleNext("#ci", 1, 5);
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
    HttpResponse<String> injected =
        form("chat.postMessage", "xoxb-good", "channel", "#ci", "text", "z");
    assertThat(injected.statusCode()).isEqualTo(429);
    assertThat(injected.headers().firstValue("Retry-After")).contains("5");
    assertThat(slack.injectedThrottles()).isEqualTo(1);
    assertThat(slack.rateLimited()).isEqualTo(1);
  }
}
