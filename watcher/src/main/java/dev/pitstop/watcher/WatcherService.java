package dev.pitstop.watcher;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.watcher.logs.BreakpointLogs;
import dev.pitstop.watcher.logs.FollowTarget;
import dev.pitstop.watcher.mapping.Allowlist;
import dev.pitstop.watcher.mapping.BreakpointMarker;
import dev.pitstop.watcher.mapping.ObservationMapper;
import dev.pitstop.watcher.mapping.PodObservations;
import dev.pitstop.watcher.mapping.RunRefs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher: informers on TaskRuns, PipelineRuns and Tekton's Pods (label {@code
 * app.kubernetes.io/managed-by}) in the configured namespaces (or all), turning every change into
 * observations ({@link ObservationMapper}) published to the observations topic, and following the
 * step logs of debug-enabled TaskRuns to see steps pause ({@link BreakpointLogs}).
 *
 * <p>Runs the same against the sandbox and a real cluster: it only needs a {@link KubernetesClient}
 * allowed to list/watch {@code taskruns}, {@code pipelineruns} and {@code pods} and to get {@code
 * pods/log}. fabric8 informer callbacks run on fabric8's informer threads, log followers on the
 * worker pool {@code pitstop-watcher-logs}; Kafka sends on one Vert.x context. Nothing blocks an
 * event loop.
 */
public final class WatcherService implements PitstopService {
  /** The service name in the events' {@code source}. */
  public static final String SERVICE = "watcher";

  private static final Logger LOG = LoggerFactory.getLogger(WatcherService.class);

  private final WatcherConfig config;
  private final KubernetesClient client;
  private final ObservationMapper mapper;
  private final RunRefs refs;
  private final PodObservations podObservations;
  private final ObservationPublisher publisher;
  private final WorkerExecutor logWorkers;
  private final BreakpointLogs logs;
  /*
   * Created, with their handlers, before any of them starts: a handler (or a log follower it
   * started) may look up another informer's store -- or its own, e.g. a marker resolved to its
   * TaskRun -- as soon as the first list is delivered, which is before inform()/run() returns.
   */
  private final List<SharedIndexInformer<Pod>> podInformers;
  private final List<SharedIndexInformer<TaskRun>> taskRunInformers;
  private final List<SharedIndexInformer<PipelineRun>> pipelineRunInformers;

  private WatcherService(Vertx vertx, WatcherConfig config, KubernetesClient client) {
    this.config = config;
    this.client = client;
    this.refs =
        new RunRefs(
            new Allowlist(config.labelAllowlist()), new Allowlist(config.annotationAllowlist()));
    this.mapper = new ObservationMapper(new EventFactory(config.cluster(), SERVICE), refs);
    this.podObservations = new PodObservations(new EventFactory(config.cluster(), SERVICE), refs);
    this.publisher =
        new ObservationPublisher(
            vertx,
            vertx.getOrCreateContext(),
            new EventPublisher(vertx, config.kafka(), "pitstop-watcher-" + config.cluster()));
    this.logWorkers =
        vertx.createSharedWorkerExecutor(
            "pitstop-watcher-logs", config.logFollowers(), 7, TimeUnit.DAYS);
    this.logs = new BreakpointLogs(vertx, client, logWorkers, config.logFollowers(), this::marker);
    this.podInformers = newPodInformers();
    this.taskRunInformers = newTaskRunInformers();
    this.pipelineRunInformers = newPipelineRunInformers();
  }

  /**
   * Starts the watcher: the Kafka producer, then the informers (Pods, TaskRuns, PipelineRuns), on a
   * worker thread. Every run already in the cluster is listed and its observations re-emitted with
   * the ids they had (consumers drop repeats), and a step that paused before this start (a restart)
   * is followed again from the start of its log and its pause reported again, same id.
   *
   * @param client used as given and not closed by {@link #stop()}
   * @return completes once every informer has listed; fails with fabric8's error when the API
   *     cannot be listed (e.g. RBAC, CRDs missing)
   */
  public static Future<WatcherService> start(
      Vertx vertx, WatcherConfig config, KubernetesClient client) {
    WatcherService service = new WatcherService(vertx, config, client);
    return vertx
        .executeBlocking(
            () -> {
              service.startInformers();
              return service;
            },
            false)
        .onSuccess(
            s ->
                LOG.info(
                    "Watcher started: cluster {}, namespaces {}, Pods managed-by {}",
                    config.cluster(),
                    config.namespaces().isEmpty() ? "all" : config.namespaces(),
                    config.podManagedBy()))
        .recover(err -> service.stop().transform(ar -> Future.failedFuture(err)));
  }

