package dev.pitstop.notifier.slack.interactivity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds what Slack posts for a button click (test helper). */
final class SlackClicks {
  static final String TASK_RUN_UID = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
  static final String PIPELINE_RUN_UID = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
  static final String VALUE =
      "v1|ci|build-x7k2p-compile|test|" + TASK_RUN_UID + "|" + PIPELINE_RUN_UID;

  private SlackClicks() {}

  /** A block_actions payload of one button. */
  static JsonObject payload(String userId, String actionId, String value, String responseUrl) {
    return new JsonObject()
        .put("type", "block_actions")
        .put("team", new JsonObject().put("id", "T024BE7LD").put("domain", "acme"))
        .put(
            "user",
            new JsonObject()
                .put("id", userId)
                .put("username", "alice")
                .put("name", "alice")
                .put("team_id", "T024BE7LD"))
        .put("api_app_id", "A0123456")
        .put(
            "container",
            new JsonObject()
                .put("type", "message")
                .put("message_ts", "1700000000.000100")
                .put("channel_id", "C0123CI")
                .put("is_ephemeral", false))
        .put("trigger_id", "1234.5678.abcd")
        .put("channel", new JsonObject().put("id", "C0123CI").put("name", "ci-builds"))
        .put("message", new JsonObject().put("ts", "1700000000.000100").put("text", "card"))
        .put("response_url", responseUrl)
        .put(
            "actions",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("action_id", actionId)
                        .put("block_id", "pitstop.pause")
                        .put("type", "button")
                        .put("value", value)
                        .put("action_ts", "1700000001.000200")));
  }

  /** The form body Slack sends. */
  static byte[] form(JsonObject payload) {
    return form(payload.encode());
  }

  static byte[] form(String payload) {
    return ("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }
}
