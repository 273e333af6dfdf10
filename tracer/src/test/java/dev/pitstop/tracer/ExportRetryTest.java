package dev.pitstop.tracer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExportRetryTest {
  @Test
  void anExporterFailureBacksOffExponentiallyUpToAMinute() {
    assertThat(TracerService.retryDelayMs(0)).isEqualTo(1_000);
    assertThat(TracerService.retryDelayMs(1)).isEqualTo(2_000);
    assertThat(TracerService.retryDelayMs(5)).isEqualTo(32_000);
    assertThat(TracerService.retryDelayMs(6)).isEqualTo(60_000);
    assertThat(TracerService.retryDelayMs(30)).isEqualTo(60_000);
  }
}