  /** Stops informers and log followers, then flushes and closes the producer. */
  @Override
  public Future<Void> stop() {
    podInformers.forEach(SharedIndexInformer::stop);
    taskRunInformers.forEach(SharedIndexInformer::stop);
    pipelineRunInformers.forEach(SharedIndexInformer::stop);
    logs.close();
    return logWorkers
        .close()
        .transform(ar -> publisher.stop())
        .onComplete(ar -> LOG.info("Watcher stopped"));
  }

  private List<SharedIndexInformer<Pod>> newPodInformers() {
    List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
    for (String ns : namespaces()) {
      var pods = ns.isEmpty() ? client.pods().inAnyNamespace() : client.pods().inNamespace(ns);
      informers.add(
          pods.withLabel(TektonLabels.MANAGED_BY, config.podManagedBy())
              .runnableInformer(config.resync().toMillis())
              .addEventHandler(handler(pod -> podChanged(null, pod), this::podChanged, pod -> {})));
    }
    return List.copyOf(informers);
  }

  private List<SharedIndexInformer<TaskRun>> newTaskRunInformers() {
    List<SharedIndexInformer<TaskRun>> informers = new ArrayList<>();
    for (String ns : namespaces()) {
      var trs = client.resources(TaskRun.class);
      Informable<TaskRun> in = ns.isEmpty() ? trs.inAnyNamespace() : trs.inNamespace(ns);
      informers.add(
          in.runnableInformer(config.resync().toMillis())
              .addEventHandler(
                  handler(
                      tr -> taskRunChanged(null, tr), this::taskRunChanged, this::taskRunDeleted)));
    }
    return List.copyOf(informers);
  }

  private List<SharedIndexInformer<PipelineRun>> newPipelineRunInformers() {
    List<SharedIndexInformer<PipelineRun>> informers = new ArrayList<>();
    for (String ns : namespaces()) {
      var prs = client.resources(PipelineRun.class);
      Informable<PipelineRun> in = ns.isEmpty() ? prs.inAnyNamespace() : prs.inNamespace(ns);
      informers.add(
          in.runnableInformer(config.resync().toMillis())
              .addEventHandler(
                  handler(
                      pr -> pipelineRunChanged(null, pr),
                      this::pipelineRunChanged,
                      this::pipelineRunDeleted)));
    }
    return List.copyOf(informers);
  }

  /** One informer per namespace; {@code ""} stands for all namespaces. */
  private List<String> namespaces() {
    return config.namespaces().isEmpty() ? List.of("") : config.namespaces();
  }

  /**
   * Runs the informers, each blocking until its first list is in its store, Pods first. fabric8
   * puts an object in the store before it calls the handlers, so when a TaskRun's handler runs its
   * Pod is already in the Pod store (listed before, or added since); a Pod whose handler ran before
   * its TaskRun was listed is picked up by the TaskRun's handler.
   */
  private void startInformers() {
    podInformers.forEach(SharedIndexInformer::run);
    taskRunInformers.forEach(SharedIndexInformer::run);
    pipelineRunInformers.forEach(SharedIndexInformer::run);
  }

  private void taskRunChanged(TaskRun old, TaskRun tr) {
    List<PitstopEvent> events = mapper.taskRun(isResync(old, tr) ? null : old, tr);
    logEvents(tr, events);
    publisher.publish(events);
    String podName = tr.getStatus() == null ? null : tr.getStatus().podName;
    logs.reconcile(
        tr, podName == null ? null : find(podInformers, tr.getMetadata().getNamespace(), podName));
  }

