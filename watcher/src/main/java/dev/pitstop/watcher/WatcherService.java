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
import dev.pitstop.watcher.mapping.CachedFields;
import dev.pitstop.watcher.mapping.ObservationMapper;
import dev.pitstop.watcher.mapping.PodObservations;
import dev.pitstop.watcher.mapping.RunRefs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
 *
 * <p>The Pod and TaskRun informers keep of each object only what the mapper reads ({@link
 * CachedFields}, through {@link KeptItemStore}): a real Tekton Pod is mostly step arguments,
 * environment, volumes and {@code managedFields} that no observation needs.
 *
 * <p>With {@link WatcherConfig.LeaderElection#enabled() leader election}, replicas contend for a
 * {@code coordination.k8s.io/v1} Lease through fabric8's {@code LeaderElector} (client-go's
 * algorithm); it then also needs {@code get}, {@code create} and {@code update} on that Lease. Only
 * the leader runs informers and log followers. On becoming leader it starts them afresh: they list
 * every run and publish what each implies, with the same deterministic ids a previous leader used,
 * so a takeover loses nothing and repeats only events consumers drop by id. On losing the Lease it
 * stops publishing at once (queued and retried sends of that term are dropped), stops its informers
 * and contends again. Without leader election the watcher always publishes.
 */
public final class WatcherService implements PitstopService {
  /** The service name in the events' {@code source}. */
  public static final String SERVICE = "watcher";

  private static final Logger LOG = LoggerFactory.getLogger(WatcherService.class);

  private final Vertx vertx;
  private final WatcherConfig config;
  private final KubernetesClient client;
  private final ObservationMapper mapper;
  private final RunRefs refs;
  private final PodObservations podObservations;
  private final CachedFields kept;
  private final ObservationPublisher publisher;
  private final WorkerExecutor logWorkers;

  /** The informers of the current term; null while not leading (or stopped). */
  private Session session;

  /** The current election attempt; null without leader election or once stopped. */
  private CompletableFuture<?> election;

  private boolean stopping;

  private WatcherService(Vertx vertx, WatcherConfig config, KubernetesClient client) {
    this.vertx = vertx;
    this.config = config;
    this.client = client;
    this.refs =
        new RunRefs(
            new Allowlist(config.labelAllowlist()), new Allowlist(config.annotationAllowlist()));
    this.mapper = new ObservationMapper(new EventFactory(config.cluster(), SERVICE), refs);
    this.podObservations = new PodObservations(new EventFactory(config.cluster(), SERVICE), refs);
    this.kept = new CachedFields(refs);
    this.publisher =
        new ObservationPublisher(
            vertx,
            vertx.getOrCreateContext(),
            new EventPublisher(vertx, config.kafka(), "pitstop-watcher-" + config.cluster()));
    this.logWorkers =
        vertx.createSharedWorkerExecutor(
            "pitstop-watcher-logs", config.logFollowers(), 7, TimeUnit.DAYS);
  }

  /**
   * Starts the watcher: the Kafka producer, then the informers (Pods, TaskRuns, PipelineRuns), on a
   * worker thread. Every run already in the cluster is listed and its observations re-emitted with
   * the ids they had (consumers drop repeats), and a step that paused before this start (a restart)
   * is followed again from the start of its log and its pause reported again, same id.
   *
   * <p>With leader election the informers start only once this replica holds the Lease, and the
   * returned future completes as soon as it contends (a standby is started, not leading).
   *
   * @param client used as given and not closed by {@link #stop()}
   * @return completes once every informer has listed (or, with leader election, once contending);
   *     fails with fabric8's error when the API cannot be listed (e.g. RBAC, CRDs missing)
   */
  public static Future<WatcherService> start(
      Vertx vertx, WatcherConfig config, KubernetesClient client) {
    WatcherService service = new WatcherService(vertx, config, client);
    Future<WatcherService> started;
    if (config.leaderElection().enabled()) {
      started =
          vertx.executeBlocking(
              () -> {
                service.contend();
                return service;
              },
              false);
    } else {
      started =
          vertx.executeBlocking(
              () -> {
                Session s = service.new Session();
                synchronized (service) {
                  service.session = s;
                }
                s.start();
                return service;
              },
              false);
    }
    return started
        .onSuccess(
            s ->
                LOG.info(
                    "Watcher started: cluster {}, namespaces {}, selector {}, Pods managed-by {}{}",
                    config.cluster(),
                    config.namespaces().isEmpty() ? "all" : config.namespaces(),
                    config.selector().isEmpty() ? "none" : config.selector(),
                    config.podManagedBy(),
                    config.leaderElection().enabled()
                        ? ", contending for Lease "
                            + service.leaseNamespace()
                            + "/"
                            + config.leaderElection().leaseName()
                            + " as "
                            + config.leaderElection().identity()
                        : ""))
        .recover(err -> service.stop().transform(ar -> Future.failedFuture(err)));
  }

