package dev.pitstop.bench.capacity;

import dev.pitstop.bench.Recording;
import dev.pitstop.cli.LocalStack;
import dev.pitstop.events.EventType;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * Test-only: a recording made as part 1 makes it, by the whole stack ({@link LocalStack}: embedded
 * broker, sandbox cluster, the four services) running {@code runs} PipelineRuns of a four-task
 * pipeline (a, then b and c in parallel, then d; two steps each), read back from the observations
 * topic once every PipelineRun's finish was observed. No breakpoints: a paused run would wait for a
 * release that nobody sends here (part 1 auto-continues its pauses).
 */
public final class SandboxRecording {
  private SandboxRecording() {}

  static final String TASK_AND_PIPELINE =
      """
      apiVersion: tekton.dev/v1
      kind: Task
      metadata:
        name: bench-work
      spec:
        steps:
        - name: prepare
          image: alpine:3.20
          script: echo prepare
        - name: run
          image: alpine:3.20
          script: echo run
      ---
      apiVersion: tekton.dev/v1
      kind: Pipeline
      metadata:
        name: bench
      spec:
        tasks:
        - name: a
          taskRef: {name: bench-work}
        - name: b
          runAfter: [a]
          taskRef: {name: bench-work}
        - name: c
          runAfter: [a]
          taskRef: {name: bench-work}
        - name: d
          runAfter: [b, c]
          taskRef: {name: bench-work}
      """;

  static String pipelineRun(int i) {
    return """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: bench-run-%d
        spec:
          pipelineRef: {name: bench}
        """
        .formatted(i);
  }

  private static long finished(Recording r) {
    return r.records().stream()
        .filter(
            x ->
                x.headers().containsKey("ce_type")
                    && new String(x.headers().get("ce_type"), StandardCharsets.UTF_8)
                        .equals(EventType.PIPELINERUN_FINISHED.type()))
        .count();
  }

  /** Runs {@code runs} PipelineRuns through the stack and returns its observations. */
  public static Recording record(int runs, Duration timeout) throws Exception {
    String prefix = "bench-rec-" + Long.toHexString(System.nanoTime()) + ".";
    SimulatorOptions sim = SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(200));
    try (LocalStack stack = LocalStack.start(new LocalStack.Options(null, prefix, 0, sim))) {
      stack.simulator().apply(TASK_AND_PIPELINE);
      for (int i = 0; i < runs; i++) {
        stack.simulator().apply(pipelineRun(i));
      }
      Recording[] last = {null};
      Awaitility.await("every PipelineRun's finish observed")
          .atMost(timeout)
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                last[0] =
                    Recording.read(
                        stack.bootstrapServers(),
                        stack.topics().observations(),
                        Duration.ofSeconds(30));
                return finished(last[0]) >= runs;
              });
      return last[0];
    }
  }
}
