package dev.pitstop.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class TektonYamlTest {
  @Test
  void readsEveryDocumentOfAMultiDocumentFixtureIntoTypedKinds() {
    List<HasMetadata> docs = TektonYaml.load(Fixtures.read("pipelineruns/pipelinerun.yaml"));
    assertThat(docs).hasAtLeastOneElementOfType(GenericKubernetesResource.class);
    assertThat(docs.stream().filter(Task.class::isInstance).map(d -> d.getMetadata().getName()))
        .contains("git-clone", "kaniko");
    assertThat(docs).hasAtLeastOneElementOfType(Pipeline.class);
    PipelineRun run =
        docs.stream()
            .filter(PipelineRun.class::isInstance)
            .map(PipelineRun.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(run.getSpec().pipelineRef.name).isNotBlank();
  }

  @Test
  void keepsFieldsTheModelDoesNotNameWhenWrittenBack() {
    String yaml =
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: t}
        spec:
          podTemplate: {nodeSelector: {disk: ssd}}
          taskSpec:
            steps:
            - image: alpine
              securityContext: {runAsUser: 0}
        """;
    TaskRun tr = (TaskRun) TektonYaml.load(yaml).get(0);
    assertThat(tr.getSpec().additionalProperties()).containsKey("podTemplate");
    assertThat(tr.getSpec().taskSpec.steps.get(0).additionalProperties())
        .containsKey("securityContext");
  }

  @Test
  void readsUnnamedStepsAsTektonNamesThem() {
    TaskRun tr = (TaskRun) TektonYaml.load(Fixtures.read("taskruns/unnamed-steps.yaml")).get(0);
    assertThat(TektonNames.stepNames(tr.getSpec().taskSpec.steps))
        .containsExactly("unnamed-0", "unnamed-1", "unnamed-2");
  }

  @Test
  void rejectsTektonKindsOfOtherVersionsNamingTheDocument() {
    String yaml = "apiVersion: tekton.dev/v1beta1\nkind: TaskRun\nmetadata: {name: x}\n";
    assertThatThrownBy(() -> TektonYaml.load(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("document 1")
        .hasMessageContaining("v1beta1");
  }

  @Test
  void rejectsADocumentThatIsNoKubernetesObject() {
    assertThatThrownBy(() -> TektonYaml.load("foo: bar\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no apiVersion and kind");
  }
}