  private void taskRunDeleted(TaskRun tr) {
    logs.forget(tr.getMetadata().getNamespace(), tr.getMetadata().getName());
    List<PitstopEvent> events = mapper.taskRunDeleted(tr, Instant.now());
    logEvents(tr, events);
    publisher.publish(events);
  }

  private void pipelineRunDeleted(PipelineRun pr) {
    List<PitstopEvent> events = mapper.pipelineRunDeleted(pr, Instant.now());
    logEvents(pr, events);
    publisher.publish(events);
  }

  private void pipelineRunChanged(PipelineRun old, PipelineRun pr) {
    List<PitstopEvent> events = mapper.pipelineRun(isResync(old, pr) ? null : old, pr);
    logEvents(pr, events);
    publisher.publish(events);
  }

  private void podChanged(Pod old, Pod pod) {
    String taskRun = taskRunOf(pod);
    if (taskRun == null) {
      return;
    }
    TaskRun tr = find(taskRunInformers, pod.getMetadata().getNamespace(), taskRun);
    // The TaskRun's own reference when known, so pod events carry what its events carry.
    List<PitstopEvent> events =
        podObservations.pod(
            isResync(old, pod) ? null : old,
            pod,
            tr == null
                ? null
                : refs.taskRun(
                    tr, ObservationMapper.attemptOfPod(tr, pod.getMetadata().getName())));
    logEvents(pod, events);
    publisher.publish(events);
    if (tr != null) {
      logs.reconcile(tr, pod);
    }
  }

  private void marker(FollowTarget target, BreakpointMarker marker) {
    TaskRun tr = find(taskRunInformers, target.namespace(), target.taskRun());
    if (tr == null) {
      LOG.debug("Marker in {} of a TaskRun no longer known; dropped", target.key());
      return;
    }
    PitstopEvent e = mapper.breakpointReached(tr, target.pod(), target.container(), marker);
    LOG.info(
        "Step {} of {}/{} reached its {} breakpoint at {} (event {})",
        target.container(),
        target.namespace(),
        target.taskRun(),
        marker.mechanism().json(),
        marker.at(),
        e.id());
    publisher.publish(List.of(e));
  }

  /** A resync hands the same object as old and new: re-emit everything it implies. */
  private static boolean isResync(HasMetadata old, HasMetadata now) {
    return old != null
        && Objects.equals(
            old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion());
  }

  private static String taskRunOf(Pod pod) {
    if (pod.getMetadata().getLabels() != null) {
      String name = pod.getMetadata().getLabels().get(TektonLabels.TASK_RUN);
      if (name != null) {
        return name;
      }
    }
    if (pod.getMetadata().getOwnerReferences() != null) {
      for (OwnerReference o : pod.getMetadata().getOwnerReferences()) {
        if ("TaskRun".equals(o.getKind())) {
          return o.getName();
        }
      }
    }
    return null;
  }

  private static <T> T find(List<SharedIndexInformer<T>> informers, String ns, String name) {
    for (SharedIndexInformer<T> i : informers) {
      T t = i.getStore().getByKey(ns + "/" + name);
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  private static void logEvents(HasMetadata run, List<PitstopEvent> events) {
    if (LOG.isDebugEnabled()) {
      for (PitstopEvent e : events) {
        LOG.debug(
            "{}/{}: {} {} ({})",
            run.getMetadata().getNamespace(),
            run.getMetadata().getName(),
            e.type().type(),
            e.subject(),
            e.id());
      }
    }
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(
      java.util.function.Consumer<T> added,
      java.util.function.BiConsumer<T, T> updated,
      java.util.function.Consumer<T> deleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        guarded(obj, o -> added.accept(o));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        guarded(newObj, o -> updated.accept(oldObj, o));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        guarded(obj, o -> deleted.accept(o));
      }
    };
  }

  /** One bad object must not stop an informer: log it with the object's name and go on. */
  private static <T extends HasMetadata> void guarded(T obj, java.util.function.Consumer<T> f) {
    try {
      f.accept(obj);
    } catch (RuntimeException e) {
      LOG.warn(
          "Cannot handle {} {}/{}: {}",
          obj.getKind(),
          obj.getMetadata().getNamespace(),
          obj.getMetadata().getName(),
          e.toString(),
          e);
    }
  }
}
