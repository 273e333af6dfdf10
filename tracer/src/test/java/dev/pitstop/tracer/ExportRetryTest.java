package dev.pitstop.tracer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ExportRetryTest {
  @Test
  void aFullQueueIsRetriedSoonWhateverTheAttempt() {
    TraceExport.QueueFullException full = new TraceExport.QueueFullException("20000 spans queued");
    for (int attempt = 0; attempt < 10; attempt++) {
      assertThat(TracerService.retryDelayMs(full, attempt))
          .isEqualTo(TracerService.QUEUE_FULL_RETRY_MS);
    }
  }

  @Test
  void anExporterFailureBacksOffExponentiallyUpToAMinute() {
    IOException down = new IOException("connection refused");
    assertThat(TracerService.retryDelayMs(down, 0)).isEqualTo(1_000);
    assertThat(TracerService.retryDelayMs(down, 1)).isEqualTo(2_000);
    assertThat(TracerService.retryDelayMs(down, 5)).isEqualTo(32_000);
    assertThat(TracerService.retryDelayMs(down, 6)).isEqualTo(60_000);
    assertThat(TracerService.retryDelayMs(down, 30)).isEqualTo(60_000);
  }
}
