package dev.pitstop.engine.admission;

import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.model.Pipeline;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.Task;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RunCache} over fabric8 informers (all namespaces) on PipelineRuns, Pipelines, Tasks and
 * TaskRuns, and on ConfigMap {@code feature-flags} in Tekton's namespace. Needs RBAC {@code
 * get/list/watch} on those. TaskRuns are indexed by {@code <ns>/<pipelineRun>/<pipelineTask>}.
 */
public final class InformerRunCache implements RunCache, AutoCloseable {
  public static final String FEATURE_FLAGS = "feature-flags";
  private static final String BY_TASK = "pipelineTask";

  private final KubernetesClient client;
  private final SharedIndexInformer<PipelineRun> pipelineRuns;
  private final SharedIndexInformer<Pipeline> pipelines;
  private final SharedIndexInformer<Task> tasks;
  private final SharedIndexInformer<TaskRun> taskRuns;
  private final SharedIndexInformer<ConfigMap> flags;

  /** Starts the informers (not waiting for their first list: see {@link #synced()}). */
  public InformerRunCache(KubernetesClient client, String tektonNamespace) {
    this.client = client;
    pipelineRuns = client.resources(PipelineRun.class).inAnyNamespace().runnableInformer(0);
    pipelines = client.resources(Pipeline.class).inAnyNamespace().runnableInformer(0);
    tasks = client.resources(Task.class).inAnyNamespace().runnableInformer(0);
    taskRuns = client.resources(TaskRun.class).inAnyNamespace().runnableInformer(0);
    taskRuns.addIndexers(
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
    flags =
        client
            .configMaps()
            .inNamespace(tektonNamespace)
            .withName(FEATURE_FLAGS)
            .runnableInformer(0);
  }

  /** Completes when every informer has listed once. */
  public CompletionStage<Void> start() {
    return CompletableFuture.allOf(
        pipelineRuns.start().toCompletableFuture(),
        pipelines.start().toCompletableFuture(),
        tasks.start().toCompletableFuture(),
        taskRuns.start().toCompletableFuture(),
        flags.start().toCompletableFuture());
  }

  private static String key(String ns, String pr, String task) {
    return ns + "/" + pr + "/" + task;
  }

  @Override
  public PipelineRun pipelineRun(String namespace, String name) {
    return pipelineRuns.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
  }

  @Override
  public PipelineRun fetchPipelineRun(String namespace, String name) {
    try {
      return client.resources(PipelineRun.class).inNamespace(namespace).withName(name).get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public PipelineSpec pipeline(String namespace, String name) {
    Pipeline p = pipelines.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
    return p == null ? null : p.getSpec();
  }

  @Override
  public TaskSpec task(String namespace, String name) {
    Task t = tasks.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
    return t == null ? null : t.getSpec();
  }

  @Override
  public Map<String, String> taskRunAnnotations(
      String namespace, String pipelineRun, String pipelineTask) {
    List<TaskRun> found =
        taskRuns.getIndexer().byIndex(BY_TASK, key(namespace, pipelineRun, pipelineTask));
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
    pipelineRuns.close();
    pipelines.close();
    tasks.close();
    taskRuns.close();
    flags.close();
  }
}
