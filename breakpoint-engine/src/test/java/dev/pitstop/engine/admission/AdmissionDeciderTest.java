package dev.pitstop.engine.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.admission.AdmissionDecision.Warning;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.Breakpoints;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineTask;
import dev.pitstop.tekton.model.Step;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunDebug;
import dev.pitstop.tekton.model.TaskRunSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionDeciderTest {
  static final String PIPELINE_RUN =
      """
      apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata: {name: build, namespace: ci, uid: pr-uid}
      spec:
        pipelineSpec:
          tasks:
            - name: compile
              taskSpec: {steps: [{name: build, image: a}, {name: test, image: a}]}
            - name: lint
              taskSpec: {steps: [{name: run, image: a}]}
            - name: deploy
              runAfter: [compile]
              taskSpec: {steps: [{name: push, image: a}]}
            - name: notify
              params: [{name: v, value: "$(tasks.deploy.results.url)"}]
              taskSpec: {steps: [{name: send, image: a}]}
          finally:
            - name: report
              taskSpec: {steps: [{name: print, image: a}]}
      """;

  static PipelineRun pipelineRun(String annotation) {
    PipelineRun pr = (PipelineRun) TektonYaml.load(PIPELINE_RUN).get(0);
    if (annotation != null) {
      pr.getMetadata().setAnnotations(Map.of("pitstop.dev/breakpoints", annotation));
    }
    return pr;
  }

  static TaskRun child(PipelineRun pr, String task) {
    TaskRun tr = new TaskRun();
    tr.getMetadata().setNamespace("ci");
    tr.getMetadata().setName("build-" + task);
    tr.getMetadata()
        .setLabels(Map.of(TektonLabels.PIPELINE_RUN, "build", TektonLabels.PIPELINE_TASK, task));
    tr.setSpec(new TaskRunSpec());
    PipelineTask pt =
        pr.getSpec().pipelineSpec.tasks.stream()
            .filter(t -> t.name.equals(task))
            .findFirst()
            .orElseGet(
                () ->
                    pr.getSpec().pipelineSpec.finallyTasks.stream()
                        .filter(t -> t.name.equals(task))
                        .findFirst()
                        .orElseThrow());
    tr.getSpec().taskSpec = pt.taskSpec;
    return tr;
  }

  static AdmissionDecision decide(PipelineRun pr, TaskRun tr, boolean alpha) {
    return decide(pr, tr, alpha, t -> null);
  }

  static AdmissionDecision decide(
      PipelineRun pr,
      TaskRun tr,
      boolean alpha,
      java.util.function.Function<String, Map<String, String>> parents) {
    return AdmissionDecider.decide(
        new AdmissionInput(
            tr,
            pr,
            pr == null ? null : pr.getSpec().pipelineSpec,
            t -> {
              if (pr == null || t == null) {
                return null;
              }
              PipelineTask pt =
                  pr.getSpec().pipelineSpec.tasks.stream()
                      .filter(x -> x.name.equals(t))
                      .findFirst()
                      .orElse(null);
              return pt == null ? null : pt.taskSpec.steps.stream().map(s -> s.name).toList();
            },
            parents,
            alpha));
  }

  @Test
  void beforeTasksHoldsOnlyThatTask() {
    PipelineRun pr = pipelineRun("{\"beforeTasks\":[\"deploy\"]}");
    AdmissionDecision d = decide(pr, child(pr, "deploy"), true);
    assertThat(d.heldBy()).isEqualTo("beforeTasks:deploy");
    assertThat(d.patch())
        .containsExactly(
            PatchOp.add("/spec/status", "TaskRunPending"),
            PatchOp.add(
                "/metadata/annotations", Map.of("pitstop.dev/held-by", "beforeTasks:deploy")));
    assertThat(decide(pr, child(pr, "compile"), true).patch()).isEmpty();
    assertThat(decide(pr, child(pr, "lint"), true).patch()).isEmpty();
  }

  @Test
  void theCopyOfThePipelineRunsAnnotationTektonPutsOnChildrenIsNotReadAsATaskRunDeclaration() {
    String annotation = "{\"beforeTasks\":[\"deploy\"]}";
    PipelineRun pr = pipelineRun(annotation);
    TaskRun deploy = child(pr, "deploy");
    deploy.getMetadata().setAnnotations(Map.of("pitstop.dev/breakpoints", annotation));
    AdmissionDecision d = decide(pr, deploy, true);
    assertThat(d.heldBy()).isEqualTo("beforeTasks:deploy");
    assertThat(d.warnings()).isEmpty();
    TaskRun lint = child(pr, "lint");
    lint.getMetadata().setAnnotations(Map.of("pitstop.dev/breakpoints", annotation));
    assertThat(decide(pr, lint, true).warnings()).isEmpty();
  }

  @Test
  void onTasksIsASynonymAndFinallyTasksCanBeHeld() {
    PipelineRun pr = pipelineRun("{\"onTasks\":[\"report\"]}");
    assertThat(decide(pr, child(pr, "report"), false).heldBy()).isEqualTo("beforeTasks:report");
  }

  @Test
  void afterTasksHoldsDirectDependentsOnly() {
    PipelineRun pr = pipelineRun("{\"afterTasks\":[\"compile\"]}");
    assertThat(decide(pr, child(pr, "deploy"), true).heldBy()).isEqualTo("afterTasks:compile");
    // notify depends on deploy (a result reference), not directly on compile: it waits naturally.
    assertThat(decide(pr, child(pr, "notify"), true).heldBy()).isNull();
    assertThat(decide(pr, child(pr, "lint"), true).heldBy()).isNull();
    assertThat(decide(pr, child(pr, "compile"), true).heldBy()).isNull();
    assertThat(decide(pr, child(pr, "report"), true).heldBy()).isNull();
  }

  @Test
  void afterTasksOnAResultProducerHoldsItsConsumer() {
    PipelineRun pr = pipelineRun("{\"afterTasks\":[\"deploy\"]}");
    assertThat(decide(pr, child(pr, "notify"), true).heldBy()).isEqualTo("afterTasks:deploy");
  }

  @Test
  void stepBreakpointsAlwaysComeWithOnFailure() {
    PipelineRun pr = pipelineRun("{\"beforeSteps\":[\"compile/test\"]}");
    AdmissionDecision d = decide(pr, child(pr, "compile"), true);
    assertThat(d.heldBy()).isNull();
    assertThat(d.patch())
        .containsExactly(
            PatchOp.add(
                "/spec/debug",
                Map.of(
                    "breakpoints",
                    Map.of("onFailure", "enabled", "beforeSteps", List.of("test")))));
    assertThat(decide(pr, child(pr, "lint"), true).patch()).isEmpty();
  }

  @Test
  void pipelineRunOnFailureReachesEveryChild() {
    PipelineRun pr = pipelineRun("{\"onFailure\":\"enabled\"}");
    for (String t : List.of("compile", "lint", "deploy", "report")) {
      assertThat(decide(pr, child(pr, t), true).patch())
          .containsExactly(
              PatchOp.add("/spec/debug", Map.of("breakpoints", Map.of("onFailure", "enabled"))));
    }
  }

  @Test
  void afterStepsBecomesBeforeStepsOnTheNextStepAndAfterTheLastHoldsDependents() {
    PipelineRun pr = pipelineRun("{\"afterSteps\":[\"compile/build\",\"deploy/push\"]}");
    assertThat(decide(pr, child(pr, "compile"), true).patch())
        .containsExactly(
            PatchOp.add(
                "/spec/debug",
                Map.of(
                    "breakpoints",
                    Map.of("onFailure", "enabled", "beforeSteps", List.of("test")))));
    AdmissionDecision deploy = decide(pr, child(pr, "deploy"), true);
    assertThat(deploy.patch()).isEmpty();
    assertThat(decide(pr, child(pr, "notify"), true).heldBy()).isEqualTo("afterSteps:deploy/push");
  }

  @Test
  void taskRunAnnotationAfterStepsAndLastStepOfAParentTaskRun() {
    PipelineRun pr = pipelineRun(null);
    TaskRun compile = child(pr, "compile");
    compile
        .getMetadata()
        .setAnnotations(Map.of("pitstop.dev/breakpoints", "{\"afterSteps\":[\"build\"]}"));
    assertThat(decide(pr, compile, true).patch())
        .containsExactly(
            PatchOp.add(
                "/spec/debug",
                Map.of(
                    "breakpoints",
                    Map.of("onFailure", "enabled", "beforeSteps", List.of("test")))));
    Map<String, String> lastStep = Map.of("pitstop.dev/breakpoints", "{\"afterSteps\":[\"test\"]}");
    AdmissionDecision deploy =
        decide(pr, child(pr, "deploy"), true, t -> t.equals("compile") ? lastStep : null);
    assertThat(deploy.heldBy()).isEqualTo("afterSteps:compile/test");
  }

  @Test
  void standaloneTaskRunAnnotation() {
    TaskRun tr = new TaskRun();
    tr.getMetadata().setNamespace("ci");
    tr.getMetadata().setName("solo");
    tr.getMetadata().setAnnotations(Map.of("pitstop.dev/breakpoints", "{\"afterSteps\":[\"b\"]}"));
    tr.setSpec(new TaskRunSpec());
    tr.getSpec().taskSpec = new dev.pitstop.tekton.model.TaskSpec();
    for (String n : List.of("a", "b")) {
      Step s = new Step();
      s.name = n;
      tr.getSpec().taskSpec.steps.add(s);
    }
    AdmissionDecision d = decide(null, tr, true);
    assertThat(d.patch()).isEmpty();
    assertThat(d.warnings())
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("last step of standalone ci/solo"));
  }

  @Test
  void keepsNativeBreakpointsAndOtherDebugFields() {
    PipelineRun pr = pipelineRun("{\"beforeSteps\":[\"compile/test\"]}");
    TaskRun tr = child(pr, "compile");
    tr.getSpec().debug = new TaskRunDebug();
    tr.getSpec().debug.breakpoints = new Breakpoints();
    tr.getSpec().debug.breakpoints.onFailure = "enabled";
    tr.getSpec().debug.breakpoints.beforeSteps = List.of("build");
    tr.getSpec().debug.setAdditionalProperty("future", "x");
    assertThat(decide(pr, tr, true).patch())
        .containsExactly(
            PatchOp.add(
                "/spec/debug",
                Map.of(
                    "future",
                    "x",
                    "breakpoints",
                    Map.of("onFailure", "enabled", "beforeSteps", List.of("build", "test")))));
    // Nothing new: nothing to patch.
    tr.getSpec().debug.breakpoints.beforeSteps = List.of("build", "test");
    assertThat(decide(pr, tr, true).patch()).isEmpty();
  }

  @Test
  void withoutAlphaNothingStepLevelIsInjectedAndTheFirstStepBecomesAHold() {
    PipelineRun pr =
        pipelineRun(
            "{\"onFailure\":true,\"beforeSteps\":[\"compile/build\",\"deploy/push\"],\"afterSteps\":[\"compile/build\"]}");
    AdmissionDecision compile = decide(pr, child(pr, "compile"), false);
    assertThat(compile.heldBy()).isEqualTo("beforeSteps:compile/build");
    assertThat(compile.patch()).noneMatch(p -> p.path().startsWith("/spec/debug"));
    assertThat(compile.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.reason()).isEqualTo(BreakpointWarning.ALPHA_FIELDS_DISABLED);
              assertThat(w.message())
                  .contains("not injected: [onFailure, beforeSteps test]")
                  .contains("holds the TaskRun");
            });
    AdmissionDecision lint = decide(pr, child(pr, "lint"), false);
    assertThat(lint.patch()).isEmpty();
    assertThat(lint.warnings())
        .extracting(Warning::reason)
        .containsExactly(BreakpointWarning.ALPHA_FIELDS_DISABLED);
  }

  @Test
  void invalidAnnotationAppliesNothingAndSaysSo() {
    PipelineRun pr = pipelineRun("{\"beforeTasks\":[\"deploy\"],\"bogus\":1}");
    AdmissionDecision d = decide(pr, child(pr, "deploy"), true);
    assertThat(d.patch()).isEmpty();
    assertThat(d.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.onPipelineRun()).isTrue();
              assertThat(w.reason()).isEqualTo(BreakpointWarning.INVALID_ANNOTATION);
              assertThat(w.message()).contains("unknown field \"bogus\"");
            });
  }

  @Test
  void unknownTasksAndStepsAreReported() {
    PipelineRun pr =
        pipelineRun("{\"beforeTasks\":[\"deplyo\"],\"beforeSteps\":[\"compile/tset\"]}");
    AdmissionDecision d = decide(pr, child(pr, "compile"), true);
    assertThat(d.patch()).isEmpty();
    assertThat(d.warnings())
        .extracting(Warning::message)
        .anySatisfy(m -> assertThat(m).contains("does not have: [deplyo]"))
        .anySatisfy(m -> assertThat(m).contains("has no step tset"));
  }

  @Test
  void alreadyPendingOrCancelledIsNotHeldAgain() {
    PipelineRun pr = pipelineRun("{\"beforeTasks\":[\"deploy\"]}");
    TaskRun tr = child(pr, "deploy");
    tr.getSpec().status = "TaskRunCancelled";
    tr.getMetadata().setAnnotations(new HashMap<>(Map.of("a", "b")));
    AdmissionDecision d = decide(pr, tr, true);
    assertThat(d.heldBy()).isNull();
    assertThat(d.patch()).isEmpty();
    tr.getSpec().status = null;
    assertThat(decide(pr, tr, true).patch())
        .contains(
            PatchOp.add(
                "/metadata/annotations",
                Map.of("a", "b", "pitstop.dev/held-by", "beforeTasks:deploy")));
  }

  @Test
  void afterTasksWithoutThePipelineSpecIsReported() {
    PipelineRun pr = pipelineRun("{\"afterTasks\":[\"compile\"]}");
    TaskRun tr = child(pr, "deploy");
    AdmissionDecision d =
        AdmissionDecider.decide(new AdmissionInput(tr, pr, null, t -> null, t -> null, true));
    assertThat(d.heldBy()).isNull();
    assertThat(d.warnings())
        .singleElement()
        .satisfies(w -> assertThat(w.message()).contains("Pipeline's spec is not known"));
  }
}
