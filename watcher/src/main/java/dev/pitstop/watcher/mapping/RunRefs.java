package dev.pitstop.watcher.mapping;

import dev.pitstop.events.data.RunRef;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.Map;

/**
 * Builds the {@link RunRef} of a run from its metadata: Tekton's labels name the PipelineRun,
 * Pipeline, PipelineTask and Task (tekton-facts.md §3); labels and annotations pass the configured
 * allowlists. The run's W3C span context ({@code status.spanContext}, else the annotation {@code
 * tekton.dev/pipelinerunSpanContext} / {@code taskrunSpanContext}), validated and normalized by
 * {@link SpanContextCarrier}, always travels as that annotation so the tracer can join Tekton's
 * trace.
 */
public final class RunRefs {
  private final Allowlist labels;
  private final Allowlist annotations;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunRefs.class);

  /**
   * The annotations that pass the allowlist; a value dropped for being over its bound (see {@link
   * Allowlist}) is logged with the run and named in the result under {@link Allowlist#DROPPED}.
   */
  private Map<String, String> filterAnnotations(ObjectMeta m) {
    Map<String, String> out = annotations.filter(m.getAnnotations());
    String dropped = out.get(Allowlist.DROPPED);
    if (dropped != null) {
      LOG.warn(
          "{}/{}: annotation value(s) over their bound dropped, not cut: {}",
          m.getNamespace(),
          m.getName(),
          dropped);
    }
    return out;
  }

  public RunRefs(Allowlist labels, Allowlist annotations) {
    this.labels = labels;
    this.annotations = annotations;
  }

  /** The Tekton labels read from a run or Pod whatever the allowlist (tekton-facts.md §3). */
  private static final java.util.Set<String> TEKTON_LABELS_READ =
      java.util.Set.of(
          TektonLabels.TASK_RUN,
          TektonLabels.TASK_RUN_UID,
          TektonLabels.PIPELINE_RUN,
          TektonLabels.PIPELINE_RUN_UID,
          TektonLabels.PIPELINE,
          TektonLabels.PIPELINE_TASK,
          TektonLabels.TASK);

  /**
   * Whether anything in the watcher reads label {@code key} of a run or Pod: the Tekton labels that
   * make a {@link RunRef} and those the label allowlist passes. {@link CachedFields} keeps only
   * these.
   */
  public boolean readsLabel(String key) {
    return TEKTON_LABELS_READ.contains(key) || labels.admits(key);
  }

  /**
   * Whether anything in the watcher reads annotation {@code key} of a run or Pod: those the
   * annotation allowlist passes, the span-context carriers ({@link SpanContextCarrier}) and the
   * Pod's {@code tekton.dev/ready}. {@link CachedFields} keeps only these.
   */
  public boolean readsAnnotation(String key) {
    return annotations.admits(key)
        || SpanContextCarrier.TASKRUN_ANNOTATION.equals(key)
        || SpanContextCarrier.PIPELINERUN_ANNOTATION.equals(key)
        || TektonLabels.READY_ANNOTATION.equals(key);
  }

  /**
   * The reference of one attempt of a TaskRun.
   *
   * @param retry the attempt, 0 for the first ({@code status.retriesStatus.size()} for the current)
   */
  public RunRef taskRun(TaskRun tr, int retry) {
    ObjectMeta m = tr.getMetadata();
    Map<String, String> l = m.getLabels() == null ? Map.of() : m.getLabels();
    String pipelineRunUid = l.get(TektonLabels.PIPELINE_RUN_UID);
    String pipelineRun = l.get(TektonLabels.PIPELINE_RUN);
    OwnerReference owner = pipelineRunOwner(m);
    if (pipelineRunUid == null && owner != null) {
      pipelineRunUid = owner.getUid();
    }
    if (pipelineRun == null && owner != null) {
      pipelineRun = owner.getName();
    }
    String task = l.get(TektonLabels.TASK);
    if (task == null && tr.getSpec() != null && tr.getSpec().taskRef != null) {
      task = tr.getSpec().taskRef.name;
    }
    return new RunRef(
        RunRef.TASK_RUN,
        m.getNamespace(),
        m.getName(),
        m.getUid(),
        pipelineRun,
        pipelineRunUid,
        l.get(TektonLabels.PIPELINE),
        l.get(TektonLabels.PIPELINE_TASK),
        task,
        retry,
        labels.filter(l),
        withSpanContext(
            filterAnnotations(m),
            SpanContextCarrier.TASKRUN_ANNOTATION,
            tr.getStatus() == null ? null : tr.getStatus().spanContext,
            m.getAnnotations()));
  }

  /**
   * Pod name suffix of a retried attempt (Tekton {@code -pod-retry<n>}, {@link
   * dev.pitstop.tekton.TektonNames#podName}).
   */
  private static final java.util.regex.Pattern RETRY_POD =
      java.util.regex.Pattern.compile("-pod-retry([0-9]{1,4})$");

  /**
   * The reference of the TaskRun attempt a Pod runs, from the Pod's Tekton labels ({@code
   * tekton.dev/taskRun}, {@code taskRunUID}, {@code pipelineRun}, {@code pipelineRunUID}, {@code
   * pipeline}, {@code pipelineTask}, {@code task}; Tekton copies the TaskRun's labels to its Pod)
   * and its name ({@code -pod-retry<n>}: attempt n). Used when the TaskRun itself is not at hand.
   *
   * @return the reference, or null when the Pod lacks {@code tekton.dev/taskRun} or {@code
   *     tekton.dev/taskRunUID} (not a TaskRun's Pod)
   */
  public RunRef pod(io.fabric8.kubernetes.api.model.Pod pod) {
    ObjectMeta m = pod.getMetadata();
    Map<String, String> l = m.getLabels() == null ? Map.of() : m.getLabels();
    String name = l.get(TektonLabels.TASK_RUN);
    String uid = l.get(TektonLabels.TASK_RUN_UID);
    if (name == null || name.isBlank() || uid == null || uid.isBlank()) {
      return null;
    }
    return new RunRef(
        RunRef.TASK_RUN,
        m.getNamespace(),
        name,
        uid,
        l.get(TektonLabels.PIPELINE_RUN),
        l.get(TektonLabels.PIPELINE_RUN_UID),
        l.get(TektonLabels.PIPELINE),
        l.get(TektonLabels.PIPELINE_TASK),
        l.get(TektonLabels.TASK),
        retryOfPod(m.getName()),
        labels.filter(l),
        filterAnnotations(m));
  }

  /** The attempt a Pod name belongs to: n for {@code <taskrun>-pod-retry<n>}, else 0. */
  public static int retryOfPod(String podName) {
    if (podName == null) {
      return 0;
    }
    java.util.regex.Matcher x = RETRY_POD.matcher(podName);
    return x.find() ? Integer.parseInt(x.group(1)) : 0;
  }

  /** The reference of a PipelineRun (retry 0, no parent). */
  public RunRef pipelineRun(PipelineRun pr) {
    ObjectMeta m = pr.getMetadata();
    Map<String, String> l = m.getLabels() == null ? Map.of() : m.getLabels();
    String pipeline = l.get(TektonLabels.PIPELINE);
    if (pipeline == null && pr.getSpec() != null && pr.getSpec().pipelineRef != null) {
      pipeline = pr.getSpec().pipelineRef.name;
    }
    return new RunRef(
        RunRef.PIPELINE_RUN,
        m.getNamespace(),
        m.getName(),
        m.getUid(),
        null,
        null,
        pipeline,
        null,
        null,
        0,
        labels.filter(l),
        withSpanContext(
            filterAnnotations(m),
            SpanContextCarrier.PIPELINERUN_ANNOTATION,
            pr.getStatus() == null ? null : pr.getStatus().spanContext,
            m.getAnnotations()));
  }

  /**
   * The allowlisted annotations plus, whatever the allowlist, the run's span context under {@code
   * key} when valid ({@link SpanContextCarrier}, normalized); an invalid one is left out.
   */
  private static Map<String, String> withSpanContext(
      Map<String, String> allowed,
      String key,
      Map<String, String> statusSpanContext,
      Map<String, String> all) {
    Map<String, String> out = new java.util.TreeMap<>(allowed);
    out.remove(key);
    String carrier = SpanContextCarrier.of(statusSpanContext, all == null ? null : all.get(key));
    if (carrier != null) {
      out.put(key, carrier);
    }
    return out;
  }

  private static OwnerReference pipelineRunOwner(ObjectMeta m) {
    if (m.getOwnerReferences() == null) {
      return null;
    }
    return m.getOwnerReferences().stream()
        .filter(o -> "PipelineRun".equals(o.getKind()) && Boolean.TRUE.equals(o.getController()))
        .findFirst()
        .orElse(null);
  }
}
