package dev.pitstop.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.sandbox.kafka.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Part 1 over the whole stack on the shared broker: a small run gives the right counts, and an
 * event the receiver refuses (so the notifier gives up on it) fails the part. No timed assertions.
 */
class EndToEndIT {
  private static final BenchOptions THREE_RUNS_ONE_PAUSING =
      new BenchOptions(3, 2, Duration.ofMillis(300), 1.0 / 3, 1, Duration.ofSeconds(1), null, true);

  private static EndToEnd.Setup setup(int refuse) {
    return new EndToEnd.Setup(
        SharedKafka.bootstrapServers(), 10, refuse, 20, 2_000, Duration.ofMillis(200));
  }

  @Test
  void aSmallRunCountsEveryPauseReleaseAndDelivery() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    EndToEnd.Figures f =
        (EndToEnd.Figures)
            EndToEnd.run(THREE_RUNS_ONE_PAUSING, new PrintStream(buf, true), setup(0));
    f.print(new PrintStream(buf, true));
    String printed = buf.toString(StandardCharsets.UTF_8);

    assertThat(f.problems()).as(printed).isEmpty();
    assertThat(f.failed()).isFalse();
    assertThat(f.finished()).isEqualTo(3);
    assertThat(f.pausing()).isEqualTo(1);
    assertThat(f.pause().count())
        .as("one pause latency per measured pausing run, the warm-up's kept apart")
        .isEqualTo(1);
    assertThat(f.warmup().runs()).isEqualTo(1);
    assertThat(f.warmup().pause().count()).as("the warm-up run paused").isEqualTo(1);
    assertThat(f.warmup().release().count()).as("and was released").isEqualTo(1);
    assertThat(f.warmup().legs().values()).allSatisfy(l -> assertThat(l.count()).isEqualTo(1));
    assertThat(f.pauseFromAppend().count()).isEqualTo(1);
    assertThat(f.releases()).isEqualTo(1);
    assertThat(f.release().count()).isEqualTo(1);
    // 3 + 1 (warm-up) pipelinerun.finished, 2 paused, 2 continued at least.
    assertThat(f.delivery().expected()).isGreaterThanOrEqualTo(8);
    assertThat(f.delivery().lost()).isZero();
    assertThat(f.delivery().deliveries())
        .isEqualTo(f.delivery().expected() + f.delivery().duplicates());
    assertThat(f.delivery().unexpected()).isZero();
    assertThat(f.traces()).isGreaterThanOrEqualTo(4);
    assertThat(f.recording().records()).hasSize(f.observations()).isNotEmpty();
    assertThat(f.legs().values())
        .as("each leg of the one pause and the one release")
        .allSatisfy(l -> assertThat(l.count()).isEqualTo(1));
    assertThat(f.rawKafka().count()).isEqualTo(20);
    assertThat(f.rawPost().count()).isEqualTo(20);
    assertThat(f.rawChain().count()).isEqualTo(20);
    assertThat(f.rawExec().count()).isEqualTo(20);
    assertThat(f.rawKafkaPerSecond()).isPositive();
    // Sampled while the runs were live (seconds of runs: some of each, at their rates).
    assertThat(f.underLoad().kafka().count()).isPositive();
    assertThat(f.underLoad().post().count()).isPositive();
    assertThat(f.underLoad().chain().count()).isPositive();
    assertThat(f.underLoad().exec().count()).isPositive();
    assertThat(f.underLoad().get().count()).isPositive();
    assertThat(f.storedObjects()).isPositive();
    assertThat(printed)
        .contains(
            "pause notification",
            "raw: 2 x Kafka + POST",
            "release",
            "sandbox ceiling",
            "warm-up before the measured runs (pausing runs: 1)",
            "raw paths sampled while the runs were live",
            "raw: Kafka -> Kafka -> POST as one chain",
            "the pause target's two halves");

    JsonNode json = f.json();
    assertThat(json.at("/pause_notification/pitstop/count").asLong()).isEqualTo(1);
    assertThat(json.at("/warmup/pause_notification/count").asLong()).isEqualTo(1);
    assertThat(f.pauseSamples())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.pause()).startsWith("default/bench-");
              assertThat(p.ms()).doesNotContainValue(null);
              assertThat(p.ms().get("total")).isCloseTo(f.pause().max(), withinPercentage(1));
            });
    assertThat(json.at("/pause_samples/0/watcher_ms").isNumber()).isTrue();
    assertThat(json.at("/webhook/lost").asLong()).isZero();
    assertThat(json.at("/raw_under_load/exec/count").asLong()).isPositive();
    assertThat(json.at("/raw/chain_kafka_kafka_post/count").asLong()).isEqualTo(20);
    assertThat(json.at("/pause_notification/p99_within_100_ms").isBoolean()).isTrue();
    assertThat(json.at("/failed").asBoolean()).isFalse();
  }

  @Test
  void anEventTheReceiverRefusesIsLostAndFailsThePart() {
    EndToEnd.Figures f =
        (EndToEnd.Figures)
            EndToEnd.run(
                THREE_RUNS_ONE_PAUSING, new PrintStream(new ByteArrayOutputStream()), setup(1));

    assertThat(f.delivery().lost()).isEqualTo(1);
    assertThat(f.failed()).isTrue();
    assertThat(f.problems()).anySatisfy(p -> assertThat(p).contains("1 events lost"));
    assertThat(f.json().at("/failed").asBoolean()).isTrue();
  }
}
