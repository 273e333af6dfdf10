package dev.pitstop.engine.actuation;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.hold.PatchOutcome;
import dev.pitstop.tekton.model.TaskRun;
import dev.pitstop.tekton.model.TaskRunSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Carries out an {@link Action.ReleaseHold}: a JSON Patch (RFC 6902) on the TaskRun through
 * fabric8, on the worker pool {@code pitstop-engine-patch} (2 threads), never on an event loop. The
 * patch starts with {@code test /spec/status == TaskRunPending}, so it applies only to a TaskRun
 * still held: a repeat cannot start or cancel it twice. Continue: {@code remove /spec/status}.
 * Fail-continue: {@code replace /spec/status TaskRunCancelled} and {@code add /spec/statusMessage}
 * (only {@code status} and {@code statusMessage} may change on a TaskRun that is not done,
 * tekton-facts.md §1). Needs RBAC {@code patch tekton.dev/taskruns}. The future never fails.
 */
public final class HoldPatcher
    implements Function<Action.ReleaseHold, Future<PatchOutcome>>, AutoCloseable {
  private final KubernetesClient client;
  private final WorkerExecutor workers;

  public HoldPatcher(Vertx vertx, KubernetesClient client) {
    this.client = client;
    this.workers = vertx.createSharedWorkerExecutor("pitstop-engine-patch", 2);
  }

  /** The JSON Patch of a release, as text. */
  public static String patchOf(Action.ReleaseHold r) {
    JsonArray ops =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("op", "test")
                    .put("path", "/spec/status")
                    .put("value", TaskRunSpec.STATUS_PENDING));
    if (r.cancel()) {
      ops.add(
              new JsonObject()
                  .put("op", "replace")
                  .put("path", "/spec/status")
                  .put("value", TaskRunSpec.STATUS_CANCELLED))
          .add(
              new JsonObject()
                  .put("op", "add")
                  .put("path", "/spec/statusMessage")
                  .put("value", r.statusMessage()));
    } else {
      ops.add(new JsonObject().put("op", "remove").put("path", "/spec/status"));
    }
    return ops.encode();
  }

  @Override
  public Future<PatchOutcome> apply(Action.ReleaseHold r) {
    return workers.executeBlocking(
        () -> {
          try {
            client
                .resources(TaskRun.class)
                .inNamespace(r.namespace())
                .withName(r.taskRun())
                .patch(PatchContext.of(PatchType.JSON), patchOf(r));
            return new PatchOutcome(r.namespace(), r.taskRun(), r.commandId(), null);
          } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            return new PatchOutcome(
                r.namespace(),
                r.taskRun(),
                r.commandId(),
                m.length() > 1_000 ? m.substring(0, 1_000) : m);
          }
        },
        false);
  }

  @Override
  public void close() {
    workers.close();
  }
}
