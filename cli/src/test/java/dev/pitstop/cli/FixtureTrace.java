package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.SkippedTask;
import dev.pitstop.events.data.StepFinished;
import dev.pitstop.sandbox.otlp.ReceivedSpan;
import dev.pitstop.sandbox.sim.FailSpec;
import dev.pitstop.tekton.TektonNames;
import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.PipelineTask;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The trace a Tekton fixture must produce, derived from the fixture's YAML (the Pipeline's tasks
 * and finally tasks, each Task's steps in declaration order, matrix fan-out) and from what the run
 * reported (reasons, skipped tasks, failing steps), and the assertion of a received trace against
 * it: tree, names, kinds, key attributes, Kubernetes times, steps in order, skipped tasks.
 */
final class FixtureTrace {
  /** The standalone TaskRun's "PipelineTask" (as {@link FailSpec#STANDALONE}). */
  private static final String STANDALONE = FailSpec.STANDALONE;

  /**
   * @param rootName the root span's name (Pipeline, else run name; standalone: Task, else run)
   * @param pipeline true for a PipelineRun
   * @param steps step names in declaration order by PipelineTask ({@code -} for a standalone)
   * @param runs how many TaskRuns each PipelineTask makes when it runs (matrix fan-out)
   */
  record Expected(
      String rootName,
      boolean pipeline,
      Map<String, List<String>> steps,
      Map<String, Integer> runs) {}

  private FixtureTrace() {}

  /** Reads what the fixture declares; {@code root} is the created run (for its name). */
  static Expected fromYaml(String yaml, HasMetadata root) {
    List<HasMetadata> all = TektonYaml.load(yaml);
    Map<String, Task> tasks = new LinkedHashMap<>();
    Map<String, Pipeline> pipelines = new LinkedHashMap<>();
    for (HasMetadata r : all) {
      if (r instanceof Task t) {
        tasks.put(t.getMetadata().getName(), t);
      } else if (r instanceof Pipeline p) {
        pipelines.put(p.getMetadata().getName(), p);
      }
    }
    Map<String, List<String>> steps = new LinkedHashMap<>();
    Map<String, Integer> runs = new LinkedHashMap<>();
    if (root instanceof PipelineRun pr) {
      PipelineSpec spec = pr.getSpec().pipelineSpec;
      String name = pr.getMetadata().getName();
      if (spec == null) {
        name = pr.getSpec().pipelineRef.name;
        spec = Objects.requireNonNull(pipelines.get(name), "Pipeline " + name).getSpec();
      }
      List<PipelineTask> pts = new ArrayList<>(spec.tasks);
      pts.addAll(spec.finallyTasks);
      for (PipelineTask pt : pts) {
        TaskSpec ts =
            pt.taskSpec != null
                ? pt.taskSpec
                : Objects.requireNonNull(tasks.get(pt.taskRef.name), "Task " + pt.taskRef.name)
                    .getSpec();
        steps.put(pt.name, TektonNames.stepNames(ts.steps));
        runs.put(pt.name, matrixSize(pt));
      }
      return new Expected(name, true, steps, runs);
    }
    TaskRun tr = (TaskRun) root;
    TaskSpec ts = tr.getSpec().taskSpec;
    String name = tr.getMetadata().getName();
    if (ts == null) {
      name = tr.getSpec().taskRef.name;
      ts = Objects.requireNonNull(tasks.get(name), "Task " + name).getSpec();
    }
    steps.put(STANDALONE, TektonNames.stepNames(ts.steps));
    runs.put(STANDALONE, 1);
    return new Expected(name, false, steps, runs);
  }

  /** The cartesian product of the matrix params' value counts, 1 without a matrix. */
  @SuppressWarnings("unchecked")
  private static int matrixSize(PipelineTask pt) {
    Object matrix = pt.additionalProperties().get("matrix");
    if (!(matrix instanceof Map<?, ?> m) || !(m.get("params") instanceof List<?> params)) {
      return 1;
    }
    int n = 1;
    for (Object p : params) {
      Object v = ((Map<String, Object>) p).get("value");
      n *= v instanceof List<?> l ? l.size() : 1;
    }
    return n;
  }

  /** {@code cicd.*.result} of a {@code Succeeded} reason, for the reasons the fixtures end in. */
  static String result(String reason) {
    return switch (reason) {
      case "Succeeded", "Completed" -> "success";
      case "Failed", "FailureIgnored" -> "failure";
      default -> throw new IllegalArgumentException("no expectation for reason " + reason);
    };
  }

