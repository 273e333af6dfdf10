package dev.pitstop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The engine footprint's harness on a few runs: the engine runs in its own JVM, its heap is read at
 * 0, warm and full, a restart serves the continue of run 0 by exactly one exec in its paused step's
 * container, two restarts with the image's class-data-sharing archive (trained as the image build
 * does) those of runs 1 and 2, and the figures are printed and written as JSON. Not its speed.
 */
class EngineFootprintIT {

  @Test
  void measuresHeapAndRecoveryOfAnEngineInItsOwnJvm() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    EngineFootprint.Result r = EngineFootprint.measure(4, 2, out);

    assertThat(r.failed()).as("each restart's continue was exec'd once").isFalse();
    assertThat(r.recoveryShared()).as("the image maps a class-data-sharing archive").isNotNull();
    assertThat(r.sharedRestarts()).hasSize(2).contains(r.recoveryShared());
    assertThat(r.execs()).hasSize(3);
    assertThat(r.execs().get(0))
        .contains("/release-00000-unit-tests-pod/step-test")
        .contains("debug-continue");
    assertThat(r.execs().get(1)).contains("/release-00001-unit-tests-pod/step-test");
    assertThat(r.execs().get(2)).contains("/release-00002-unit-tests-pod/step-test");
    assertThat(r.recoveryShared().execMs()).isPositive();
    assertThat(r.empty().totalBytes()).isPositive();
    assertThat(r.full().classes()).containsKey("dev.pitstop.engine.breakpoint.Breakpoint");
    assertThat(r.recovery().status()).isIn(200, 202);
    assertThat(r.recovery().firstAnswerMs())
        .isPositive()
        .isLessThanOrEqualTo(r.recovery().continueAnsweredMs());
    assertThat(r.recovery().execMs()).isPositive();

    r.print(out);
    assertThat(buf.toString(StandardCharsets.UTF_8))
        .contains("per live run")
        .contains("recovery with 4 live breakpoints");
    JsonNode json = r.json();
    assertThat(json.path("live_runs").asInt()).isEqualTo(4);
    assertThat(json.path("recovery").path("exec_arrived_ms").asDouble()).isPositive();
    assertThat(json.path("recovery").path("with_image_archive").path("exec_arrived_ms").asDouble())
        .isPositive();
    assertThat(json.path("recovery").path("with_image_archive").path("restarts")).hasSize(2);
  }
}
