package dev.pitstop.notifier.slack.interactivity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One button click as Slack posts it to the interactivity URL (Slack API docs, "Handling user
 * interaction": an {@code application/x-www-form-urlencoded} body whose {@code payload} field is
 * JSON of {@code type: block_actions}). Only what Pitstop uses is kept. {@link #parse} is pure and
 * strict: anything else than one button action of a {@code block_actions} payload is refused with a
 * reason.
 *
 * @param userId the clicking user ({@code user.id}, {@code U…}/{@code W…})
 * @param userName the user's handle ({@code user.username}), or null
 * @param teamId the workspace ({@code team.id} or {@code user.team_id}), or null
 * @param channelId the card's channel ({@code channel.id} or {@code container.channel_id}), or null
 * @param messageTs the card's message {@code ts} ({@code container.message_ts}), or null
 * @param responseUrl where to answer the user ({@code response_url}), or null
 * @param actionId the button's {@code action_id}
 * @param value the button's {@code value} (not yet validated: {@link ButtonValue#parse})
 */
public record Interaction(
    String userId,
    String userName,
    String teamId,
    String channelId,
    String messageTs,
    String responseUrl,
    String actionId,
    String value) {
  /** Slack user ids: {@code U…} or {@code W…} (Enterprise Grid), upper-case letters and digits. */
  public static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,31}");

  private static final Pattern SLACK_ID = Pattern.compile("[A-Z0-9]{1,32}");
  private static final Pattern TS = Pattern.compile("[0-9]{1,12}\\.[0-9]{1,9}");
  private static final Pattern USER_NAME = Pattern.compile("[\\p{L}\\p{N}._-]{1,80}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_URL = 2_000;
  private static final int MAX_ACTION_ID = 255;

  /**
   * Parses a request body.
   *
   * @param body the raw body (form-urlencoded, UTF-8)
   * @throws IllegalArgumentException saying what is wrong, fit to show the caller
   */
  public static Interaction parse(byte[] body) {
    String form;
    try {
      form =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the body is not UTF-8");
    }
    String payload = null;
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if ("payload".equals(name)) {
        if (payload != null) {
          throw new IllegalArgumentException("the body has more than one payload field");
        }
        try {
          payload = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("the payload field is not form-urlencoded");
        }
      }
    }
    if (payload == null || payload.isBlank()) {
      throw new IllegalArgumentException("the body has no payload field");
    }
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("the payload is not JSON");
    }
    return of(root);
  }

  private static Interaction of(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the payload is not a JSON object");
    }
    String type = text(root, "type");
    if (!"block_actions".equals(type)) {
      throw new IllegalArgumentException(
          "payload type " + shown(type) + " is not handled (only block_actions)");
    }
    JsonNode user = root.path("user");
    String userId = text(user, "id");
    if (userId == null || !USER_ID.matcher(userId).matches()) {
      throw new IllegalArgumentException("user.id is missing or not a Slack user id");
    }
    String userName = text(user, "username");
    if (userName != null && !USER_NAME.matcher(userName).matches()) {
      userName = null;
    }
    String teamId = text(root.path("team"), "id");
    if (teamId == null) {
      teamId = text(user, "team_id");
    }
    teamId = teamId != null && SLACK_ID.matcher(teamId).matches() ? teamId : null;
    JsonNode container = root.path("container");
    String channelId = text(root.path("channel"), "id");
    if (channelId == null) {
      channelId = text(container, "channel_id");
    }
    if (channelId != null && !SLACK_ID.matcher(channelId).matches()) {
      throw new IllegalArgumentException("channel.id is not a Slack channel id");
    }
    String messageTs = text(container, "message_ts");
    if (messageTs != null && !TS.matcher(messageTs).matches()) {
      throw new IllegalArgumentException("container.message_ts is not a Slack ts");
    }
    String responseUrl = text(root, "response_url");
    if (responseUrl != null && responseUrl.length() > MAX_URL) {
      throw new IllegalArgumentException("response_url is longer than " + MAX_URL);
    }
    JsonNode actions = root.path("actions");
    if (!actions.isArray() || actions.size() != 1) {
      throw new IllegalArgumentException("the payload must hold exactly one action");
    }
    JsonNode action = actions.get(0);
    String actionId = text(action, "action_id");
    if (actionId == null || actionId.isEmpty() || actionId.length() > MAX_ACTION_ID) {
      throw new IllegalArgumentException("actions[0].action_id is missing");
    }
    String value = text(action, "value");
    if (value == null) {
      throw new IllegalArgumentException("actions[0].value is missing");
    }
    return new Interaction(
        userId, userName, teamId, channelId, messageTs, responseUrl, actionId, value);
  }

  /** A string field, or null when absent, null or not a string. */
  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() ? v.textValue() : null;
  }

  private static String shown(String s) {
    if (s == null) {
      return "(none)";
    }
    String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return "\"" + t.replaceAll("[^\\p{Alnum}._-]", "?") + "\"";
  }
}
