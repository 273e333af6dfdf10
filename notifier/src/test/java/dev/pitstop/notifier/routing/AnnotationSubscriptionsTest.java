package dev.pitstop.notifier.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventType;
import dev.pitstop.notifier.TestEvents;
import dev.pitstop.notifier.routing.AnnotationSubscriptions.Accepted;
import dev.pitstop.notifier.routing.AnnotationSubscriptions.Rejected;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationSubscriptionsTest {
  private final AnnotationSubscriptions subs =
      new AnnotationSubscriptions(
          new UrlPolicy(List.of("https://hooks.example.com/"), false),
          ChannelPolicy.parse(List.of("ci:#ci-builds", "*:#general")),
          true);

  private List<AnnotationSubscriptions.Requested> of(String ns, Map<String, String> a) {
    return subs.of(TestEvents.of(EventType.BREAKPOINT_PAUSED, ns, a, "r").data().run());
  }

  @Test
  void acceptsAllowedUrlsAndChannels() {
    var r =
        of(
            "ci",
            Map.of(
                AnnotationSubscriptions.WEBHOOK, "https://hooks.example.com/a?t=1",
                AnnotationSubscriptions.SLACK, "#ci-builds, #general"));
    assertThat(r).hasSize(3).allMatch(x -> x instanceof Accepted);
    assertThat(((Accepted) r.get(0)).host()).isEqualTo("hooks.example.com");
    assertThat(((Accepted) r.get(1)).endpoint()).isEqualTo(Endpoint.slack("#ci-builds"));
  }

  @Test
  void refusesAndReportsWithoutSecrets() {
    var r =
        of(
            "prod",
            Map.of(
                AnnotationSubscriptions.WEBHOOK,
                "http://user:pw@169.254.169.254/latest?token=s3cret",
                AnnotationSubscriptions.SLACK,
                "#ci-builds"));
    assertThat(r).hasSize(2).allMatch(x -> x instanceof Rejected);
    Rejected url = (Rejected) r.get(0);
    assertThat(url.shown()).isEqualTo("http://169.254.169.254/latest").doesNotContain("pw");
    Rejected channel = (Rejected) r.get(1);
    assertThat(channel.reason()).contains("not allowed for namespace prod");
  }

  @Test
  void atMostThreePerAnnotationAndSlackOnlyWhenConfigured() {
    var r =
        of(
            "ci",
            Map.of(
                AnnotationSubscriptions.WEBHOOK,
                "https://hooks.example.com/1,https://hooks.example.com/2,"
                    + "https://hooks.example.com/3,https://hooks.example.com/4"));
    assertThat(r).hasSize(4);
    assertThat(r.get(3)).isInstanceOf(Rejected.class);
    var noSlack =
        new AnnotationSubscriptions(UrlPolicy.DENY_ALL, ChannelPolicy.DENY_ALL, false)
            .of(
                TestEvents.of(
                        EventType.BREAKPOINT_PAUSED,
                        "ci",
                        Map.of(AnnotationSubscriptions.SLACK, "#general"),
                        "r")
                    .data()
                    .run());
    assertThat(noSlack).singleElement().isInstanceOf(Rejected.class);
    assertThat(((Rejected) noSlack.get(0)).reason()).contains("not configured");
  }

  @Test
  void noAnnotationsNoSubscriptions() {
    assertThat(of("ci", Map.of("other", "x"))).isEmpty();
  }
}
