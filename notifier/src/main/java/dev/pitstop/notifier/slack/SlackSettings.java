package dev.pitstop.notifier.slack;

import java.time.Duration;
import java.util.Objects;

/**
 * How the notifier posts to Slack ({@code NOTIFIER_SLACK_*}, read by {@code NotifierConfig}).
 *
 * @param token the bot token ({@code xoxb-...}); never logged, hidden by {@link #toString()}
 * @param apiUrl the Web API's base URL ({@code https://slack.com/api/}; a loopback emulator in
 *     tests)
 * @param postOn when a run's card is first posted
 * @param cardGrace how long a finished run's card is remembered (its {@code ts} kept in the state
 *     topic) before it is forgotten (tombstoned)
 * @param interval the least time between two calls to one channel (Slack: about 1 per second)
 * @param workers threads of the worker pool that makes the SDK's blocking calls
 * @param maxCards cards held in memory at once (the oldest are reloaded from the state when needed)
 */
public record SlackSettings(
    String token,
    String apiUrl,
    StatusCard.PostOn postOn,
    Duration cardGrace,
    Duration interval,
    int workers,
    int maxCards) {
  public SlackSettings {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(apiUrl, "apiUrl");
    Objects.requireNonNull(postOn, "postOn");
    Objects.requireNonNull(cardGrace, "cardGrace");
    Objects.requireNonNull(interval, "interval");
  }

  @Override
  public String toString() {
    return "SlackSettings[token hidden, apiUrl="
        + apiUrl
        + ", postOn="
        + postOn
        + ", cardGrace="
        + cardGrace
        + ", interval="
        + interval
        + ", workers="
        + workers
        + ", maxCards="
        + maxCards
        + "]";
  }
}
