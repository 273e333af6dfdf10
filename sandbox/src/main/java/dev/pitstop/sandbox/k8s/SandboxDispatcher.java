package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's dispatcher: answers TokenReviews and SubjectAccessReviews from the {@link
 * AccessTable} ({@link Reviews}), {@code pods/exec} (websocket), refuses Pod subresources the
 * sandbox does not simulate, notices Pod deletions (to end log streams), and hands everything else
 * to fabric8's CRUD dispatcher. Runs on an event loop: only store look-ups happen here, the exec
 * handler runs on a worker.
 */
final class SandboxDispatcher extends Dispatcher implements CustomResourceAware {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxDispatcher.class);

  private static final Pattern PODS =
      Pattern.compile("^/api/v1/namespaces/([^/?]+)/pods(?:/([^/?]+))?/?(?:\\?.*)?$");
  private static final Set<String> UNSUPPORTED =
      Set.of("attach", "portforward", "proxy", "eviction");

  private final KubernetesMixedDispatcher crud;
  private final PodLookup pods;
  private final PodLogs podLogs;
  private final Supplier<ExecHandler> execHandler;
  private final WorkerExecutor workers;
  private final Reviews reviews;
  private final EphemeralContainers ephemeral;

  SandboxDispatcher(
      KubernetesMixedDispatcher crud,
      PodLogs podLogs,
      Supplier<ExecHandler> execHandler,
      WorkerExecutor workers,
      Supplier<AccessTable> access,
      Supplier<EphemeralContainerHandler> ephemeralHandler) {
    this.crud = crud;
    this.reviews = new Reviews(access);
    this.ephemeral = new EphemeralContainers(crud, ephemeralHandler, workers);
    this.pods = new PodLookup(crud);
    this.podLogs = podLogs;
    this.execHandler = execHandler;
    this.workers = workers;
  }

  /** The review endpoints (and their request counts). */
  Reviews reviews() {
    return reviews;
  }

  PodLookup pods() {
    return pods;
  }

  /** fabric8's CRUD dispatcher (the store). */
  KubernetesMixedDispatcher store() {
    return crud;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      return route(request);
    } catch (RuntimeException e) {
      // fabric8's mock server sends no response at all when its dispatcher throws (the exception
      // ends in Vert.x's unhandled-exception log), so the client waits for its request timeout and
      // reports only "An error has occurred.". Answer as kube-apiserver does when a handler fails.
      LOG.error("Sandbox API failed on {} {}", request.method(), request.getPath(), e);
      return status(KubeStatus.internalError(String.valueOf(e)));
    }
  }

  private MockResponse route(RecordedRequest request) {
    Optional<MockResponse> review = reviews.answer(request);
    if (review.isPresent()) {
      return review.get();
    }
    Optional<PodRequest> sub = PodRequest.parse(request.getPath());
    if (sub.isPresent() && sub.get().subresource().equals("exec")) {
      return exec(request, sub.get());
    }
    if (sub.isPresent() && sub.get().subresource().equals("ephemeralcontainers")) {
      return ephemeral.handle(request, sub.get());
    }
    if (sub.isPresent() && UNSUPPORTED.contains(sub.get().subresource())) {
      return status(
          KubeStatus.notFound("pods/" + sub.get().subresource(), sub.get().pod()).toBuilder()
              .withMessage("the sandbox does not simulate pods/" + sub.get().subresource())
              .build());
    }
    MockResponse response = crud.dispatch(request);
    if (response.getWebSocketListener() != null) {
      // A watch: its close must not wait on the event loop (OffLoopCloseListener says why).
      response.withWebSocketUpgrade(
          new OffLoopCloseListener(response.getWebSocketListener(), workers));
    }
    if (request.method() == HttpMethod.DELETE && response.code() < 300) {
      afterPodDelete(request.getPath());
    }
    return response;
  }

  private MockResponse exec(RecordedRequest request, PodRequest exec) {
    Optional<PodLookup.PodContainers> pod = pods.find(exec.namespace(), exec.pod());
    if (pod.isEmpty()) {
      return status(KubeStatus.notFound("pods", exec.pod()));
    }
    PodLookup.Resolved resolved = pod.get().resolve(exec.pod(), exec.param("container"));
    if (resolved.error() != null) {
      return status(KubeStatus.badRequest(resolved.error()));
    }
    List<String> command = exec.params("command");
    if (command.isEmpty()) {
      return status(KubeStatus.badRequest("you must specify at least 1 command"));
    }
    String upgrade = request.getHeader("Upgrade");
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      return status(KubeStatus.badRequest("Upgrade request required"));
    }
    return new MockResponse()
        .withWebSocketUpgrade(
            new ExecSession(
                exec.namespace(), exec.pod(), resolved.container(), command, execHandler, workers));
  }

  /** Ends the log streams of Pods that a DELETE removed (one Pod, or a collection). */
  private void afterPodDelete(String path) {
    Matcher m = PODS.matcher(path);
    if (!m.matches()) {
      return;
    }
    String namespace = m.group(1);
    if (m.group(2) != null) {
      podLogs.deletePod(namespace, m.group(2));
      return;
    }
    for (String pod : podLogs.pods(namespace)) {
      if (pods.find(namespace, pod).isEmpty()) {
        podLogs.deletePod(namespace, pod);
      }
    }
  }

  static MockResponse status(Status status) {
    return new MockResponse()
        .setResponseCode(status.getCode())
        .setHeader("Content-Type", "application/json")
        .setBody(KubeStatus.json(status));
  }

  @Override
  public void expectCustomResource(CustomResourceDefinitionContext rdc) {
    crud.expectCustomResource(rdc);
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  @Override
  public void releaseResources() {
    crud.releaseResources();
  }
}
