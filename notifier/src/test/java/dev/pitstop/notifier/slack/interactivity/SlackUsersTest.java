package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.events.data.Identity;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackUsersTest {
  @Test
  void mapsSlackUserIdsToKubernetesUsersAndGroupsFromYamlOrJson() {
    SlackUsers yaml =
        SlackUsers.parse(
            """
            users:
              U024BE7LH:
                username: alice@example.com
                groups: [developers, "system:authenticated"]
              W0123ABCD: {username: bob@example.com}
            """);
    assertThat(yaml.identityOf("U024BE7LH"))
        .contains(new Identity("alice@example.com", List.of("developers", "system:authenticated")));
    assertThat(yaml.identityOf("W0123ABCD")).contains(Identity.of("bob@example.com"));
    assertThat(yaml.identityOf("U999")).isEmpty();
    assertThat(yaml.size()).isEqualTo(2);
    SlackUsers json = SlackUsers.parse("{\"users\":{\"U1AB\":{\"username\":\"carol\"}}}");
    assertThat(json.identityOf("U1AB")).contains(Identity.of("carol"));
    assertThat(SlackUsers.parse("").size()).isZero();
    assertThat(SlackUsers.parse("users:").size()).isZero();
  }

  @Test
  void refusesABadFileNamingTheUserAndKey() {
    assertBad("users: [a]", "users must be a map");
    assertBad("user: {}", "unknown key \"user\"");
    assertBad("users: {alice: {username: a}}", "users.alice: not a Slack user id");
    assertBad("users: {U1AB: {username: a, group: [x]}}", "users.U1AB: unknown key \"group\"");
    assertBad("users: {U1AB: {groups: [x]}}", "users.U1AB.username");
    assertBad("users: {U1AB: {username: \" a\"}}", "users.U1AB.username");
    assertBad("users: {U1AB: {username: 7}}", "users.U1AB.username");
    assertBad("users: {U1AB: {username: a, groups: x}}", "users.U1AB.groups must be a list");
    assertBad("users: {U1AB: {username: a, groups: [ok, {}]}}", "users.U1AB.groups[1]");
    assertBad("users: {U1AB: a}", "users.U1AB must be a map");
    assertBad("users: {U1AB: {username: a}", "not YAML or JSON");
  }

  private static void assertBad(String text, String why) {
    assertThatThrownBy(() -> SlackUsers.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
  }
}
