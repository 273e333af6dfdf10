package dev.pitstop.sandbox.sim;

import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * A hand-written in-memory API for the pure core: stores objects, applies the core's actions, and
 * moves a manual clock. Listing returns copies, as an API server would.
 */
final class FakeCluster implements Catalog {
  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
  static final Duration TICK = Duration.ofMillis(10);

  final Map<String, TaskRun> taskRuns = new LinkedHashMap<>();
  final Map<String, PipelineRun> pipelineRuns = new LinkedHashMap<>();
  final Map<String, Task> tasks = new LinkedHashMap<>();
  final Map<String, Pipeline> pipelines = new LinkedHashMap<>();
  final Map<String, Pod> pods = new LinkedHashMap<>();
  final Map<String, List<String>> logs = new LinkedHashMap<>();
  final List<String> closedLogs = new ArrayList<>();
  final List<String> deletedPods = new ArrayList<>();
  final SimulationCore core;
  Instant now = T0;
  private int generated;

  FakeCluster(SimulatorOptions options) {
    this.core = new SimulationCore(options);
  }

  FakeCluster() {
    this(SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(100)));
  }

  /** Stores every document; returns the stored objects. */
  List<HasMetadata> apply(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata o : TektonYaml.load(yaml)) {
      if (o instanceof Task
          || o instanceof Pipeline
          || o instanceof TaskRun
          || o instanceof PipelineRun) {
        out.add(create(o));
      }
    }
    return out;
  }

  HasMetadata create(HasMetadata o) {
    var m = o.getMetadata();
    if (m.getNamespace() == null) {
      m.setNamespace("default");
    }
    if (m.getName() == null) {
      m.setName(m.getGenerateName() + "x" + (++generated));
    }
    m.setUid(UUID.randomUUID().toString());
    String key = m.getNamespace() + "/" + m.getName();
    if (o instanceof TaskRun tr) {
      taskRuns.put(key, tr);
    } else if (o instanceof PipelineRun pr) {
      pipelineRuns.put(key, pr);
    } else if (o instanceof Task t) {
      tasks.put(key, t);
    } else if (o instanceof Pipeline p) {
      pipelines.put(key, p);
    } else if (o instanceof Pod p) {
      pods.put(key, p);
    }
    return o;
  }

  void tick() {
    List<TaskRun> trs = taskRuns.values().stream().map(t -> copy(t, TaskRun.class)).toList();
    List<PipelineRun> prs =
        pipelineRuns.values().stream().map(p -> copy(p, PipelineRun.class)).toList();
    for (Action a : core.tick(trs, prs, this, now)) {
      if (a instanceof Action.Create c) {
        String key =
            c.object().getMetadata().getNamespace() + "/" + c.object().getMetadata().getName();
        if (!taskRuns.containsKey(key) && !pods.containsKey(key)) {
          create(c.object());
        }
      } else if (a instanceof Action.UpdateStatus u) {
        String key =
            u.object().getMetadata().getNamespace() + "/" + u.object().getMetadata().getName();
        if (u.object() instanceof TaskRun tr) {
          taskRuns.get(key).setStatus(copy(tr, TaskRun.class).getStatus());
        } else if (u.object() instanceof PipelineRun pr) {
          pipelineRuns.get(key).setStatus(copy(pr, PipelineRun.class).getStatus());
        }
      } else if (a instanceof Action.CancelTaskRun c) {
        TaskRun tr = taskRuns.get(c.namespace() + "/" + c.name());
        if (tr != null) {
          tr.getSpec().status = "TaskRunCancelled";
          tr.getSpec().statusMessage = c.message();
        }
      } else if (a instanceof Action.UpdatePodStatus u) {
        pods.get(u.namespace() + "/" + u.name()).setStatus(u.status());
      } else if (a instanceof Action.AnnotatePod an) {
        Pod p = pods.get(an.namespace() + "/" + an.name());
        if (p != null) {
          p.getMetadata().getAnnotations().put(an.key(), an.value());
        }
      } else if (a instanceof Action.DeletePod d) {
        pods.remove(d.namespace() + "/" + d.name());
        deletedPods.add(d.name());
      } else if (a instanceof Action.AppendLog l) {
        String key = l.pod() + "/" + l.container();
        if (closedLogs.contains(key)) {
          throw new AssertionError("append to closed log " + key);
        }
        logs.computeIfAbsent(key, k -> new ArrayList<>()).add(l.text(l.time()));
      } else if (a instanceof Action.CloseLog c) {
        closedLogs.add(c.pod() + "/" + c.container());
      }
    }
  }

  /** Ticks every 10 ms of simulated time until the condition holds (at most 10 simulated min). */
  void runUntil(BooleanSupplier done) {
    for (int i = 0; i < 60_000; i++) {
      if (done.getAsBoolean()) {
        return;
      }
      now = now.plus(TICK);
      tick();
    }
    throw new AssertionError("condition not reached within 10 simulated minutes");
  }

  /** Ticks for a while of simulated time. */
  void runFor(Duration d) {
    Instant end = now.plus(d);
    while (now.isBefore(end)) {
      now = now.plus(TICK);
      tick();
    }
  }

  ScriptResult exec(String pod, String container, String... command) {
    return core.exec("default", pod, container, List.of(command), now);
  }

  TaskRun taskRun(String name) {
    return taskRuns.get("default/" + name);
  }

  PipelineRun pipelineRun(String name) {
    return pipelineRuns.get("default/" + name);
  }

  List<String> log(String pod, String container) {
    return logs.getOrDefault(pod + "/" + container, List.of());
  }

  boolean done(TaskRun tr) {
    return tr.getStatus() != null && tr.getStatus().isDone();
  }

  boolean done(PipelineRun pr) {
    return pr.getStatus() != null && pr.getStatus().isDone();
  }

  /** True when the step's log holds a line containing {@code text}. */
  boolean logHas(String pod, String container, String text) {
    return log(pod, container).stream().anyMatch(l -> l.contains(text));
  }

  @Override
  public Optional<Task> task(String namespace, String name) {
    return Optional.ofNullable(tasks.get(namespace + "/" + name));
  }

  @Override
  public Optional<Pipeline> pipeline(String namespace, String name) {
    return Optional.ofNullable(pipelines.get(namespace + "/" + name));
  }

  static <T> T copy(Object o, Class<T> type) {
    return Serialization.jsonMapper().convertValue(o, type);
  }
}
