package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.notifier.slack.StatusCard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InteractionTest {
  private static final String URL = "https://hooks.slack.com/actions/T024BE7LD/1/abc";

  @Test
  void readsTheUserTheButtonTheCardAndTheResponseUrlOfABlockActionsPayload() {
    Interaction i =
        Interaction.parse(
            SlackClicks.form(
                SlackClicks.payload("U024BE7LH", StatusCard.CONTINUE, SlackClicks.VALUE, URL)));
    assertThat(i)
        .isEqualTo(
            new Interaction(
                "U024BE7LH",
                "alice",
                "T024BE7LD",
                "C0123CI",
                "1700000000.000100",
                URL,
                StatusCard.CONTINUE,
                SlackClicks.VALUE));
  }

  @Test
  void toleratesOtherFormFieldsAndAMissingUsernameOrResponseUrl() {
    JsonObject p = SlackClicks.payload("W0ABC123", StatusCard.FAIL_CONTINUE, "x", URL);
    p.getJsonObject("user").remove("username");
    p.remove("response_url");
    byte[] body =
        ("a=1&" + new String(SlackClicks.form(p), StandardCharsets.UTF_8) + "&b")
            .getBytes(StandardCharsets.UTF_8);
    Interaction i = Interaction.parse(body);
    assertThat(i.userId()).isEqualTo("W0ABC123");
    assertThat(i.userName()).isNull();
    assertThat(i.responseUrl()).isNull();
  }

  @Test
  void refusesWhatIsNotOneButtonClickSayingWhy() {
    assertMalformed("token=abc".getBytes(StandardCharsets.UTF_8), "no payload");
    assertMalformed(SlackClicks.form("{not json"), "not JSON");
    assertMalformed(SlackClicks.form("[1,2]"), "not a JSON object");
    assertMalformed(new byte[] {'p', 'a', 'y', (byte) 0xC3, (byte) 0x28}, "not UTF-8");
    assertMalformed(
        SlackClicks.form(payload().put("type", "view_submission")),
        "payload type \"view_submission\" is not handled");
    assertMalformed(
        SlackClicks.form(payload().put("user", new JsonObject().put("id", "alice"))), "user.id");
    assertMalformed(SlackClicks.form(payload().put("actions", new JsonArray())), "exactly one");
    JsonObject two = payload();
    two.getJsonArray("actions").add(two.getJsonArray("actions").getJsonObject(0).copy());
    assertMalformed(SlackClicks.form(two), "exactly one");
    JsonObject noValue = payload();
    noValue.getJsonArray("actions").getJsonObject(0).remove("value");
    assertMalformed(SlackClicks.form(noValue), "value is missing");
    JsonObject badTs = payload();
    badTs.getJsonObject("container").put("message_ts", "yesterday");
    assertMalformed(SlackClicks.form(badTs), "message_ts");
    assertMalformed(
        SlackClicks.form(payload().put("response_url", "https://x/" + "a".repeat(2_100))),
        "response_url");
    byte[] twice =
        ("payload=1&" + new String(SlackClicks.form(payload()), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
    assertMalformed(twice, "more than one payload");
  }

  private static JsonObject payload() {
    return SlackClicks.payload("U024BE7LH", StatusCard.CONTINUE, SlackClicks.VALUE, URL);
  }

  private static void assertMalformed(byte[] body, String why) {
    assertThatThrownBy(() -> Interaction.parse(body))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
  }
}
