package dev.pitstop.engine.admission;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pitstop.engine.NamespaceScope;
import dev.pitstop.engine.admission.AdmissionDecision.Warning;
import dev.pitstop.engine.annotation.BreakpointAnnotation;
import dev.pitstop.events.data.BreakpointWarning;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.PipelineSpec;
import dev.pitstop.tekton.model.PipelineTask;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mutating admission webhook on TaskRun CREATE: {@code POST /admission/taskruns} answers an
 * {@code admission.k8s.io/v1} {@code AdmissionReview} with {@link AdmissionDecider}'s JSON Patch
 * ({@code patchType: JSONPatch}, base64) and its warnings ({@code response.warnings}, shown by
 * kubectl). Decides from the request and {@link RunCache} alone, on the event loop, in
 * microseconds; the one API call is a read of the PipelineRun on a worker when the informer has not
 * seen it yet (a PipelineRun created a moment before its first TaskRuns).
 *
 * <p>It never denies: every answer is {@code allowed: true}, also when the request cannot be read
 * or deciding fails (then without a patch, and reported). Registered with {@code failurePolicy:
 * Ignore} and a short {@code timeoutSeconds}, a down engine never blocks a cluster: TaskRuns are
 * then created without Pitstop's breakpoints (docs/breakpoints.md).
 *
 * <p>Every decision with a hold or a warning is handed to {@code onAdmitted} (which publishes
 * {@code breakpoint.warning} events and Kubernetes Events); it must not block. A dry run ({@code
 * request.dryRun: true}, e.g. {@code kubectl create --dry-run=server}) gets the same answer but is
 * not handed on: the webhook has no side effects on dry runs, as its registration's {@code
 * sideEffects: NoneOnDryRun} promises.
 *
 * <p>A TaskRun in a namespace outside the engine's {@link NamespaceScope} ({@code
 * ENGINE_NAMESPACES}) is admitted unchanged with a warning saying so (the registration's {@code
 * namespaceSelector} should keep such requests away; this covers a selector wider than the list).
 */