  /**
   * Asserts the received trace of one root run against the expectation.
   *
   * @param trace every span received with the root's trace id (repeats allowed: identical)
   * @param events every event of the root run
   * @param fails the steps the sandbox made fail
   */
  static void assertTrace(
      Expected x,
      String rootUid,
      String rootReason,
      List<ReceivedSpan> trace,
      List<PitstopEvent> events,
      List<FailSpec> fails) {
    Map<String, ReceivedSpan> byId = new LinkedHashMap<>();
    for (ReceivedSpan s : trace) {
      ReceivedSpan prev = byId.putIfAbsent(s.spanId(), s);
      if (prev != null) {
        assertThat(s).as("a span exported twice is identical: " + s.name()).isEqualTo(prev);
      }
    }
    List<ReceivedSpan> roots = byId.values().stream().filter(ReceivedSpan::isRoot).toList();
    assertThat(roots).as("one root").hasSize(1);
    ReceivedSpan root = roots.get(0);
    RunFinished rootFin = finishedOf(events, rootUid);
    assertThat(root.name()).as("root name").isEqualTo(x.rootName());
    assertThat(root.kind()).isEqualTo("SERVER");
    assertThat(root.attributes())
        .containsEntry("cicd.pipeline.name", x.rootName())
        .containsEntry("cicd.pipeline.run.id", rootUid)
        .containsEntry("cicd.pipeline.result", result(rootReason))
        .containsEntry("k8s.namespace.name", "default")
        .containsEntry("tekton.reason", rootReason);
    assertThat(root.startEpochNanos())
        .as("root starts at startTime")
        .isEqualTo(nanos(rootFin.startTime()));
    assertThat(root.endEpochNanos())
        .as("root ends at completionTime or covers its children")
        .isGreaterThanOrEqualTo(nanos(rootFin.completionTime()));
    if (!root.attributes().containsKey("pitstop.raw.end")) {
      assertThat(root.endEpochNanos()).isEqualTo(nanos(rootFin.completionTime()));
    }
    assertErrorIff(root, !result(rootReason).equals("success"), rootReason);

    Map<String, List<ReceivedSpan>> children = new LinkedHashMap<>();
    byId.values().stream()
        .filter(s -> !s.isRoot())
        .forEach(s -> children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s));
    for (ReceivedSpan s : byId.values()) {
      if (!s.isRoot()) {
        ReceivedSpan parent = byId.get(s.parentSpanId());
        assertThat(parent).as("parent of " + s.name()).isNotNull();
        assertThat(s.startEpochNanos())
            .as(s.name() + " inside " + parent.name())
            .isBetween(parent.startEpochNanos(), parent.endEpochNanos());
        assertThat(s.endEpochNanos())
            .as(s.name() + " inside " + parent.name())
            .isBetween(s.startEpochNanos(), parent.endEpochNanos());
      }
    }

    // The root's own TaskRun span(s), or the root itself for a standalone TaskRun.
    Map<String, List<ReceivedSpan>> taskSpans = new LinkedHashMap<>();
    List<ReceivedSpan> skippedSpans = new ArrayList<>();
    if (x.pipeline()) {
      for (ReceivedSpan c : children.getOrDefault(root.spanId(), List.of())) {
        assertThat(c.kind()).isEqualTo("INTERNAL");
        if ("skip".equals(c.attributes().get("cicd.pipeline.task.run.result"))) {
          skippedSpans.add(c);
        } else {
          taskSpans.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
        }
      }
    } else {
      taskSpans.put(STANDALONE, List.of(root));
    }

    // Skipped tasks: zero length at the root's end, result skip, Tekton's reason.
    Map<String, String> skipped =
        rootFin.skippedTasks().stream()
            .collect(
                Collectors.toMap(
                    SkippedTask::name, SkippedTask::reason, (a, b) -> a, LinkedHashMap::new));
    assertThat(skippedSpans)
        .extracting(ReceivedSpan::name)
        .as("a skip span per skipped task")
        .containsExactlyInAnyOrderElementsOf(skipped.keySet());
    for (ReceivedSpan s : skippedSpans) {
      assertThat(s.startEpochNanos()).as(s.name() + " zero length").isEqualTo(s.endEpochNanos());
      assertThat(s.endEpochNanos())
          .as(s.name() + " at the run's end")
          .isEqualTo(root.endEpochNanos());
      assertThat(s.attributes())
          .containsEntry("cicd.pipeline.task.name", s.name())
          .containsEntry("cicd.pipeline.name", x.rootName())
          .containsEntry("tekton.skip.reason", skipped.get(s.name()));
      assertThat(s.statusCode()).isEqualTo("UNSET");
    }

