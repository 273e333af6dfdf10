package dev.pitstop.notifier.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
  static final String CURRENT = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String NEXT = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

  private static Map<String, List<String>> asHeaders(Map<String, String> h) {
    return h.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
  }

  @Test
  void signsSoThatAStandardWebhooksReceiverVerifies() throws Exception {
    Instant now = Instant.now();
    Map<String, String> h = WebhookSigner.of(List.of(CURRENT)).headers("evt-1", now, "{\"a\":1}");
    assertThat(h)
        .containsEntry("webhook-id", "evt-1")
        .containsEntry("webhook-timestamp", Long.toString(now.getEpochSecond()));
    assertThat(h.get("webhook-signature")).startsWith("v1,");
    new Webhook(CURRENT).verify("{\"a\":1}", asHeaders(h));
  }

  @Test
  void aChangedBodyOrIdFailsVerification() {
    Map<String, String> h =
        WebhookSigner.of(List.of(CURRENT)).headers("evt-1", Instant.now(), "{\"a\":1}");
    assertThatThrownBy(() -> new Webhook(CURRENT).verify("{\"a\":2}", asHeaders(h)))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void everySecretSignsSoReceiversOnEitherSideOfARotationVerify() throws Exception {
    Instant now = Instant.now();
    Map<String, String> h = WebhookSigner.of(List.of(CURRENT, NEXT)).headers("e", now, "{}");
    assertThat(h.get("webhook-signature").split(" ")).hasSize(2);
    new Webhook(CURRENT).verify("{}", asHeaders(h));
    new Webhook(NEXT).verify("{}", asHeaders(h));
    assertThatThrownBy(
            () ->
                new Webhook("whsec_b3RoZXItc2VjcmV0LW5vdC1jb25maWd1cmVk")
                    .verify("{}", asHeaders(h)))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void noSecretsNoHeaders() {
    assertThat(WebhookSigner.NONE.headers("e", Instant.now(), "{}")).isEmpty();
    assertThat(WebhookSigner.of(List.of()).signs()).isFalse();
  }

  @Test
  void aBadSecretIsNamedByPositionNeverByValue() {
    assertThatThrownBy(() -> WebhookSigner.of(List.of(CURRENT, "whsec_not base64!")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret 2")
        .hasMessageNotContaining("not base64!");
    assertThat(WebhookSigner.of(List.of(CURRENT)).toString()).doesNotContain("MfKQ");
  }
}
