package dev.pitstop.tekton.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.tekton.Fixtures;
import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.Param;
import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.PipelineTask;
import dev.pitstop.tekton.model.WhenExpression;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PipelineDagTest {
  static PipelineTask task(String name, String... runAfter) {
    PipelineTask t = new PipelineTask();
    t.name = name;
    t.runAfter = new ArrayList<>(List.of(runAfter));
    return t;
  }

  static PipelineSpec spec(List<PipelineTask> tasks, List<PipelineTask> fin) {
    PipelineSpec s = new PipelineSpec();
    s.tasks = tasks;
    s.finallyTasks = fin;
    return s;
  }

  @Test
  void edgesComeFromRunAfterAndResultReferencesInTheFixture() {
    Pipeline p =
        TektonYaml.load(Fixtures.read("pipelineruns/pipelinerun.yaml")).stream()
            .filter(Pipeline.class::isInstance)
            .map(Pipeline.class::cast)
            .findFirst()
            .orElseThrow();
    PipelineDag dag = PipelineDag.of(p.getSpec());
    List<String> order = dag.topologicalOrder();
    assertThat(order).hasSize(p.getSpec().tasks.size());
    for (PipelineTask t : p.getSpec().tasks) {
      for (String parent : dag.parentsOf(t.name)) {
        assertThat(order.indexOf(parent)).isLessThan(order.indexOf(t.name));
      }
    }
    assertThat(dag.roots()).isNotEmpty();
  }

  @Test
  void resultReferenceInParamsOrWhenIsAnEdge() {
    PipelineTask a = task("a");
    PipelineTask b = task("b");
    b.params.add(new Param("x", "$(tasks.a.results.digest)"));
    PipelineTask c = task("c");
    WhenExpression w = new WhenExpression();
    w.input = "$(tasks.b.results[\"ok\"])";
    w.operator = "in";
    w.values = List.of("true");
    c.when.add(w);
    PipelineTask d = task("d");
    PipelineDag dag = PipelineDag.of(spec(List.of(a, b, c, d), List.of(task("cleanup"))));
    assertThat(dag.parentsOf("b")).containsExactly("a");
    assertThat(dag.parentsOf("c")).containsExactly("b");
    assertThat(dag.descendantsOf("a")).containsExactlyInAnyOrder("b", "c");
    assertThat(dag.descendantsOf("d")).isEmpty();
    assertThat(dag.roots()).containsExactly("a", "d");
    assertThat(dag.isFinally("cleanup")).isTrue();
    assertThat(dag.parentsOf("cleanup")).isEmpty();
  }

  @Test
  void rejectsCyclesAndUnknownTasksNamingThem() {
    assertThatThrownBy(
            () -> PipelineDag.of(spec(List.of(task("a", "b"), task("b", "a")), List.of())))
        .hasMessageContaining("cycle")
        .hasMessageContaining("a");
    assertThatThrownBy(() -> PipelineDag.of(spec(List.of(task("a", "nope")), List.of())))
        .hasMessageContaining("unknown task \"nope\"");
    assertThatThrownBy(() -> PipelineDag.of(spec(List.of(task("a"), task("a")), List.of())))
        .hasMessageContaining("declared twice");
  }

  static LongStream seeds() {
    return LongStream.range(0, 200);
  }

  /** Property over random DAGs (seeded, so a failure names its seed and reproduces). */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void topologicalOrderPutsEveryParentFirst(long seed) {
    java.util.Random r = new java.util.Random(seed);
    int n = 1 + r.nextInt(30);
    List<PipelineTask> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PipelineTask t = task("t" + i);
      for (int j = 0; j < i; j++) {
        if (r.nextInt(4) == 0) {
          t.runAfter.add("t" + j);
        }
      }
      tasks.add(t);
    }
    java.util.Collections.shuffle(tasks, r);
    PipelineDag dag = PipelineDag.of(spec(tasks, List.of()));
    List<String> order = dag.topologicalOrder();
    assertThat(order).hasSize(n);
    for (PipelineTask t : tasks) {
      for (String p : t.runAfter) {
        assertThat(order.indexOf(p)).isLessThan(order.indexOf(t.name));
      }
    }
  }
}
