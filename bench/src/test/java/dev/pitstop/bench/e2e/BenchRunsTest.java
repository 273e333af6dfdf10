package dev.pitstop.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.PipelineRun;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BenchRunsTest {
  @Test
  void theShareOfPausingRunsIsTheFloorOfNTimesTheShare() {
    Random random = new Random(7);
    for (int k = 0; k < 200; k++) {
      int n = 1 + random.nextInt(300);
      double share = random.nextInt(101) / 100.0;
      assertThat(BenchRuns.pausing(n, share))
          .as("n=%d share=%s", n, share)
          .isEqualTo((int) Math.floor(n * share + 1e-9));
    }
    assertThat(BenchRuns.pausing(100, 0.2)).isEqualTo(20);
    assertThat(IntStream.range(0, 3).filter(i -> BenchRuns.pauses(i, 1.0 / 3)).toArray())
        .containsExactly(2);
  }

  @Test
  void aPausingRunDeclaresBeforeStepsOnItsFirstTaskAndTheDagHasAParallelBranch() {
    String yaml = BenchRuns.yaml(7, 4, true);
    PipelineRun pr = (PipelineRun) TektonYaml.load(yaml).get(0);

    assertThat(pr.getMetadata().getName()).isEqualTo("bench-0007");
    assertThat(pr.getMetadata().getAnnotations())
        .containsEntry("pitstop.dev/breakpoints", "{\"beforeSteps\": [\"t0/test\"]}");
    var tasks = pr.getSpec().pipelineSpec.tasks;
    assertThat(tasks).extracting(t -> t.name).containsExactly("t0", "t1", "t2", "t3");
    assertThat(tasks)
        .extracting(t -> t.runAfter)
        .containsExactly(
            java.util.List.of(),
            java.util.List.of("t0"),
            java.util.List.of("t1"),
            java.util.List.of("t0"));
    assertThat(BenchRuns.yaml(0, 1, false)).doesNotContain("annotations", "runAfter");
  }
}
