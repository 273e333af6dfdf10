package dev.pitstop.notifier.slack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Slack's request signature (Slack API docs, "Verifying requests from Slack"): {@code
 * X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<X-Slack-Request-Timestamp>:<raw body>">} under the
 * app's signing secret; requests whose timestamp is more than 5 minutes from now are refused
 * (replay protection). Pure; the secret never appears in results or {@link #toString()}.
 */
public final class SlackSignature {
  /** The largest accepted distance between the request's timestamp and now. */
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final byte[] secret;

  /**
   * @param signingSecret the app's signing secret (Basic Information → App Credentials)
   * @throws IllegalArgumentException when empty
   */
  public SlackSignature(String signingSecret) {
    if (signingSecret == null || signingSecret.isBlank()) {
      throw new IllegalArgumentException("the Slack signing secret is empty");
    }
    this.secret = signingSecret.strip().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Why the request is not from Slack, or empty when it is.
   *
   * @param timestamp the {@code X-Slack-Request-Timestamp} header (seconds), or null
   * @param signature the {@code X-Slack-Signature} header, or null
   * @param body the raw request body, exactly as received
   * @param now the current time
   */
  public Optional<String> problem(String timestamp, String signature, byte[] body, Instant now) {
    if (timestamp == null || signature == null) {
      return Optional.of("missing X-Slack-Request-Timestamp or X-Slack-Signature");
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      return Optional.of("X-Slack-Request-Timestamp is not a number");
    }
    if (Math.abs(now.getEpochSecond() - ts) > TOLERANCE.toSeconds()) {
      return Optional.of("the request is older (or newer) than 5 minutes");
    }
    byte[] expected = ("v0=" + sign(ts, body)).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of("the signature does not match");
    }
    return Optional.empty();
  }

  /** The hex HMAC-SHA256 of {@code v0:<timestamp>:<body>} (what follows {@code v0=}). */
  public String sign(long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "SlackSignature[secret hidden]";
  }
}
