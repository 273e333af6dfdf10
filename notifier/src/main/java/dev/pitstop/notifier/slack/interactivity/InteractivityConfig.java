package dev.pitstop.notifier.slack.interactivity;

import dev.pitstop.notifier.slack.SlackSignature;
import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Slack interactivity endpoint's configuration. It is on when a signing secret is configured.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_SIGNING_SECRET}</td><td>none (endpoint off)</td>
 *       <td>the Slack app's signing secret. Never logged.</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_SIGNING_SECRET_FILE}</td><td>none</td>
 *       <td>a file holding it (a mounted Kubernetes Secret); not with the key above</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_USERS_FILE}</td><td>required with a secret</td>
 *       <td>Slack user id → Kubernetes user and groups ({@link SlackUsers})</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_INTERACTIVITY_HOST}</td><td>{@code 0.0.0.0}</td>
 *       <td>the address to listen on</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_INTERACTIVITY_PORT}</td><td>8082</td>
 *       <td>the port ({@code 0}: any free one)</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_MAX_BODY_BYTES}</td><td>262144</td>
 *       <td>the largest request body (Slack's payload holds the whole card); beyond: 413</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_RESPONSE_URL_PREFIXES}</td><td>{@code https://hooks.slack.com/}
 *       </td><td>URL prefixes a {@code response_url} must start with to be answered</td></tr>
 *   <tr><td>{@code NOTIFIER_SLACK_OUTCOME_WAIT}</td><td>{@code 10m}</td>
 *       <td>how long the engine's outcome of a click is waited for, to tell the user of a
 *       rejection (at most 30m, Slack's limit for a {@code response_url})</td></tr>
 * </table>
 *
 * @param signature verifies requests (holds the secret; its toString hides it)
 * @param users the users table
 * @param usersFile where it was read from, for logs
 * @param host the address to listen on
 * @param port the port (0: any)
 * @param maxBodyBytes the largest body accepted
 * @param responseUrls where answers may go
 * @param outcomeWait how long an outcome is waited for
 */
public record InteractivityConfig(
    SlackSignature signature,
    SlackUsers users,
    String usersFile,
    String host,
    int port,
    int maxBodyBytes,
    ResponseUrls responseUrls,
    Duration outcomeWait) {
  public static final String SIGNING_SECRET = "NOTIFIER_SLACK_SIGNING_SECRET";
  public static final String SIGNING_SECRET_FILE = "NOTIFIER_SLACK_SIGNING_SECRET_FILE";
  public static final String USERS_FILE = "NOTIFIER_SLACK_USERS_FILE";
  public static final String HOST = "NOTIFIER_SLACK_INTERACTIVITY_HOST";
  public static final String PORT = "NOTIFIER_SLACK_INTERACTIVITY_PORT";
  public static final String MAX_BODY = "NOTIFIER_SLACK_MAX_BODY_BYTES";
  public static final String RESPONSE_URL_PREFIXES = "NOTIFIER_SLACK_RESPONSE_URL_PREFIXES";
  public static final String OUTCOME_WAIT = "NOTIFIER_SLACK_OUTCOME_WAIT";

  public InteractivityConfig {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(responseUrls, "responseUrls");
    Objects.requireNonNull(outcomeWait, "outcomeWait");
  }

  /**
   * Reads the keys above.
   *
   * @return null when no signing secret is configured (the endpoint is off)
   * @throws ConfigException naming the first key whose value is missing or wrong
   */
  public static InteractivityConfig from(Settings s) {
    String secret = s.string(SIGNING_SECRET, null);
    String secretFile = s.string(SIGNING_SECRET_FILE, null);
    boolean inline = secret != null && !secret.isBlank();
    boolean fromFile = secretFile != null && !secretFile.isBlank();
    String usersFile = s.string(USERS_FILE, null);
    if (!inline && !fromFile) {
      if (usersFile != null && !usersFile.isBlank()) {
        throw new ConfigException(
            USERS_FILE + " is set but neither " + SIGNING_SECRET + " nor " + SIGNING_SECRET_FILE);
      }
      return null;
    }
    if (inline && fromFile) {
      throw new ConfigException(
          "set only one of " + SIGNING_SECRET + " and " + SIGNING_SECRET_FILE);
    }
    if (fromFile) {
      secret = read(SIGNING_SECRET_FILE, secretFile).strip();
      if (secret.isEmpty()) {
        throw new ConfigException(SIGNING_SECRET_FILE + "=" + secretFile + " is empty");
      }
    }
    SlackSignature signature = new SlackSignature(secret);
    if (usersFile == null || usersFile.isBlank()) {
      throw new ConfigException(
          USERS_FILE + " is required with a Slack signing secret: it says who a Slack user is");
    }
    SlackUsers users;
    try {
      users = SlackUsers.parse(read(USERS_FILE, usersFile));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(USERS_FILE + "=" + usersFile + ": " + e.getMessage());
    }
    String host = s.string(HOST, "0.0.0.0");
    int port = s.integer(PORT, 8082, 0, 65_535);
    int maxBody = s.integer(MAX_BODY, 256 * 1024, 1024, 16 * 1024 * 1024);
    ResponseUrls urls;
    try {
      urls = new ResponseUrls(s.list(RESPONSE_URL_PREFIXES, List.of(ResponseUrls.SLACK)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(RESPONSE_URL_PREFIXES + ": " + e.getMessage());
    }
    Duration wait = s.duration(OUTCOME_WAIT, Duration.ofMinutes(10));
    if (wait.toSeconds() < 1 || wait.compareTo(Duration.ofMinutes(30)) > 0) {
      throw new ConfigException(OUTCOME_WAIT + " must be between 1s and 30m");
    }
    return new InteractivityConfig(
        signature, users, usersFile.strip(), host, port, maxBody, urls, wait);
  }

  private static String read(String key, String file) {
    try {
      return Files.readString(Path.of(file.strip()));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          key + "=" + file + " cannot be read: " + e.getClass().getSimpleName());
    }
  }
}
