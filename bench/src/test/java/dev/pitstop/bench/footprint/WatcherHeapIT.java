package dev.pitstop.bench.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The watcher-heap probe against the sandbox and the embedded broker: it reports a heap figure for
 * M live Pods and that the watcher saw all of them. No size or time assertions: figures are for the
 * bench to print.
 */
class WatcherHeapIT {
  @Test
  void reportsAHeapFigureForMLivePodsAllSeenByTheWatcher() throws Exception {
    int m = Integer.getInteger("pitstop.bench.watcherHeap.pods", 8);
    int warm = Integer.getInteger("pitstop.bench.watcherHeap.warm", 2);
    WatcherHeap.Result r = WatcherHeap.measure(warm, m, Duration.ofSeconds(60), System.out);
    dev.pitstop.bench.WatcherFootprintAccess.print(r, System.out);

    assertThat(r.livePods()).isEqualTo(m);
    assertThat(r.seenPods()).isEqualTo(m);
    assertThat(r.seenTaskRuns()).isEqualTo(m);
    assertThat(r.allSeen()).isTrue();
    assertThat(r.baselineBytes()).isPositive();
    assertThat(r.loadedBytes()).isPositive();
    assertThat(r.top()).isNotEmpty().hasSizeLessThanOrEqualTo(10);
    assertThat(r.podJsonBytes()).isPositive();
  }
}
