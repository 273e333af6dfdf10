package dev.pitstop.engine.admission;

import dev.pitstop.engine.admission.AdmissionDecision.Warning;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.Tekton;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the warnings of an admission decision, never silently: a {@code
 * dev.pitstop.breakpoint.warning.v1} decision event each, and (when a client is given) a Kubernetes
 * {@code Event} of type Warning on the run ({@code kubectl describe} shows it), created on a worker
 * with a name derived from the event id so a repeat is one Event. Needs RBAC {@code create events}.
 * Does not block the caller.
 */
public final class AdmissionReporter implements Consumer<AdmissionWebhook.Admitted> {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionReporter.class);

  private final EventFactory events;
  private final Clock clock;
  private final Function<PitstopEvent, Future<Void>> publish;
  private final KubernetesClient client;
  private final WorkerExecutor workers;

  /**
   * @param client for Kubernetes Events, or null for none
   * @param workers where Kubernetes calls run (unused when client is null)
   */
  public AdmissionReporter(
      EventFactory events,
      Clock clock,
      Function<PitstopEvent, Future<Void>> publish,
      KubernetesClient client,
      WorkerExecutor workers) {
    this.events = events;
    this.clock = clock;
    this.publish = publish;
    this.client = client;
    this.workers = workers;
  }

  @Override
  public void accept(AdmissionWebhook.Admitted a) {
    Instant now = clock.instant();
    for (Warning w : a.decision().warnings()) {
      RunRef run =
          w.onPipelineRun() && a.pipelineRun() != null
              ? pipelineRunRef(a.pipelineRun())
              : taskRunRef(a.taskRun());
      PitstopEvent e =
          events.create(
              EventType.BREAKPOINT_WARNING,
              new BreakpointWarning(run, w.reason(), w.message(), null, now),
              now);
      LOG.info("{} {} {}: {}", e.id(), w.reason(), run.display(), w.message());
      publish
          .apply(e)
          .onFailure(t -> LOG.warn("could not publish warning {}: {}", e.id(), t.toString()));
      if (client != null) {
        kubernetesEvent(e, run, w, now);
      }
    }
  }

  private void kubernetesEvent(PitstopEvent e, RunRef run, Warning w, Instant now) {
    Event ev =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(run.namespace())
            .withName(run.name() + ".pitstop-" + e.id().substring(0, 12))
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(Tekton.GROUP + "/" + Tekton.VERSION)
            .withKind(run.kind())
            .withNamespace(run.namespace())
            .withName(run.name())
            .withUid(run.uid())
            .endInvolvedObject()
            .withType("Warning")
            .withReason(w.reason())
            .withMessage(w.message())
            .withNewSource()
            .withComponent("pitstop-breakpoint-engine")
            .endSource()
            .withFirstTimestamp(now.toString())
            .withLastTimestamp(now.toString())
            .withCount(1)
            .build();
    workers
        .executeBlocking(
            () -> {
              try {
                client.v1().events().inNamespace(run.namespace()).resource(ev).create();
              } catch (KubernetesClientException x) {
                if (x.getCode() != 409) {
                  throw x;
                }
              }
              return null;
            },
            false)
        .onFailure(
            t -> LOG.warn("could not create a Kubernetes Event for {}: {}", e.id(), t.toString()));
  }

  static RunRef pipelineRunRef(PipelineRun pr) {
    Map<String, String> l = pr.getMetadata().getLabels();
    return new RunRef(
        RunRef.PIPELINE_RUN,
        pr.getMetadata().getNamespace(),
        pr.getMetadata().getName(),
        pr.getMetadata().getUid(),
        null,
        null,
        l == null ? null : l.get(TektonLabels.PIPELINE),
        null,
        null,
        0,
        Map.of(),
        Map.of());
  }

  static RunRef taskRunRef(TaskRun tr) {
    Map<String, String> l =
        tr.getMetadata().getLabels() == null ? Map.of() : tr.getMetadata().getLabels();
    return new RunRef(
        RunRef.TASK_RUN,
        tr.getMetadata().getNamespace(),
        tr.getMetadata().getName(),
        tr.getMetadata().getUid(),
        l.get(TektonLabels.PIPELINE_RUN),
        l.get(TektonLabels.PIPELINE_RUN_UID),
        l.get(TektonLabels.PIPELINE),
        l.get(TektonLabels.PIPELINE_TASK),
        l.get(TektonLabels.TASK),
        0,
        Map.of(),
        Map.of());
  }
}
