package dev.pitstop.sandbox.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class KubeTimeTest {

  @Test
  void formatsLikeGoRfc3339NanoDroppingTrailingZeros() {
    assertThat(KubeTime.rfc3339Nano(Instant.parse("2026-11-21T09:00:00.123456789Z")))
        .isEqualTo("2026-11-21T09:00:00.123456789Z");
    assertThat(KubeTime.rfc3339Nano(Instant.parse("2026-11-21T09:00:00.120Z")))
        .isEqualTo("2026-11-21T09:00:00.12Z");
    assertThat(KubeTime.rfc3339Nano(Instant.parse("2026-11-21T09:00:00.000000001Z")))
        .isEqualTo("2026-11-21T09:00:00.000000001Z");
    assertThat(KubeTime.rfc3339Nano(Instant.parse("2026-11-21T09:00:00Z")))
        .isEqualTo("2026-11-21T09:00:00Z");
  }

  @Test
  void parsesRfc3339WithAnyOffsetAndFraction() {
    assertThat(KubeTime.parseRfc3339("2026-11-21T10:00:00.5+01:00"))
        .isEqualTo(Instant.parse("2026-11-21T09:00:00.5Z"));
    assertThatThrownBy(() -> KubeTime.parseRfc3339("yesterday"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
