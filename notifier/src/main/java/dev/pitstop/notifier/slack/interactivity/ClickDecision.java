package dev.pitstop.notifier.slack.interactivity;

import dev.pitstop.events.PitstopEvent;

/** What to do with a verified click ({@link Clicks#decide}). */
public sealed interface ClickDecision {
  /**
   * Publish the command (answer Slack 200 at once) and remember it, to tell the user if the engine
   * rejects it.
   *
   * @param command a {@code dev.pitstop.command.*.v1} event
   * @param target what it releases
   */
  record Publish(PitstopEvent command, ButtonValue target) implements ClickDecision {}

  /**
   * Refuse the user: answer Slack 200 and tell the user why in an ephemeral message.
   *
   * @param message the text shown to the user only
   * @param reason for the log
   */
  record Refuse(String message, String reason) implements ClickDecision {}

  /**
   * The request is not a Pitstop button click: answer 400 with the reason.
   *
   * @param reason why, fit to show the caller
   */
  record Malformed(String reason) implements ClickDecision {}
}