    // Every declared task ran (as many TaskRuns as its matrix makes) or was skipped.
    Map<String, Integer> expectedRuns = new LinkedHashMap<>(x.runs());
    skipped.keySet().forEach(expectedRuns::remove);
    assertThat(taskSpans.keySet())
        .as("task spans")
        .containsExactlyInAnyOrderElementsOf(expectedRuns.keySet());
    expectedRuns.forEach(
        (task, n) -> assertThat(taskSpans.get(task)).as("spans of " + task).hasSize(n));

    Map<String, RunFinished> taskRunFinished = new LinkedHashMap<>();
    Map<String, StepFinished> stepFinished = new LinkedHashMap<>();
    for (PitstopEvent e : events) {
      if (e.type() == EventType.TASKRUN_FINISHED) {
        taskRunFinished.put(e.data().run().uid(), e.data(RunFinished.class));
      } else if (e.data() instanceof StepFinished sf) {
        stepFinished.put(sf.run().uid() + "/" + sf.step().index(), sf);
      }
    }

    taskSpans.forEach(
        (task, spans) -> {
          for (ReceivedSpan t : spans) {
            assertTaskRun(x, task, t, children, taskRunFinished, stepFinished, fails, rootUid);
          }
        });
  }

  private static void assertTaskRun(
      Expected x,
      String task,
      ReceivedSpan t,
      Map<String, List<ReceivedSpan>> children,
      Map<String, RunFinished> taskRunFinished,
      Map<String, StepFinished> stepFinished,
      List<FailSpec> fails,
      String rootUid) {
    String uid = (String) t.attributes().get("cicd.pipeline.task.run.id");
    assertThat(uid).as("task run id of " + task).isNotNull();
    RunFinished fin = taskRunFinished.get(uid);
    assertThat(fin).as("TaskRun finish of " + task).isNotNull();
    String taskRunName = (String) t.attributes().get("tekton.taskrun.name");
    assertThat(taskRunName).isEqualTo(fin.run().name());
    String pod = (String) t.attributes().get("k8s.pod.name");
    assertThat(pod).as("pod of " + task).isNotBlank();
    assertThat(t.attributes())
        .containsEntry("k8s.namespace.name", "default")
        .containsEntry("cicd.pipeline.name", x.rootName())
        .containsEntry("cicd.pipeline.task.run.result", result(fin.reason()))
        .containsEntry("tekton.reason", fin.reason());
    if (x.pipeline()) {
      assertThat(t.attributes())
          .containsEntry("cicd.pipeline.task.name", task)
          .containsEntry("cicd.pipeline.run.id", rootUid);
      assertThat(t.kind()).isEqualTo("INTERNAL");
    }
    assertErrorIff(t, !result(fin.reason()).equals("success"), fin.reason());
    // Kubernetes times: startTime and completionTime unless clamped (raw kept).
    if (!t.attributes().containsKey("pitstop.raw.start")) {
      assertThat(t.startEpochNanos())
          .as(task + " starts at startTime")
          .isEqualTo(nanos(fin.startTime()));
    }
    if (!t.attributes().containsKey("pitstop.raw.end")) {
      assertThat(t.endEpochNanos())
          .as(task + " ends at completionTime")
          .isEqualTo(nanos(fin.completionTime()));
    }

    List<ReceivedSpan> kids = children.getOrDefault(t.spanId(), List.of());
    List<ReceivedSpan> steps =
        kids.stream().filter(k -> k.attributes().containsKey("tekton.step.exit_code")).toList();
    List<ReceivedSpan> others =
        kids.stream()
            .filter(k -> !steps.contains(k))
            .filter(k -> !k.attributes().containsKey("pitstop.pod.phase"))
            .toList();
    assertThat(others).as("children of " + task + " other than steps and pod phases").isEmpty();

    // Pod phases (watcher's Pod observations): scheduling, Tekton's init containers, starting, in
    // that order, before the first step's command.
    Map<String, ReceivedSpan> phases = new LinkedHashMap<>();
    kids.stream()
        .filter(k -> k.attributes().containsKey("pitstop.pod.phase"))
        .forEach(
            k ->
                assertThat(phases.put(k.name(), k))
                    .as("one " + k.name() + " span in " + task)
                    .isNull());
    assertThat(phases.keySet())
        .as("pod phases of " + task)
        .contains("pod scheduling", "init prepare", "pod starting")
        .isSubsetOf("pod scheduling", "init prepare", "init place-scripts", "pod starting");
    for (ReceivedSpan ph : phases.values()) {
      assertThat(ph.attributes()).as(ph.name()).containsEntry("k8s.pod.name", pod);
    }
    ReceivedSpan scheduling = phases.get("pod scheduling");
    ReceivedSpan prepare = phases.get("init prepare");
    ReceivedSpan starting = phases.get("pod starting");
    ReceivedSpan lastInit = phases.getOrDefault("init place-scripts", prepare);
    assertThat(prepare.startEpochNanos())
        .as("prepare after scheduling in " + task)
        .isGreaterThanOrEqualTo(scheduling.endEpochNanos());
    if (lastInit != prepare) {
      assertThat(lastInit.startEpochNanos())
          .as("place-scripts after prepare in " + task)
          .isGreaterThanOrEqualTo(prepare.endEpochNanos());
    }
    assertThat(starting.startEpochNanos())
        .as("pod starting after the init containers in " + task)
        .isGreaterThanOrEqualTo(lastInit.endEpochNanos());

    List<String> declared = x.steps().get(task);
    // Steps by start time (then index, for equal whole-second times) are the Task's steps in order.
    List<ReceivedSpan> byStart =
        steps.stream()
            .sorted(
                Comparator.comparingLong(ReceivedSpan::startEpochNanos)
                    .thenComparingLong(s -> (Long) s.attributes().get("tekton.step.index")))
            .toList();
    assertThat(byStart)
        .extracting(ReceivedSpan::name)
        .as("steps of " + task + " in order")
        .isEqualTo(declared);
    for (int i = 0; i < byStart.size(); i++) {
      ReceivedSpan s = byStart.get(i);
      String step = declared.get(i);
      assertThat(s.kind()).isEqualTo("INTERNAL");
      assertThat(s.attributes())
          .containsEntry("tekton.step.name", step)
          .containsEntry("tekton.step.index", (long) i)
          .containsEntry("k8s.pod.name", pod)
          .containsEntry("k8s.container.name", "step-" + step);
      if (i == 0) {
        assertThat(s.startEpochNanos())
            .as(step + " after the pod's init containers")
            .isGreaterThanOrEqualTo(lastInit.endEpochNanos());
      }
      if (i > 0) {
        assertThat(s.startEpochNanos())
            .as(step + " starts after " + declared.get(i - 1) + " ended")
            .isGreaterThanOrEqualTo(byStart.get(i - 1).endEpochNanos());
      }
      int code = expectedExitCode(fails, task, taskRunName, step);
      assertThat(s.attributes())
          .as("exit code of " + step)
          .containsEntry("tekton.step.exit_code", (long) code);
      StepFinished sf = stepFinished.get(uid + "/" + i);
      assertThat(sf).as("step finish of " + task + "/" + step).isNotNull();
      assertThat(s.attributes())
          .containsEntry("tekton.step.termination_reason", sf.terminationReason());
      if (code != 0) {
        assertThat(s.attributes()).containsEntry("error.type", sf.terminationReason());
        assertThat(s.statusCode()).isEqualTo("ERROR");
      } else {
        assertThat(s.attributes()).doesNotContainKey("error.type");
        assertThat(s.statusCode()).isEqualTo("UNSET");
      }
      // Tekton's real command start and end, unless clamped into the TaskRun.
      if (!s.attributes().containsKey("pitstop.raw.start")) {
        assertThat(s.startEpochNanos()).as(step + " at startedAt").isEqualTo(nanos(sf.startedAt()));
      }
      if (!s.attributes().containsKey("pitstop.raw.end")) {
        assertThat(s.endEpochNanos()).as(step + " at finishedAt").isEqualTo(nanos(sf.finishedAt()));
      }
    }
  }

  /**
   * What the sandbox's fail specs make the step exit with (as {@code TaskRunMachine} reads them).
   */
  static int expectedExitCode(List<FailSpec> fails, String task, String taskRunName, String step) {
    Matcher mi = Pattern.compile("-" + Pattern.quote(task) + "-(\\d+)$").matcher(taskRunName);
    String matrixTask = mi.find() ? task + "-" + mi.group(1) : null;
    return fails.stream()
        .filter(f -> f.matches(task, step) || matrixTask != null && f.matches(matrixTask, step))
        .mapToInt(FailSpec::exitCode)
        .findFirst()
        .orElse(0);
  }

  private static void assertErrorIff(ReceivedSpan s, boolean error, String reason) {
    if (error) {
      assertThat(s.statusCode()).as("status of " + s.name()).isEqualTo("ERROR");
      assertThat(s.attributes()).containsEntry("error.type", reason);
    } else {
      assertThat(s.statusCode()).as("status of " + s.name()).isEqualTo("UNSET");
      assertThat(s.attributes()).doesNotContainKey("error.type");
    }
  }

  private static RunFinished finishedOf(List<PitstopEvent> events, String uid) {
    return events.stream()
        .filter(e -> e.data() instanceof RunFinished rf && rf.run().uid().equals(uid))
        .map(e -> e.data(RunFinished.class))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finish of " + uid));
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
