package dev.pitstop.engine.admission;

import dev.pitstop.engine.NamespaceScope;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RunCache} over fabric8 informers on PipelineRuns, Pipelines, Tasks and TaskRuns (in all
 * namespaces, or one informer per listed namespace: {@link NamespaceScope}), and on ConfigMap
 * {@code feature-flags} in Tekton's namespace. Needs RBAC {@code get/list/watch} on those (with a
 * list, Roles in those namespaces suffice). TaskRuns are indexed by {@code
 * <ns>/<pipelineRun>/<pipelineTask>}. Lookups in a namespace outside the scope find nothing.
 */
public final class InformerRunCache implements RunCache, AutoCloseable {
  public static final String FEATURE_FLAGS = "feature-flags";
  private static final String BY_TASK = "pipelineTask";

  /** The key of the one informer of the cluster-wide mode. */
  private static final String ANY = "";

  private final KubernetesClient client;
  private final NamespaceScope scope;
  private final Map<String, SharedIndexInformer<PipelineRun>> pipelineRuns;
  private final Map<String, SharedIndexInformer<Pipeline>> pipelines;
  private final Map<String, SharedIndexInformer<Task>> tasks;
  private final Map<String, SharedIndexInformer<TaskRun>> taskRuns;
  private final SharedIndexInformer<ConfigMap> flags;

  /** Starts cluster-wide informers (not waiting for their first list: see {@link #start()}). */
  public InformerRunCache(KubernetesClient client, String tektonNamespace) {
    this(client, tektonNamespace, NamespaceScope.ALL);
  }

  /**
   * Starts the informers, one per namespace of {@code scope} (one in all namespaces when it is
   * {@link NamespaceScope#ALL}), not waiting for their first list: see {@link #start()}.
   */
  public InformerRunCache(KubernetesClient client, String tektonNamespace, NamespaceScope scope) {
    this.client = client;
    this.scope = scope;
    pipelineRuns = informers(PipelineRun.class);
    pipelines = informers(Pipeline.class);
    tasks = informers(Task.class);
    taskRuns = informers(TaskRun.class);
    for (SharedIndexInformer<TaskRun> i : taskRuns.values()) {
      i.addIndexers(
          Map.of(
              BY_TASK,
              tr -> {
                Map<String, String> l = tr.getMetadata().getLabels();
                if (l == null || l.get(TektonLabels.PIPELINE_TASK) == null) {
                  return List.of();
                }
                return List.of(
                    key(
                        tr.getMetadata().getNamespace(),
                        l.get(TektonLabels.PIPELINE_RUN),
                        l.get(TektonLabels.PIPELINE_TASK)));
              }));
    }
    flags =
        client
            .configMaps()
            .inNamespace(tektonNamespace)
            .withName(FEATURE_FLAGS)
            .runnableInformer(0);
  }

  private <T extends HasMetadata> Map<String, SharedIndexInformer<T>> informers(Class<T> type) {
    Map<String, SharedIndexInformer<T>> out = new LinkedHashMap<>();
    if (scope.all()) {
      out.put(ANY, client.resources(type).inAnyNamespace().runnableInformer(0));
    } else {
      for (String ns : scope.names()) {
        out.put(ns, client.resources(type).inNamespace(ns).runnableInformer(0));
      }
    }
    return out;
  }

  /** The informer holding {@code namespace}'s objects, or null when it is outside the scope. */
  private <T> SharedIndexInformer<T> in(
      Map<String, SharedIndexInformer<T>> informers, String namespace) {
    if (namespace == null || !scope.contains(namespace)) {
      return null;
    }
    return informers.get(scope.all() ? ANY : namespace);
  }

  private <T> T get(Map<String, SharedIndexInformer<T>> informers, String ns, String name) {
    SharedIndexInformer<T> i = in(informers, ns);
    return i == null ? null : i.getStore().getByKey(Cache.namespaceKeyFunc(ns, name));
  }

  /** Completes when every informer has listed once. */
  public CompletionStage<Void> start() {
    List<CompletableFuture<?>> started = new ArrayList<>();
    for (Map<String, ? extends SharedIndexInformer<?>> m :
        List.of(pipelineRuns, pipelines, tasks, taskRuns)) {
      m.values().forEach(i -> started.add(i.start().toCompletableFuture()));
    }
    started.add(flags.start().toCompletableFuture());
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  private static String key(String ns, String pr, String task) {
    return ns + "/" + pr + "/" + task;
  }

  @Override
  public PipelineRun pipelineRun(String namespace, String name) {
    return get(pipelineRuns, namespace, name);
  }

  @Override
  public PipelineRun fetchPipelineRun(String namespace, String name) {
    if (!scope.contains(namespace)) {
      return null;
    }
    try {
      return client.resources(PipelineRun.class).inNamespace(namespace).withName(name).get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public PipelineSpec pipeline(String namespace, String name) {
    Pipeline p = get(pipelines, namespace, name);
    return p == null ? null : p.getSpec();
  }

  @Override
  public TaskSpec task(String namespace, String name) {
    Task t = get(tasks, namespace, name);
    return t == null ? null : t.getSpec();
  }

  @Override
  public Map<String, String> taskRunAnnotations(
      String namespace, String pipelineRun, String pipelineTask) {
    SharedIndexInformer<TaskRun> i = in(taskRuns, namespace);
    if (i == null) {
      return null;
    }
    List<TaskRun> found =
        i.getIndexer().byIndex(BY_TASK, key(namespace, pipelineRun, pipelineTask));
    return found.isEmpty() ? null : found.get(0).getMetadata().getAnnotations();
  }

  @Override
  public boolean alphaFields() {
    return flags.getStore().list().stream()
        .anyMatch(
            cm -> cm.getData() != null && "alpha".equals(cm.getData().get("enable-api-fields")));
  }

  @Override
  public void close() {
    for (Map<String, ? extends SharedIndexInformer<?>> m :
        List.of(pipelineRuns, pipelines, tasks, taskRuns)) {
      m.values().forEach(SharedIndexInformer::close);
    }
    flags.close();
  }
}
