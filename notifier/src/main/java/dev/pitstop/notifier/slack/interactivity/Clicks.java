package dev.pitstop.notifier.slack.interactivity;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.Command;
import dev.pitstop.events.data.Identity;
import dev.pitstop.notifier.slack.StatusCard;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a verified button click into a decision (pure): which command to publish, or why the user
 * is refused, or why the request is malformed.
 *
 * <ul>
 *   <li>the {@code action_id} must be {@link StatusCard#CONTINUE} ({@code continue}) or {@link
 *       StatusCard#FAIL_CONTINUE} ({@code fail-continue}), and the value a {@link ButtonValue};
 *       else {@link ClickDecision.Malformed};
 *   <li>the Slack user must be in the {@link SlackUsers} table; else {@link ClickDecision.Refuse};
 *   <li>else {@link ClickDecision.Publish} of a {@link Command} ({@code via: slack}, {@code
 *       requestedBy} the mapped identity with the Slack user id, name and team as {@link
 *       Identity#attributes()}, {@code requestId} the given id), built by {@link EventFactory}, so
 *       keyed by the root run's UID like the run's events.
 * </ul>
 */
public final class Clicks {
  /** The {@code via} of commands from Slack. */
  public static final String VIA = "slack";

  private final SlackUsers users;
  private final EventFactory factory;

  /**
   * @param factory the notifier's event factory ({@code /pitstop/<cluster>/notifier})
   */
  public Clicks(SlackUsers users, EventFactory factory) {
    this.users = users;
    this.factory = factory;
  }

  /**
   * Decides.
   *
   * @param click the parsed click
   * @param requestId the command's id (a random UUID; also its CloudEvent id)
   * @param now when the click was accepted
   */
  public ClickDecision decide(Interaction click, String requestId, Instant now) {
    Action action = actionOf(click.actionId());
    if (action == null) {
      return new ClickDecision.Malformed(
          "action_id is not " + StatusCard.CONTINUE + " or " + StatusCard.FAIL_CONTINUE);
    }
    ButtonValue target;
    try {
      target = ButtonValue.parse(click.value());
    } catch (IllegalArgumentException e) {
      return new ClickDecision.Malformed(e.getMessage());
    }
    Optional<Identity> mapped = users.identityOf(click.userId());
    if (mapped.isEmpty()) {
      return new ClickDecision.Refuse(
          "Pitstop does not know your Slack user ("
              + click.userId()
              + "), so it cannot tell who would release `"
              + target.display()
              + "`. Ask your platform team to add you to the notifier's users file"
              + " (NOTIFIER_SLACK_USERS_FILE), or release it with `pitstop` or the engine's API.",
          "Slack user " + click.userId() + " is not in the users file");
    }
    Identity base = mapped.get();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(Identity.SLACK_USER_ID, click.userId());
    if (click.userName() != null) {
      attributes.put(Identity.SLACK_USER_NAME, click.userName());
    }
    if (click.teamId() != null) {
      attributes.put(Identity.SLACK_TEAM_ID, click.teamId());
    }
    Identity by = new Identity(base.username(), base.groups(), attributes);
    Command c = new Command(target.run(), target.step(), action, by, VIA, now, requestId);
    EventType type =
        action == Action.CONTINUE ? EventType.COMMAND_CONTINUE : EventType.COMMAND_FAIL_CONTINUE;
    return new ClickDecision.Publish(factory.create(type, c, now), target);
  }

  /** The release an {@code action_id} asks for, or null for any other. */
  static Action actionOf(String actionId) {
    if (StatusCard.CONTINUE.equals(actionId)) {
      return Action.CONTINUE;
    } else if (StatusCard.FAIL_CONTINUE.equals(actionId)) {
      return Action.FAIL_CONTINUE;
    }
    return null;
  }
}
