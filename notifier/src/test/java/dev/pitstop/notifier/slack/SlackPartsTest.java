package dev.pitstop.notifier.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackPartsTest {
  // Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String BODY =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  private static final String TS = "1531420618";
  private static final String SIG =
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

  @Test
  void acceptsSlacksDocumentedExampleAndRefusesBadOrStaleSignatures() {
    SlackSignature s = new SlackSignature(SECRET);
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    Instant then = Instant.ofEpochSecond(Long.parseLong(TS)).plusSeconds(10);
    assertThat(s.problem(TS, SIG, body, then)).isEmpty();
    assertThat(s.problem(TS, SIG.replace('a', 'b'), body, then)).get().asString().contains("match");
    assertThat(s.problem(TS, SIG, (BODY + "&x=1").getBytes(StandardCharsets.UTF_8), then))
        .isPresent();
    assertThat(s.problem(TS, SIG, body, then.plus(Duration.ofMinutes(6))))
        .get()
        .asString()
        .contains("5 minutes");
    assertThat(s.problem(null, SIG, body, then)).isPresent();
    assertThat(s.toString()).doesNotContain(SECRET);
  }

  @Test
  void redactsTokensPasswordsAndUserInfo() {
    assertThat(LogRedactor.redact("export PASSWORD=hunter2 and api_key: \"abc123\""))
        .doesNotContain("hunter2")
        .doesNotContain("abc123")
        .contains("PASSWORD=***");
    assertThat(LogRedactor.redact("curl -H 'Authorization: Bearer eyJabc.def' https://u:pw@h/x"))
        .doesNotContain("eyJabc.def")
        .doesNotContain(":pw@");
    assertThat(
            LogRedactor.redact("token xoxb-1234567890-abcdefghij ghp_abcdefghijklmnopqrstuvwxyz12"))
        .doesNotContain("xoxb-1234567890")
        .doesNotContain("ghp_abcdef");
    assertThat(LogRedactor.redact("AKIAIOSFODNN7EXAMPLE")).isEqualTo("***");
    assertThat(LogRedactor.redact("[ERROR] Tests run: 42, Failures: 1"))
        .isEqualTo("[ERROR] Tests run: 42, Failures: 1");
    assertThat(LogRedactor.redact("x".repeat(1000))).hasSizeLessThan(310);
  }

  @Test
  void coalescesABurstIntoOneCallPerSecondPerChannel() {
    RateGovernor<Integer> g = new RateGovernor<>(Duration.ofSeconds(1));
    Instant t0 = Instant.parse("2026-11-21T09:00:00Z");
    for (int i = 0; i < 50; i++) {
      g.offer("#ci", "card:run-1", i);
    }
    g.offer("#other", "card:run-2", 99);
    List<RateGovernor.Due<Integer>> sent = new ArrayList<>();
    g.next(t0).ifPresent(sent::add);
    g.next(t0).ifPresent(sent::add);
    assertThat(g.next(t0)).isEmpty();
    assertThat(sent).extracting(RateGovernor.Due::call).containsExactly(49, 99);
    g.offer("#ci", "card:run-1", 100);
    assertThat(g.next(t0.plusMillis(500))).isEmpty();
    assertThat(g.nextAt(t0.plusMillis(500))).contains(t0.plusSeconds(1));
    assertThat(g.next(t0.plusSeconds(1))).get().extracting(RateGovernor.Due::call).isEqualTo(100);
  }

  @Test
  void aBusyChannelWaitsAndTheIntervalCountsFromTheAnswer() {
    RateGovernor<String> g = new RateGovernor<>(Duration.ofSeconds(1));
    Instant t0 = Instant.parse("2026-11-21T09:00:00Z");
    g.offer("#ci", "card", "a");
    g.offer("#ci", "reply|1", "b");
    assertThat(g.next(t0, c -> c.equals("#ci"))).isEmpty();
    assertThat(g.next(t0)).get().extracting(RateGovernor.Due::call).isEqualTo("a");
    assertThat(g.isPending("#ci", "reply|1")).isTrue();
    // The answer came 300 ms later: the next call waits a full interval from then.
    g.done("#ci", t0.plusMillis(300));
    assertThat(g.next(t0.plusSeconds(1))).isEmpty();
    assertThat(g.next(t0.plusMillis(1300))).get().extracting(RateGovernor.Due::call).isEqualTo("b");
  }

  @Test
  void honoursRetryAfter() {
    RateGovernor<String> g = new RateGovernor<>(Duration.ofSeconds(1));
    Instant t0 = Instant.parse("2026-11-21T09:00:00Z");
    g.throttled("#ci", "k", "call", Duration.ofSeconds(30), t0);
    assertThat(g.next(t0.plusSeconds(29))).isEmpty();
    assertThat(g.next(t0.plusSeconds(30)))
        .get()
        .extracting(RateGovernor.Due::call)
        .isEqualTo("call");
  }

  @Test
  void aPausedCardHasButtonsAndTheContinuedCardNamesWhoContinued() {
    StatusCard card =
        StatusCard.of(SampleEvents.PIPELINE_RUN)
            .apply(SampleEvents.of(EventType.BREAKPOINT_PAUSED));
    String json =
        EventCodec.mapper()
            .valueToTree(card.blocks(Instant.parse("2026-11-21T09:30:00Z")))
            .toString();
    assertThat(json)
        .contains("pitstop.continue")
        .contains("pitstop.failcontinue")
        .contains("kubectl exec -it -n ci build-x7k2p-compile-pod -c step-test -- sh")
        .contains("Timeout in* 30m")
        .contains("ShopTest.checkout");
    StatusCard continued = card.apply(SampleEvents.of(EventType.BREAKPOINT_CONTINUED));
    String after = EventCodec.mapper().valueToTree(continued.blocks(Instant.now())).toString();
    assertThat(after).doesNotContain("pitstop.continue").contains("Continued by alice@example.com");
  }
}
