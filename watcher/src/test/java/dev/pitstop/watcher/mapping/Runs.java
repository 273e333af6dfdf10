package dev.pitstop.watcher.mapping;

import dev.pitstop.events.EventFactory;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineRunSpec;
import dev.pitstop.tekton.model.PipelineRunStatus;
import dev.pitstop.tekton.model.StepState;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import dev.pitstop.tekton.model.TaskRunStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-built Tekton objects for mapper tests, shaped as tekton-facts.md §4 describes. */
final class Runs {
  static final String NS = "ci";

  private Runs() {}

  static ObservationMapper mapper() {
    return new ObservationMapper(
        new EventFactory("test", "watcher"),
        new RunRefs(
            new Allowlist(List.of("app.kubernetes.io/", "tekton.dev/")),
            new Allowlist(List.of("pitstop.dev/"))));
  }

  static TaskRun taskRun(String name, String uid, Map<String, String> labels) {
    TaskRun tr = new TaskRun();
    tr.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(NS)
            .withName(name)
            .withUid(uid)
            .withResourceVersion("1")
            .withLabels(labels)
            .build());
    tr.setSpec(new TaskRunSpec());
    tr.setStatus(new TaskRunStatus());
    return tr;
  }

  static TaskRun taskRun(String name, String uid) {
    return taskRun(name, uid, Map.of());
  }

  static PipelineRun pipelineRun(String name, String uid) {
    PipelineRun pr = new PipelineRun();
    pr.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(NS)
            .withName(name)
            .withUid(uid)
            .withLabels(Map.of("tekton.dev/pipeline", "build"))
            .build());
    pr.setSpec(new PipelineRunSpec());
    pr.setStatus(new PipelineRunStatus());
    return pr;
  }

  static Condition condition(String status, String reason, String message, String time) {
    return new ConditionBuilder()
        .withType("Succeeded")
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(time)
        .build();
  }

  static StepState waiting(String name) {
    StepState s = new StepState();
    s.name = name;
    s.container = "step-" + name;
    return s;
  }

  static StepState running(String name, String startedAt) {
    StepState s = waiting(name);
    s.running = new ContainerStateRunning(startedAt);
    return s;
  }

  static StepState terminated(
      String name, int exit, String reason, String startedAt, String finishedAt) {
    StepState s = waiting(name);
    ContainerStateTerminated t =
        new ContainerStateTerminatedBuilder()
            .withExitCode(exit)
            .withReason(exit == 0 ? "Completed" : "Error")
            .withStartedAt(startedAt)
            .withFinishedAt(finishedAt)
            .build();
    s.terminated = t;
    s.terminationReason = reason;
    return s;
  }

  static List<StepState> steps(StepState... s) {
    return new ArrayList<>(List.of(s));
  }
}
