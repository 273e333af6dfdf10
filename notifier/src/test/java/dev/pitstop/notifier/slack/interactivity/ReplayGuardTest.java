package dev.pitstop.notifier.slack.interactivity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  @Test
  void aSignatureSeenWithinTheWindowIsAReplay() {
    ReplayGuard g = new ReplayGuard(Duration.ofMinutes(10), 100);
    assertThat(g.firstTime("v0=a", NOW)).isTrue();
    assertThat(g.firstTime("v0=b", NOW)).isTrue();
    assertThat(g.firstTime("v0=a", NOW.plusSeconds(299))).isFalse();
    assertThat(g.firstTime("v0=a", NOW.plus(Duration.ofMinutes(11)))).isTrue();
  }

  @Test
  void forgetsTheOldestBeyondTheCapacity() {
    ReplayGuard g = new ReplayGuard(Duration.ofMinutes(10), 2);
    g.firstTime("a", NOW);
    g.firstTime("b", NOW);
    g.firstTime("c", NOW);
    assertThat(g.firstTime("c", NOW)).isFalse();
    assertThat(g.firstTime("a", NOW)).isTrue();
  }
}
