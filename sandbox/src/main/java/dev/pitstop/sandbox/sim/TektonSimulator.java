package dev.pitstop.sandbox.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.sandbox.k8s.ExecResult;
import dev.pitstop.sandbox.k8s.FeatureFlags;
import dev.pitstop.sandbox.k8s.PodLogs;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.tekton.TektonYaml;
import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves Tekton objects through the sandbox's Kubernetes API as Tekton's controllers, the kubelet
 * and the entrypoint would (see {@code DESIGN.md} beside this class). The I/O edge around {@link
 * SimulationCore}: each tick (on its own thread, never the API server's event loop) it reads
 * TaskRuns and PipelineRuns in every namespace from informer-fed views ({@link RunView}), asks the
 * core what happens next, and performs it with at most one write per object. Runs created by anyone
 * through the API are picked up.
 *
 * <p>Usage: {@code try (var sim = TektonSimulator.start(server, SimulatorOptions.defaults())) {
 * sim.apply(yaml); ... }}.
 */
public final class TektonSimulator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TektonSimulator.class);

  /**
   * Threads performing a tick's writes: one run's actions stay in order on one thread, different
   * runs' go concurrently (each write waits for a round trip to the API, and a child TaskRun's
   * create for the admission webhooks too).
   */
  static final int WRITERS = 8;

  private final KubernetesClient client;
  private final PodLogs logs;
  private final SimulatorOptions options;
  private final Clock clock;
  private final SimulationCore core;
  private final ScheduledExecutorService loop;
  private final ExecutorService writers;
  private final Map<String, JsonNode> written = new ConcurrentHashMap<>();
  private final Map<String, Pod> pods = new ConcurrentHashMap<>();
  private final Runnable onClose;
  private final RunView<TaskRun> taskRunView;
  private final RunView<PipelineRun> pipelineRunView;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * Creates a simulator that is not yet ticking; call {@link #startLoop()}.
   *
   * @param client a client of the sandbox API (not closed by this simulator)
   * @param logs where step output goes
   * @param options how to simulate
   * @param clock the time source of every status time and step duration
   */
  public TektonSimulator(
      KubernetesClient client, PodLogs logs, SimulatorOptions options, Clock clock) {
    this(client, logs, options, clock, () -> {});
  }

  private TektonSimulator(
      KubernetesClient client,
      PodLogs logs,
      SimulatorOptions options,
      Clock clock,
      Runnable onClose) {
    this.client = client;
    this.logs = logs;
    this.options = options;
    this.clock = clock;
    this.core = new SimulationCore(options);
    this.onClose = onClose;
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    this.taskRunView = new RunView<>(serialization::clone);
    this.pipelineRunView = new RunView<>(serialization::clone);
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pitstop-tekton-simulator");
              t.setDaemon(true);
              return t;
            });
    AtomicInteger writerCount = new AtomicInteger();
    this.writers =
        Executors.newFixedThreadPool(
            WRITERS,
            r -> {
              Thread t =
                  new Thread(r, "pitstop-tekton-simulator-write-" + writerCount.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts a simulator on a sandbox API server: its own client, the server's Pod logs, and this
   * simulator as the server's exec handler (so {@code kubectl exec} of the debug scripts works).
   * {@link #close()} closes the client and removes the exec handler.
   */
  public static TektonSimulator start(SandboxApiServer server, SimulatorOptions options) {
    KubernetesClient client = server.newClient();
    TektonSimulator sim =
        new TektonSimulator(
            client,
            server.podLogs(),
            options,
            Clock.systemUTC(),
            () -> {
              server.setExecHandler(null);
              server.setEphemeralContainerHandler(null);
              client.close();
            });
    server.setExecHandler(sim::exec);
    server.setEphemeralContainerHandler(sim::ephemeralContainerAdded);
    sim.installFeatureFlags();
    return sim.startLoop();
  }

  /**
   * Creates ConfigMap {@code tekton-pipelines/feature-flags} with {@code enable-api-fields} from
   * the options, as installing Tekton does, unless one exists (then it is left as it is: the API
   * server's Tekton validation reads whatever is stored).
   */
  void installFeatureFlags() {
    try {
      client
          .configMaps()
          .inNamespace("tekton-pipelines")
          .resource(FeatureFlags.withEnableApiFields(options.enableApiFields()))
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /**
   * Starts the TaskRun and PipelineRun informers (once; blocks until their first list is in) and
   * ticking every {@link SimulatorOptions#tick()}; returns this.
   */
  public TektonSimulator startLoop() {
    startInformers();
    long period = options.tick().toNanos();
    loop.scheduleWithFixedDelay(this::tickSafely, 0, period, TimeUnit.NANOSECONDS);
    return this;
  }

  /**
   * Watches TaskRuns and PipelineRuns in every namespace into the views a tick reads, in place of
   * listing them every tick (see DESIGN.md, "Shape").
   */
  private synchronized void startInformers() {
    if (!informers.isEmpty()) {
      return;
    }
    informers.add(client.resources(TaskRun.class).inAnyNamespace().inform(taskRunView, 0));
    informers.add(client.resources(PipelineRun.class).inAnyNamespace().inform(pipelineRunView, 0));
  }

  /**
   * Hands an object the API just answered to the view of its kind; {@code copy} when the caller
   * keeps a reference to it (the view's objects get statuses set by the core).
   */
  private void seen(HasMetadata stored, boolean copy) {
    if (stored instanceof TaskRun tr) {
      taskRunView.offer(copy ? client.getKubernetesSerialization().clone(tr) : tr);
    } else if (stored instanceof PipelineRun pr) {
      pipelineRunView.offer(copy ? client.getKubernetesSerialization().clone(pr) : pr);
    }
  }

  /**
   * Runs a command in a simulated container: the four debug scripts under {@code
   * /tekton/debug/scripts/} act on the step whose container runs them; other commands succeed with
   * no output. Matches {@code dev.pitstop.sandbox.k8s.ExecHandler}.
   */
  public ExecResult exec(String namespace, String pod, String container, List<String> command) {
    ScriptResult r = core.exec(namespace, pod, container, command, clock.instant());
    LOG.debug("exec {}/{} -c {} {} → {}", namespace, pod, container, command, r.exitCode());
    return new ExecResult(r.exitCode(), r.stdout(), r.stderr());
  }

  /**
   * An ephemeral container was added to a simulated Pod: writes it makes to a step's run volume
   * release that step as the debug scripts would (see DESIGN.md, "Shell-less images"). Matches
   * {@code dev.pitstop.sandbox.k8s.EphemeralContainerHandler}.
   */
  public void ephemeralContainerAdded(
      String namespace, String pod, io.fabric8.kubernetes.api.model.EphemeralContainer container) {
    String r = core.ephemeral(namespace, pod, container, clock.instant());
    LOG.info("ephemeral container {} in {}/{}: {}", container.getName(), namespace, pod, r);
  }

  /**
   * Applies every document of a multi-document YAML through the API: TaskRuns and PipelineRuns
   * (tekton.dev/v1) are created; Tasks, Pipelines and kinds fabric8 knows (ConfigMap, Secret, PVC,
   * RBAC, ...) are created or updated. Objects without a namespace go to {@link
   * SimulatorOptions#namespace()}. Cluster-scoped objects with only a {@code generateName} and
   * kinds fabric8 does not know are skipped with a note.
   *
   * @throws IllegalArgumentException when the YAML cannot be read (see {@link TektonYaml#load})
   * @throws KubernetesClientException when the API refuses an object
   */
  public ApplyResult apply(String yaml) {
    List<HasMetadata> created = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (HasMetadata doc : TektonYaml.load(yaml)) {
      HasMetadata obj = doc;
      if (doc instanceof GenericKubernetesResource g) {
        obj = Serialization.unmarshal(Serialization.asJson(g));
        if (obj instanceof GenericKubernetesResource) {
          notes.add("skipped " + describe(doc) + ": kind unknown to the sandbox");
          continue;
        }
      }
      boolean namespaced = obj instanceof Namespaced;
      if (!namespaced && obj.getMetadata().getName() == null) {
        notes.add("skipped " + describe(doc) + ": cluster-scoped with only generateName");
        continue;
      }
      if (namespaced && obj.getMetadata().getNamespace() == null) {
        obj.getMetadata().setNamespace(options.namespace());
      }
      // Runs are created (a second apply of the same run is an error, as with kubectl create);
      // configuration such as the feature-flags ConfigMap is created or updated, as kubectl apply
      // does.
      boolean run = obj instanceof TaskRun || obj instanceof PipelineRun;
      HasMetadata stored =
          run || obj.getMetadata().getName() == null
              ? client.resource(obj).create()
              : client.resource(obj).createOr(NonDeletingOperation::update);
      created.add(stored);
      seen(stored, true);
      LOG.info(
          "applied {} {}/{}",
          stored.getKind(),
          stored.getMetadata().getNamespace(),
          stored.getMetadata().getName());
    }
    notes.forEach(n -> LOG.info("apply: {}", n));
    return new ApplyResult(created, notes);
  }

  private static String describe(HasMetadata doc) {
    String name =
        doc.getMetadata().getName() != null
            ? doc.getMetadata().getName()
            : doc.getMetadata().getGenerateName() + "*";
    return doc.getKind() + " " + name;
  }

  private void tickSafely() {
    if (closed) {
      return;
    }
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("Simulation tick failed; retrying on the next tick", e);
    }
  }

  /**
   * One simulation step: read the views, compute, write. Visible for tests that drive it by hand
   * (the informers start on the first call).
   */
  void tick() {
    startInformers();
    List<TaskRun> taskRuns = taskRunView.snapshot();
    List<PipelineRun> prs = pipelineRunView.snapshot();
    List<List<Action>> groups = core.tickGroups(taskRuns, prs, new ApiCatalog(), clock.instant());
    List<Future<?>> running = new ArrayList<>(groups.size());
    for (List<Action> group : groups) {
      if (!group.isEmpty()) {
        running.add(writers.submit(() -> performAll(group)));
      }
    }
    RuntimeException failure = null;
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null && e.getCause() instanceof RuntimeException r) {
          failure = r;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Performs one group of actions (one run's) in order; a refused write is redone next tick. */
  private void performAll(List<Action> group) {
    for (Action a : group) {
      try {
        perform(a);
      } catch (KubernetesClientException e) {
        LOG.debug(
            "{} failed ({}); retried on the next tick", a.getClass().getSimpleName(), e.getCode());
        forget(a);
      }
    }
  }

  private void perform(Action a) {
    if (a instanceof Action.Create c) {
      try {
        HasMetadata stored = client.resource(c.object()).create();
        if (stored instanceof Pod p) {
          pods.put(key(p), p);
        } else {
          seen(stored, false);
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() == 400 || e.getCode() == 422) {
          rejected(c.object(), e);
          return;
        }
        if (e.getCode() != 409) {
          throw e;
        }
      }
    } else if (a instanceof Action.CancelTaskRun c) {
      TaskRun edited =
          client
              .resources(TaskRun.class)
              .inNamespace(c.namespace())
              .withName(c.name())
              .edit(
                  tr -> {
                    if (tr.getStatus() == null || !tr.getStatus().isDone()) {
                      tr.getSpec().status = dev.pitstop.tekton.model.TaskRunSpec.STATUS_CANCELLED;
                      tr.getSpec().statusMessage = c.message();
                    }
                    return tr;
                  });
      seen(edited, false);
    } else if (a instanceof Action.UpdateStatus u) {
      HasMetadata obj = u.object();
      String key =
          obj.getKind()
              + "/"
              + obj.getMetadata().getNamespace()
              + "/"
              + obj.getMetadata().getName();
      JsonNode status = Serialization.jsonMapper().valueToTree(statusOf(obj));
      if (status.equals(written.get(key))) {
        return;
      }
      written.put(key, status);
      seen(client.resource(obj).updateStatus(), false);
    } else if (a instanceof Action.UpdatePodStatus u) {
      String key = u.namespace() + "/" + u.name();
      Pod pod = pods.get(key);
      if (pod == null) {
        return;
      }
      JsonNode status = Serialization.jsonMapper().valueToTree(u.status());
      if (status.equals(written.get("Pod/" + key))) {
        return;
      }
      written.put("Pod/" + key, status);
      pod.setStatus(u.status());
      pods.put(key, client.resource(pod).updateStatus());
    } else if (a instanceof Action.AnnotatePod an) {
      String key = an.namespace() + "/" + an.name();
      Pod pod = pods.get(key);
      if (pod == null) {
        return;
      }
      if (pod.getMetadata().getAnnotations() == null) {
        pod.getMetadata().setAnnotations(new java.util.LinkedHashMap<>());
      }
      pod.getMetadata().getAnnotations().put(an.key(), an.value());
      pods.put(key, client.resource(pod).update());
      // Write the status again with the next status action, whatever the update kept of it.
      written.remove("Pod/" + key);
    } else if (a instanceof Action.DeletePod d) {
      String key = d.namespace() + "/" + d.name();
      pods.remove(key);
      written.remove("Pod/" + key);
      client.pods().inNamespace(d.namespace()).withName(d.name()).delete();
    } else if (a instanceof Action.AppendLog l) {
      // Stamped when really appended, as the kubelet stamps a line when it reads it: a tick that
      // runs late must not date a line (a breakpoint marker) before anyone could have read it.
      Instant now = clock.instant();
      Instant at = now.isAfter(l.time()) ? now : l.time();
      logs.append(l.namespace(), l.pod(), l.container(), at, l.text(at));
    } else if (a instanceof Action.CloseLog c) {
      logs.close(c.namespace(), c.pod(), c.container());
    }
  }

  /**
   * The API refused a child TaskRun as invalid (e.g. Tekton's validating webhook): its PipelineRun
   * fails {@code CreateRunFailed} with Tekton's message.
   */
  private void rejected(HasMetadata child, KubernetesClientException e) {
    var owners = child.getMetadata().getOwnerReferences();
    if (!(child instanceof TaskRun) || owners == null || owners.isEmpty()) {
      throw e;
    }
    var labels = child.getMetadata().getLabels();
    String task = labels == null ? "" : labels.get(dev.pitstop.tekton.TektonLabels.PIPELINE_TASK);
    String why =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    String message =
        "error creating TaskRuns called ["
            + child.getMetadata().getName()
            + "] for PipelineTask "
            + task
            + " from PipelineRun "
            + owners.get(0).getName()
            + ": "
            + why;
    LOG.info(
        "Creating TaskRun {}/{} was refused: {}",
        child.getMetadata().getNamespace(),
        child.getMetadata().getName(),
        why);
    core.createRejected(owners.get(0).getUid(), message);
  }

  private void forget(Action a) {
    if (a instanceof Action.UpdateStatus u) {
      HasMetadata obj = u.object();
      written.remove(
          obj.getKind()
              + "/"
              + obj.getMetadata().getNamespace()
              + "/"
              + obj.getMetadata().getName());
      // The view may hold this simulator's own status on an old resourceVersion: read the stored
      // object now rather than redo the write until the watch event arrives.
      seen(refetch(obj), false);
    } else if (a instanceof Action.UpdatePodStatus u) {
      String key = u.namespace() + "/" + u.name();
      written.remove("Pod/" + key);
      Pod fresh = client.pods().inNamespace(u.namespace()).withName(u.name()).get();
      if (fresh != null) {
        pods.put(key, fresh);
      }
    }
  }

  private HasMetadata refetch(HasMetadata obj) {
    try {
      return client.resource(obj).get();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  private static Object statusOf(HasMetadata obj) {
    if (obj instanceof TaskRun tr) {
      return tr.getStatus();
    }
    if (obj instanceof PipelineRun pr) {
      return pr.getStatus();
    }
    return null;
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /** Stops the loop (waiting for a running tick to end) and releases what {@link #start} set up. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.shutdown();
    try {
      if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
        loop.shutdownNow();
      }
    } catch (InterruptedException e) {
      loop.shutdownNow();
      Thread.currentThread().interrupt();
    }
    writers.shutdownNow();
    synchronized (this) {
      informers.forEach(SharedIndexInformer::close);
    }
    onClose.run();
  }

  /** Looks Tasks and Pipelines up through the API, once per name per tick. */
  private final class ApiCatalog implements Catalog {
    private final Map<String, Optional<Task>> tasks = new HashMap<>();
    private final Map<String, Optional<Pipeline>> pipelines = new HashMap<>();

    @Override
    public Optional<Task> task(String namespace, String name) {
      return tasks.computeIfAbsent(
          namespace + "/" + name,
          k ->
              Optional.ofNullable(
                  client.resources(Task.class).inNamespace(namespace).withName(name).get()));
    }

    @Override
    public Optional<Pipeline> pipeline(String namespace, String name) {
      return pipelines.computeIfAbsent(
          namespace + "/" + name,
          k ->
              Optional.ofNullable(
                  client.resources(Pipeline.class).inNamespace(namespace).withName(name).get()));
    }
  }
}