public final class AdmissionWebhook {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionWebhook.class);
  public static final String PATH = "/admission/taskruns";
  static final long MAX_BODY = 4L * 1024 * 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final RunCache cache;
  private final Consumer<Admitted> onAdmitted;
  private final NamespaceScope scope;

  /**
   * A decision made, for reporting.
   *
   * @param taskRun the TaskRun as requested (no uid yet)
   * @param pipelineRun its PipelineRun from the cache, or null
   * @param decision what was decided
   */
  public record Admitted(TaskRun taskRun, PipelineRun pipelineRun, AdmissionDecision decision) {}

  /** A webhook serving every namespace. */
  public AdmissionWebhook(RunCache cache, Consumer<Admitted> onAdmitted) {
    this(cache, onAdmitted, NamespaceScope.ALL);
  }

  /**
   * @param scope the namespaces whose TaskRuns get breakpoints; others are admitted unchanged
   */
  public AdmissionWebhook(RunCache cache, Consumer<Admitted> onAdmitted, NamespaceScope scope) {
    this.cache = cache;
    this.onAdmitted = onAdmitted;
    this.scope = scope;
  }

  /** The warning answered for a TaskRun in a namespace the engine does not serve. */
  static String outsideScope(String namespace) {
    return "pitstop: namespace "
        + namespace
        + " is not in the engine's ENGINE_NAMESPACES: TaskRun admitted unchanged, without"
        + " breakpoints";
  }

  /** True when {@code request.dryRun} is {@code true} (any other value: false). */
  static boolean dryRun(JsonObject request) {
    return Boolean.TRUE.equals(request.getValue("dryRun"));
  }

  /** {@code POST /admission/taskruns} and {@code GET /healthz} on a new router. */
  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    r.get("/healthz").handler(ctx -> ctx.response().end("{\"status\":\"ok\"}"));
    r.post(PATH).handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::review);
    return r;
  }

  private void review(RoutingContext ctx) {
    JsonObject review;
    try {
      review = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      review = null;
    }
    JsonObject request = review == null ? null : review.getJsonObject("request");
    if (request == null || request.getString("uid") == null) {
      ctx.response()
          .setStatusCode(400)
          .end("{\"error\":\"expected an admission.k8s.io/v1 AdmissionReview\"}");
      return;
    }
    String uid = request.getString("uid");
    JsonObject response = new JsonObject().put("uid", uid).put("allowed", true);
    TaskRun tr = null;
    try {
      JsonObject kind = request.getJsonObject("kind", new JsonObject());
      JsonObject object = request.getJsonObject("object");
      if ("CREATE".equals(request.getString("operation"))
          && "TaskRun".equals(kind.getString("kind"))
          && object != null) {
        tr = JSON.convertValue(object.getMap(), TaskRun.class);
        if (tr.getMetadata().getNamespace() == null) {
          tr.getMetadata().setNamespace(request.getString("namespace"));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("admission {}: cannot read the TaskRun, admitting unchanged: {}", uid, e.toString());
    }
    if (tr == null) {
      answer(ctx, response);
      return;
    }
    TaskRun taskRun = tr;
    String ns = tr.getMetadata().getNamespace();
    if (!scope.contains(ns)) {
      LOG.debug(
          "admission {}: TaskRun {}/{} outside ENGINE_NAMESPACES, admitted unchanged",
          uid,
          ns,
          tr.getMetadata().getName());
      String w = outsideScope(ns);
      answer(
          ctx,
          response.put(
              "warnings", new JsonArray().add(w.length() > 256 ? w.substring(0, 253) + "..." : w)));
      return;
    }
    boolean dryRun = dryRun(request);
    Map<String, String> labels = tr.getMetadata().getLabels();
    String prName = labels == null ? null : labels.get(TektonLabels.PIPELINE_RUN);
    PipelineRun cached = prName == null ? null : cache.pipelineRun(ns, prName);
    Future<PipelineRun> pr =
        prName == null || (cached != null && !staleAnnotation(tr, cached))
            ? Future.succeededFuture(cached)
            : ctx.vertx()
                .executeBlocking(() -> cache.fetchPipelineRun(ns, prName), false)
                .map(fetched -> fetched != null ? fetched : cached)
                .otherwise(cached);
    pr.onComplete(
        ar -> {
          try {
            decide(taskRun, ar.succeeded() ? ar.result() : null, response, dryRun);
          } catch (RuntimeException e) {
            LOG.warn("admission {}: could not decide, admitting unchanged: {}", uid, e.toString());
            response.remove("patch");
            response.remove("patchType");
          }
          answer(ctx, response);
        });
  }

  /**
   * True when the child TaskRun carries a {@code pitstop.dev/breakpoints} value other than the
   * cached PipelineRun's (or none while the cached one has one): Tekton copies the PipelineRun's
   * annotations onto the TaskRuns it creates (its value wins over the task's, {@code
   * pkg/reconciler/pipelinerun/pipelinerun.go} {@code getTaskrunAnnotations}), so a difference
   * means either a task-level declaration or an annotation changed on the running PipelineRun that
   * the informer has not seen yet. Only a read of the PipelineRun tells which; without it, a stale
   * cache would read the new copy as a TaskRun-level declaration and apply the old breakpoints.
   */
  static boolean staleAnnotation(TaskRun tr, PipelineRun cached) {
    Map<String, String> own = tr.getMetadata().getAnnotations();
    String mine = own == null ? null : own.get(BreakpointAnnotation.KEY);
    Map<String, String> prs = cached.getMetadata().getAnnotations();
    // Absent on the child but present in the cache: removed from the running PipelineRun.
    return !java.util.Objects.equals(mine, prs == null ? null : prs.get(BreakpointAnnotation.KEY));
  }

  private static void answer(RoutingContext ctx, JsonObject response) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(
            new JsonObject()
                .put("apiVersion", "admission.k8s.io/v1")
                .put("kind", "AdmissionReview")
                .put("response", response)
                .encode());
  }

  private void decide(TaskRun tr, PipelineRun pr, JsonObject response, boolean dryRun) {
    String ns = tr.getMetadata().getNamespace();
    Map<String, String> labels = tr.getMetadata().getLabels();
    String prName = labels == null ? null : labels.get(TektonLabels.PIPELINE_RUN);
    PipelineSpec spec = pr == null ? null : pipelineSpec(pr);
    AdmissionDecision d =
        AdmissionDecider.decide(
            new AdmissionInput(
                tr,
                pr,
                spec,
                task -> stepsOf(tr, spec, task),
                p -> prName == null ? null : cache.taskRunAnnotations(ns, prName, p),
                cache.alphaFields()));
    if (prName != null && pr == null) {
      List<Warning> w = new ArrayList<>(d.warnings());
      w.add(
          new Warning(
              false,
              BreakpointWarning.NO_PIPELINE_RUN,
              "PipelineRun "
                  + ns
                  + "/"
                  + prName
                  + " is not in the engine's cache: its breakpoints were not applied to "
                  + tr.getMetadata().getName()));
      d = new AdmissionDecision(d.patch(), d.heldBy(), w);
    }
    if (!d.patch().isEmpty()) {
      String patch =
          new JsonArray(
                  d.patch().stream()
                      .map(
                          p ->
                              new JsonObject()
                                  .put("op", p.op())
                                  .put("path", p.path())
                                  .put("value", p.value()))
                      .toList())
              .encode();
      response
          .put("patchType", "JSONPatch")
          .put("patch", Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
    }
    if (!d.warnings().isEmpty()) {
      // Kubernetes limits each warning to 256 characters.
      response.put(
          "warnings",
          new JsonArray(
              d.warnings().stream()
                  .map(w -> "pitstop: " + w.message())
                  .map(m -> m.length() > 256 ? m.substring(0, 253) + "..." : m)
                  .toList()));
    }
    LOG.debug(
        "admission of TaskRun {}/{}{}: {} patch op(s), held by {}, {} warning(s)",
        ns,
        tr.getMetadata().getName(),
        dryRun ? " (dry run: not reported)" : "",
        d.patch().size(),
        d.heldBy(),
        d.warnings().size());
    if (!dryRun && (d.heldBy() != null || !d.warnings().isEmpty())) {
      onAdmitted.accept(new Admitted(tr, pr, d));
    }
  }

  private PipelineSpec pipelineSpec(PipelineRun pr) {
    if (pr.getStatus() != null && pr.getStatus().pipelineSpec != null) {
      return pr.getStatus().pipelineSpec;
    }
    if (pr.getSpec() == null) {
      return null;
    }
    if (pr.getSpec().pipelineSpec != null) {
      return pr.getSpec().pipelineSpec;
    }
    return pr.getSpec().pipelineRef == null || pr.getSpec().pipelineRef.name == null
        ? null
        : cache.pipeline(pr.getMetadata().getNamespace(), pr.getSpec().pipelineRef.name);
  }

  private List<String> stepsOf(TaskRun tr, PipelineSpec spec, String task) {
    String ns = tr.getMetadata().getNamespace();
    if (task == null) {
      return tr.getSpec() != null
              && tr.getSpec().taskRef != null
              && tr.getSpec().taskRef.name != null
          ? names(cache.task(ns, tr.getSpec().taskRef.name))
          : null;
    }
    if (spec == null) {
      return null;
    }
    PipelineTask pt =
        Stream.concat(spec.tasks.stream(), spec.finallyTasks.stream())
            .filter(t -> task.equals(t.name))
            .findFirst()
            .orElse(null);
    if (pt == null) {
      return null;
    }
    if (pt.taskSpec != null) {
      return names(pt.taskSpec);
    }
    return pt.taskRef == null || pt.taskRef.name == null
        ? null
        : names(cache.task(ns, pt.taskRef.name));
  }

  private static List<String> names(TaskSpec spec) {
    if (spec == null || spec.steps == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < spec.steps.size(); i++) {
      String n = spec.steps.get(i).name;
      out.add(n == null || n.isBlank() ? "unnamed-" + i : n);
    }
    return out;
  }
}
