package dev.pitstop.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.bench.Recording;
import dev.pitstop.sandbox.kafka.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CapacityBenchIT {
  @Test
  void everyServiceConsumesEveryReplayedEventAndItsLagReachesZero() throws Exception {
    Recording rec = Recordings.synthetic("cap-recording-" + UUID.randomUUID(), 4);
    assertThat(rec.records()).hasSize(4 * Recordings.ONE_RUN.size());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    CapacityResult result =
        CapacityBench.run(
            new CapacityBench.Setup(
                SharedKafka.bootstrapServers(),
                2L * rec.records().size(), // two copies: the second one must get fresh ids
                Duration.ofSeconds(60),
                Duration.ofMillis(200),
                List.of(Target.values())),
            rec,
            out);
    result.print(out);

    int replayed = 2 * rec.records().size();
    assertThat(result.replay().copies()).isEqualTo(2);
    assertThat(result.rawConsume().events()).isEqualTo(replayed);
    assertThat(result.runs()).extracting(ServiceRun::target).containsExactly(Target.values());
    for (ServiceRun run : result.runs()) {
      assertThat(run.replayed()).as(run.target().label()).isEqualTo(replayed);
      assertThat(run.consumed()).as(run.target().label()).isEqualTo(replayed);
      assertThat(run.drained()).as(run.target().label()).isTrue();
      assertThat(run.finalLag()).as(run.target().label()).isZero();
      assertThat(run.samples()).as(run.target().label()).isNotEmpty();
    }
    // Work was done, not only offsets moved: one notable PipelineRun finish per replayed run,
    // and a trace per run.
    assertThat(byTarget(result, Target.NOTIFIER).delivered()).isEqualTo(8);
    assertThat(byTarget(result, Target.TRACER).delivered()).isGreaterThanOrEqualTo(8 * 3);
    assertThat(result.failed()).isFalse();
    assertThat(result.allDrained()).isTrue();
    String printed = buf.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertThat(printed)
        .contains("raw consume", "breakpoint-engine", "notifier (no subscribers)", "tracer")
        .contains("watcher: not replayed");
    assertThat(result.json().get("services")).hasSize(Target.values().length);
  }

  private static ServiceRun byTarget(CapacityResult r, Target t) {
    return r.runs().stream().filter(x -> x.target() == t).findFirst().orElseThrow();
  }
}
