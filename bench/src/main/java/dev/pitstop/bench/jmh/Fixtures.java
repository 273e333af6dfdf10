package dev.pitstop.bench.jmh;

import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Tekton objects for the benchmarks, as Tekton's controller writes them (tekton-facts.md §4): the
 * labels Tekton puts on a child TaskRun, its status with step states, conditions and times, a
 * PipelineRun with an embedded pipelineSpec of N tasks in a layered DAG ({@code runAfter} the
 * previous task and the one 7 back) carrying a {@code pitstop.dev/breakpoints} annotation. Built
 * from YAML through {@link TektonYaml}, the watcher's and engine's own model.
 */
public final class Fixtures {
  private Fixtures() {}

  static final String NS = "ci";
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  /** Task {@code i}'s name in the large DAG. */
  public static String task(int i) {
    return String.format("t%03d", i);
  }

  static String uid(String what) {
    return UUID.nameUUIDFromBytes(what.getBytes()).toString();
  }

  private static String at(int seconds) {
    return T0.plusSeconds(seconds).toString();
  }

  /**
   * A child TaskRun of PipelineRun {@code pr}, for PipelineTask {@code task}, with {@code steps}
   * steps of which the first {@code done} terminated (exit 0), the next running when {@code done <
   * steps}; Succeeded True when all are done.
   */
  public static TaskRun taskRun(String pr, String task, int steps, int done) {
    String name = pr + "-" + task;
    StringBuilder y = new StringBuilder();
    y.append(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: %s
          namespace: %s
          uid: %s
          resourceVersion: "4711"
          labels:
            app.kubernetes.io/managed-by: tekton-pipelines
            app.kubernetes.io/part-of: shop
            tekton.dev/pipeline: release
            tekton.dev/pipelineRun: %s
            tekton.dev/pipelineRunUID: %s
            tekton.dev/pipelineTask: %s
            tekton.dev/task: maven
            tekton.dev/memberOf: tasks
          annotations:
            pitstop.dev/breakpoints: '{"onFailure": "enabled"}'
            pipeline.tekton.dev/release: 3ee1745
            kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"tekton.dev/v1"}'
          ownerReferences:
          - apiVersion: tekton.dev/v1
            kind: PipelineRun
            name: %s
            uid: %s
            controller: true
            blockOwnerDeletion: true
        spec:
          serviceAccountName: default
          timeout: 1h0m0s
          taskRef:
            name: maven
            kind: Task
        status:
          podName: %s-pod
          startTime: "%s"
        """
            .formatted(name, NS, uid(name), pr, uid(pr), task, pr, uid(pr), name, at(1)));
    y.append("  conditions:\n");
    boolean finished = done >= steps;
    y.append(
        """
            - type: Succeeded
              status: "%s"
              reason: %s
              message: %s
              lastTransitionTime: "%s"
          """
            .formatted(
                finished ? "True" : "Unknown",
                finished ? "Succeeded" : "Running",
                finished
                    ? "All Steps have completed executing"
                    : "Not all Steps in the Task have finished executing",
                at(10 + 30 * done)));
    if (finished) {
      y.append("  completionTime: \"").append(at(10 + 30 * steps)).append("\"\n");
    }
    y.append("  steps:\n");
    for (int s = 0; s < steps; s++) {
      y.append("  - name: s").append(s).append('\n');
      y.append("    container: step-s").append(s).append('\n');
      y.append("    imageID: docker.io/library/maven@sha256:")
          .append("0123456789abcdef".repeat(4))
          .append('\n');
      if (s < done) {
        y.append("    terminated:\n")
            .append("      exitCode: 0\n")
            .append("      reason: Completed\n")
            .append("      startedAt: \"")
            .append(at(10 + 30 * s))
            .append("\"\n")
            .append("      finishedAt: \"")
            .append(at(40 + 30 * s))
            .append("\"\n")
            .append("      containerID: containerd://")
            .append("ab".repeat(32))
            .append('\n')
            .append("    terminationReason: Completed\n");
      } else if (s == done) {
        y.append("    running:\n      startedAt: \"").append(at(10 + 30 * s)).append("\"\n");
      } else {
        y.append("    waiting:\n      reason: PodInitializing\n");
      }
    }
    return (TaskRun) only(y.toString());
  }

  /**
   * A PipelineRun with an embedded pipelineSpec of {@code tasks} tasks (3 steps each), task i
   * running after task i-1 and task i-7, annotated with breakpoints on tasks of the middle and the
   * end; finished (Succeeded True) when {@code finished}.
   */
  public static PipelineRun pipelineRun(String name, int tasks, boolean finished) {
    int mid = tasks / 2;
    String annotation =
        "{\"onFailure\": \"enabled\", \"beforeTasks\": [\"%s\"], \"afterTasks\": [\"%s\"],"
                .formatted(task(tasks - 1), task(mid))
            + " \"afterSteps\": [\"%s/s2\", \"%s/s1\"], \"beforeSteps\": [\"%s/s1\"],"
                .formatted(
                    task(Math.min(mid + 5, tasks - 1)),
                    task(mid + 1 < tasks ? mid + 1 : 0),
                    task(0))
            + " \"timeout\": \"2h\", \"onTimeout\": \"fail-continue\", \"warnBefore\": \"15m\"}";
    StringBuilder y = new StringBuilder();
    y.append(
        """
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata:
          name: %s
          namespace: %s
          uid: %s
          labels:
            app.kubernetes.io/part-of: shop
            tekton.dev/pipeline: release
          annotations:
            pitstop.dev/breakpoints: '%s'
        spec:
          timeouts:
            pipeline: 2h0m0s
          pipelineSpec:
            tasks:
        """
            .formatted(name, NS, uid(name), annotation));
    for (int i = 0; i < tasks; i++) {
      y.append("    - name: ").append(task(i)).append('\n');
      List<String> after = new ArrayList<>();
      if (i > 0) after.add(task(i - 1));
      if (i >= 7) after.add(task(i - 7));
      if (!after.isEmpty()) {
        y.append("      runAfter: [").append(String.join(", ", after)).append("]\n");
      }
      y.append("      taskSpec:\n")
          .append("        steps:\n")
          .append("        - {name: s0, image: maven, script: mvn -q compile}\n")
          .append("        - {name: s1, image: maven, script: mvn -q test}\n")
          .append("        - {name: s2, image: maven, script: mvn -q package}\n");
    }
    y.append("status:\n  startTime: \"").append(at(0)).append("\"\n");
    y.append(
        """
          conditions:
          - type: Succeeded
            status: "%s"
            reason: %s
            lastTransitionTime: "%s"
        """
            .formatted(
                finished ? "True" : "Unknown", finished ? "Succeeded" : "Running", at(40 * tasks)));
    if (finished) {
      y.append("  completionTime: \"").append(at(40 * tasks)).append("\"\n");
    }
    return (PipelineRun) only(y.toString());
  }

  private static HasMetadata only(String yaml) {
    List<HasMetadata> all = TektonYaml.load(yaml);
    if (all.size() != 1) {
      throw new IllegalStateException("expected one object, got " + all.size());
    }
    return all.get(0);
  }
}