  /**
   * Whether this watcher runs informers and publishes now: always after start without leader
   * election; with it, while this replica holds the Lease.
   */
  public synchronized boolean isLeading() {
    return session != null && session.active;
  }

  /**
   * Stops contending (releasing the Lease if held, so a standby takes over without waiting for it
   * to expire), stops informers and log followers, then flushes and closes the producer.
   */
  @Override
  public Future<Void> stop() {
    CompletableFuture<?> e;
    synchronized (this) {
      stopping = true;
      e = election;
      election = null;
    }
    return vertx
        .executeBlocking(
            () -> {
              if (e != null) {
                e.cancel(true); // releases the Lease (releaseOnCancel), then onStopLeading
              }
              endTerm();
              return null;
            },
            false)
        .transform(ar -> logWorkers.close())
        .transform(ar -> publisher.stop())
        .onComplete(ar -> LOG.info("Watcher stopped"));
  }

  private String leaseNamespace() {
    String ns = config.leaderElection().leaseNamespace();
    if (ns.isEmpty()) {
      ns = client.getNamespace();
    }
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  /** Starts one election attempt; when it ends (Lease lost or not obtainable), starts another. */
  private void contend() {
    WatcherConfig.LeaderElection le = config.leaderElection();
    var electionConfig =
        new LeaderElectionConfigBuilder()
            .withName(le.leaseName())
            .withLock(new LeaseLock(leaseNamespace(), le.leaseName(), le.identity()))
            .withLeaseDuration(le.leaseDuration())
            .withRenewDeadline(le.renewDeadline())
            .withRetryPeriod(le.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(this::startedLeading, this::endTerm, this::newLeader))
            .build();
    CompletableFuture<?> attempt;
    synchronized (this) {
      if (stopping) {
        return;
      }
      attempt = client.leaderElector().withConfig(electionConfig).build().start();
      election = attempt;
    }
    attempt.whenComplete(
        (v, err) -> {
          // Whatever ended the attempt, this replica no longer leads.
          endTerm();
          synchronized (this) {
            if (stopping || election != attempt) {
              return;
            }
          }
          if (err != null && !(err instanceof java.util.concurrent.CancellationException)) {
            LOG.warn("Leader election on Lease {} ended: {}", le.leaseName(), err.toString());
          }
          vertx.setTimer(
              Math.max(1, le.retryPeriod().toMillis()),
              id ->
                  vertx.executeBlocking(
                      () -> {
                        contend();
                        return null;
                      },
                      false));
        });
  }

  private void startedLeading() {
    Session s = new Session();
    synchronized (this) {
      if (stopping) {
        return;
      }
      if (session != null) {
        session.end();
      }
      session = s;
    }
    LOG.info(
        "Leading as {} (Lease {}): starting informers",
        config.leaderElection().identity(),
        config.leaderElection().leaseName());
    vertx
        .executeBlocking(
            () -> {
              s.start();
              return null;
            },
            false)
        .onFailure(
            err -> {
              CompletableFuture<?> e;
              synchronized (this) {
                if (session != s) {
                  return; // the term ended meanwhile (its informers were stopped while listing)
                }
                e = election;
              }
              LOG.error("Informers did not start while leading; stepping down: {}", err.toString());
              if (e != null) {
                e.cancel(true); // releases the Lease; contend() tries again
              }
            });
  }

  private void newLeader(String identity) {
    LOG.info("Lease {} is held by {}", config.leaderElection().leaseName(), identity);
    if (!config.leaderElection().identity().equals(identity)) {
      endTerm();
    }
  }

  /** Ends the current term, if any: publishing stops at once, informers and followers stop. */
  private void endTerm() {
    Session s;
    synchronized (this) {
      s = session;
      session = null;
    }
    if (s != null) {
      s.end();
      if (config.leaderElection().enabled()) {
        LOG.info("No longer leading as {}: informers stopped", config.leaderElection().identity());
      }
    }
  }

  /**
   * One term of informers and log followers. Created, with their handlers, before any of them
   * starts: a handler (or a log follower it started) may look up another informer's store -- or its
   * own, e.g. a marker resolved to its TaskRun -- as soon as the first list is delivered, which is
   * before inform()/run() returns. fabric8 informers cannot be restarted once stopped, so each term
   * has its own.
   */
  private final class Session {
    private final BreakpointLogs logs;
    private final List<SharedIndexInformer<Pod>> podInformers;
    private final List<SharedIndexInformer<TaskRun>> taskRunInformers;
    private final List<SharedIndexInformer<PipelineRun>> pipelineRunInformers;
    private volatile boolean active = true;

    Session() {
      this.logs =
          new BreakpointLogs(
              vertx, client, logWorkers, config.logFollowers(), this::marker, this::logEnded);
      this.podInformers = newPodInformers();
      this.taskRunInformers = newTaskRunInformers();
      this.pipelineRunInformers = newPipelineRunInformers();
    }

    /**
     * Runs the informers, each blocking until its first list is in its store, Pods first. fabric8
     * puts an object in the store before it calls the handlers, so when a TaskRun's handler runs
     * its Pod is already in the Pod store (listed before, or added since); a Pod whose handler ran
     * before its TaskRun was listed is picked up by the TaskRun's handler.
     */
    void start() {
      podInformers.forEach(SharedIndexInformer::run);
      taskRunInformers.forEach(SharedIndexInformer::run);
      pipelineRunInformers.forEach(SharedIndexInformer::run);
    }

    void end() {
      active = false;
      podInformers.forEach(SharedIndexInformer::stop);
      taskRunInformers.forEach(SharedIndexInformer::stop);
      pipelineRunInformers.forEach(SharedIndexInformer::stop);
      logs.close();
    }

    private void publish(List<PitstopEvent> events) {
      if (active) {
        publisher.publish(events, () -> active);
      }
    }

    private List<SharedIndexInformer<Pod>> newPodInformers() {
      List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
      for (String ns : namespaces()) {
        var pods = ns.isEmpty() ? client.pods().inAnyNamespace() : client.pods().inNamespace(ns);
        var selected = pods.withLabel(TektonLabels.MANAGED_BY, config.podManagedBy());
        if (!config.selector().isEmpty()) {
          selected = selected.withLabelSelector(config.selector());
        }
        informers.add(
            selected
                .runnableInformer(config.resync().toMillis())
                .itemStore(new KeptItemStore<>(kept::pod))
                .addEventHandler(
                    handler(pod -> podChanged(null, pod), this::podChanged, pod -> {})));
      }
      return List.copyOf(informers);
    }

    private List<SharedIndexInformer<TaskRun>> newTaskRunInformers() {
      return runInformers(
          TaskRun.class,
          kept::taskRun,
          handler(tr -> taskRunChanged(null, tr), this::taskRunChanged, this::taskRunDeleted));
    }

    private List<SharedIndexInformer<PipelineRun>> newPipelineRunInformers() {
      return runInformers(
          PipelineRun.class,
          UnaryOperator.identity(),
          handler(
              pr -> pipelineRunChanged(null, pr),
              this::pipelineRunChanged,
              this::pipelineRunDeleted));
    }

    /**
     * One informer of {@code kind} per watched namespace (or all), with the run selector, keeping
     * of each object what {@code keep} returns.
     */
    private <T extends HasMetadata> List<SharedIndexInformer<T>> runInformers(
        Class<T> kind, UnaryOperator<T> keep, ResourceEventHandler<T> handler) {
      List<SharedIndexInformer<T>> informers = new ArrayList<>();
      for (String ns : namespaces()) {
        var runs = client.resources(kind);
        var in = ns.isEmpty() ? runs.inAnyNamespace() : runs.inNamespace(ns);
        Informable<T> selected =
            config.selector().isEmpty() ? in : in.withLabelSelector(config.selector());
        informers.add(
            selected
                .runnableInformer(config.resync().toMillis())
                .itemStore(new KeptItemStore<>(keep))
                .addEventHandler(handler));
      }
      return List.copyOf(informers);
    }

    private void taskRunChanged(TaskRun old, TaskRun tr) {
      List<PitstopEvent> events = mapper.taskRun(isResync(old, tr) ? null : old, tr);
      logEvents(tr, events);
      publish(events);
      String podName = tr.getStatus() == null ? null : tr.getStatus().podName;
      logs.reconcile(
          tr,
          podName == null ? null : find(podInformers, tr.getMetadata().getNamespace(), podName));
    }

    private void taskRunDeleted(TaskRun tr) {
      logs.forget(tr.getMetadata().getNamespace(), tr.getMetadata().getName());
      List<PitstopEvent> events = mapper.taskRunDeleted(tr, Instant.now());
      logEvents(tr, events);
      publish(events);
    }

    private void pipelineRunDeleted(PipelineRun pr) {
      List<PitstopEvent> events = mapper.pipelineRunDeleted(pr, Instant.now());
      logEvents(pr, events);
      publish(events);
    }

    private void pipelineRunChanged(PipelineRun old, PipelineRun pr) {
      List<PitstopEvent> events = mapper.pipelineRun(isResync(old, pr) ? null : old, pr);
      logEvents(pr, events);
      publish(events);
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
      publish(events);
      if (tr != null) {
        logs.reconcile(tr, pod);
      }
    }

    /** A step's log ended (its container exited): follow the next step that can pause now. */
    private void logEnded(FollowTarget target) {
      TaskRun tr = find(taskRunInformers, target.namespace(), target.taskRun());
      Pod pod = find(podInformers, target.namespace(), target.pod());
      if (tr != null && pod != null && active) {
        logs.reconcileAfter(tr, pod, target.stepIndex());
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
      publish(List.of(e));
    }
  }

  /** One informer per namespace; {@code ""} stands for all namespaces. */
  private List<String> namespaces() {
    return config.namespaces().isEmpty() ? List.of("") : config.namespaces();
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
