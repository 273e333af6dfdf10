package dev.pitstop.notifier.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs webhook requests per the Standard Webhooks specification (standardwebhooks.com, "Signature
 * scheme"): {@code webhook-id} (the CloudEvent id, the same on every retry), {@code
 * webhook-timestamp} (whole seconds since the epoch, when the attempt is made) and {@code
 * webhook-signature}: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, one per configured
 * secret, separated by spaces, so a receiver keeps verifying while secrets are rotated (it accepts
 * a request when any signature matches one of its secrets).
 *
 * <p>Secrets are {@code whsec_} followed by base64 (24 to 64 random bytes is usual). They never
 * appear in {@link #toString()}, logs or exceptions.
 */
public final class WebhookSigner {
  /** Header: the message id (the CloudEvent id). */
  public static final String ID = "webhook-id";

  /** Header: seconds since the epoch, decimal. */
  public static final String TIMESTAMP = "webhook-timestamp";

  /** Header: space-separated {@code v1,<base64>} signatures. */
  public static final String SIGNATURE = "webhook-signature";

  /** A signer with no secrets: {@link #headers} returns nothing. */
  public static final WebhookSigner NONE = new WebhookSigner(List.of());

  private final List<Webhook> keys;

  private WebhookSigner(List<Webhook> keys) {
    this.keys = List.copyOf(keys);
  }

  /**
   * A signer for these secrets, the first being the current one.
   *
   * @param secrets {@code whsec_<base64>} (the prefix is optional), possibly empty for no signing
   * @throws IllegalArgumentException naming the secret's position (never its value) when one is not
   *     base64 or is empty
   */
  public static WebhookSigner of(List<String> secrets) {
    List<Webhook> keys = new ArrayList<>();
    for (int i = 0; i < secrets.size(); i++) {
      String s = secrets.get(i) == null ? "" : secrets.get(i).strip();
      String body = s.startsWith("whsec_") ? s.substring("whsec_".length()) : s;
      if (body.isEmpty()) {
        throw new IllegalArgumentException("secret " + (i + 1) + " is empty");
      }
      try {
        java.util.Base64.getDecoder().decode(body);
        keys.add(new Webhook(s));
      } catch (RuntimeException | com.standardwebhooks.exceptions.EmptyWebhookSecretException e) {
        throw new IllegalArgumentException(
            "secret " + (i + 1) + " is not whsec_ followed by base64");
      }
    }
    return new WebhookSigner(keys);
  }

  /** True when there is at least one secret. */
  public boolean signs() {
    return !keys.isEmpty();
  }

  /** How many secrets sign. */
  public int secrets() {
    return keys.size();
  }

  /**
   * The three headers for one request, or an empty map when there is no secret.
   *
   * @param messageId the {@code webhook-id}: the CloudEvent id
   * @param at the attempt's time (truncated to seconds)
   * @param payload the exact request body, as UTF-8 text
   */
  public Map<String, String> headers(String messageId, Instant at, String payload) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    long seconds = at.getEpochSecond();
    List<String> signatures = new ArrayList<>();
    for (Webhook key : keys) {
      try {
        signatures.add(key.sign(messageId, seconds, payload));
      } catch (WebhookSigningException e) {
        throw new IllegalStateException("HMAC-SHA256 is not available", e);
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put(ID, messageId);
    out.put(TIMESTAMP, Long.toString(seconds));
    out.put(SIGNATURE, String.join(" ", signatures));
    return out;
  }

  @Override
  public String toString() {
    return "WebhookSigner[" + keys.size() + " secrets]";
  }
}
