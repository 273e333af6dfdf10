package dev.pitstop.notifier.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostEphemeralResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import dev.pitstop.notifier.delivery.RetryAfter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The Slack Web API calls the notifier makes, through the official SDK ({@code slack-api-client}):
 * {@code chat.postMessage}, {@code chat.update} and {@code chat.postEphemeral}. <b>Blocking</b>:
 * call only from a worker thread, never from a Vert.x event loop. The bot token is held here and
 * never logged (not even in {@link #toString()}); the SDK sends it as {@code Authorization:
 * Bearer}.
 *
 * <p>The SDK's statistics (which would call {@code auth.test} first) are off; its base URL is
 * configurable so tests point it at {@code SlackApiEmulator}.
 */
public final class SlackApi implements AutoCloseable {
  /** Slack's errors that may pass on a later try. */
  private static final Set<String> TRANSIENT =
      Set.of(
          "internal_error",
          "fatal_error",
          "service_unavailable",
          "request_timeout",
          "ratelimited",
          "rate_limited");

  /** What one call came to. */
  public sealed interface Answer {}

  /**
   * Slack took it.
   *
   * @param channel the channel's id, as Slack answers it
   * @param ts the message's timestamp (its id in the channel)
   */
  public record Ok(String channel, String ts) implements Answer {}

  /**
   * Slack answered 429: nothing more to this channel before {@code retryAfter}.
   *
   * @param retryAfter its {@code Retry-After} (1 s when absent)
   */
  public record Throttled(Duration retryAfter) implements Answer {}

  /**
   * Slack refused it, or did not answer.
   *
   * @param error Slack's error code ({@code channel_not_found}, {@code invalid_blocks}, ...), an
   *     HTTP status, or a connection error; bounded, no token
   * @param retryable true when trying again may help
   */
  public record Failed(String error, boolean retryable) implements Answer {}

  private final Slack slack;
  private final MethodsClient methods;

  /**
   * @param apiUrl the Web API's base URL ending in {@code /api/} ({@code https://slack.com/api/})
   * @param token the bot token ({@code xoxb-...})
   * @param timeout the longest one call may take
   */
  public SlackApi(String apiUrl, String token, Duration timeout) {
    SlackConfig config = new SlackConfig();
    config.setStatsEnabled(false);
    config.setPrettyResponseLoggingEnabled(false);
    config.setMethodsEndpointUrlPrefix(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    config.setHttpClientCallTimeoutMillis(ms);
    config.setHttpClientReadTimeoutMillis(ms);
    config.setHttpClientWriteTimeoutMillis(ms);
    this.slack = Slack.getInstance(config);
    this.methods = slack.methods(token);
  }

  /**
   * {@code chat.postMessage}.
   *
   * @param channel a channel name ({@code #ci}) or id
   * @param blocksJson the Block Kit blocks as a JSON array, or null
   * @param threadTs the parent message's {@code ts} for a thread reply, or null
   */
  public Answer post(String channel, String text, String blocksJson, String threadTs) {
    try {
      ChatPostMessageResponse r =
          methods.chatPostMessage(
              b ->
                  b.channel(channel)
                      .text(text)
                      .blocksAsString(blocksJson)
                      .threadTs(threadTs)
                      .unfurlLinks(false)
                      .unfurlMedia(false));
      return r.isOk() ? new Ok(r.getChannel(), r.getTs()) : refused(r);
    } catch (SlackApiException e) {
      return fromException(e);
    } catch (IOException | RuntimeException e) {
      return new Failed("no answer: " + e.getClass().getSimpleName(), true);
    }
  }

  /**
   * {@code chat.update} of a message.
   *
   * @param channelId the channel's id (as {@link Ok#channel()} gave it)
   * @param ts the message's {@code ts}
   */
  public Answer update(String channelId, String ts, String text, String blocksJson) {
    try {
      ChatUpdateResponse r =
          methods.chatUpdate(
              b -> b.channel(channelId).ts(ts).text(text).blocksAsString(blocksJson));
      return r.isOk() ? new Ok(r.getChannel(), r.getTs()) : refused(r);
    } catch (SlackApiException e) {
      return fromException(e);
    } catch (IOException | RuntimeException e) {
      return new Failed("no answer: " + e.getClass().getSimpleName(), true);
    }
  }

  /**
   * {@code chat.postEphemeral}: a message only {@code user} sees, in {@code channel} (Slack shows
   * it only if the user is in the channel; else {@code user_not_in_channel}).
   *
   * @param channel a channel id or name
   * @param user a Slack user id ({@code U…}/{@code W…})
   * @return {@link Ok} with the channel and the ephemeral message's {@code message_ts}
   */
  public Answer postEphemeral(String channel, String user, String text) {
    try {
      ChatPostEphemeralResponse r =
          methods.chatPostEphemeral(b -> b.channel(channel).user(user).text(text));
      return r.isOk() ? new Ok(channel, r.getMessageTs()) : refused(r);
    } catch (SlackApiException e) {
      return fromException(e);
    } catch (IOException | RuntimeException e) {
      return new Failed("no answer: " + e.getClass().getSimpleName(), true);
    }
  }

  private static Answer refused(SlackApiTextResponse r) {
    String error = clean(r.getError());
    return new Failed(error, TRANSIENT.contains(error));
  }

  private static Answer fromException(SlackApiException e) {
    int code = e.getResponse() == null ? 0 : e.getResponse().code();
    if (code == 429) {
      Duration d =
          RetryAfter.parse(e.getResponse().header("Retry-After"), Instant.now())
              .orElse(Duration.ofSeconds(1));
      return new Throttled(d);
    }
    String error =
        e.getError() != null && e.getError().getError() != null
            ? e.getError().getError()
            : "HTTP " + code;
    return new Failed(clean(error), code >= 500 || code == 408 || TRANSIENT.contains(error));
  }

  private static String clean(String s) {
    if (s == null) {
      return "unknown error";
    }
    String t = s.replaceAll("[^A-Za-z0-9_ .:-]", "?");
    return t.length() > 100 ? t.substring(0, 100) : t;
  }

  @Override
  public void close() {
    try {
      slack.close();
    } catch (Exception e) {
      // closing the HTTP client's pools: nothing to report
    }
  }

  @Override
  public String toString() {
    return "SlackApi[token hidden]";
  }
}
