package dev.pitstop.sandbox.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code PATCH} and {@code PUT} of {@code pods/{p}/ephemeralcontainers}: only {@code
 * spec.ephemeralContainers} of the stored Pod changes. A JSON Patch ({@code
 * application/json-patch+json}) is applied to the Pod; a merge or strategic-merge patch, or a PUT
 * of the whole Pod, has its {@code spec.ephemeralContainers} merged by {@code name}. As the API
 * server: existing ephemeral containers may not be removed or changed (422 Invalid), a name must be
 * new among all containers. Newly added containers are handed to the {@link
 * EphemeralContainerHandler} on a worker. Runs on the event loop: store look-ups only.
 */
final class EphemeralContainers {
  private static final Logger LOG = LoggerFactory.getLogger(EphemeralContainers.class);

  private final Dispatcher store;
  private final Supplier<EphemeralContainerHandler> handler;
  private final WorkerExecutor workers;

  EphemeralContainers(
      Dispatcher store, Supplier<EphemeralContainerHandler> handler, WorkerExecutor workers) {
    this.store = store;
    this.handler = handler;
    this.workers = workers;
  }

  MockResponse handle(RecordedRequest request, PodRequest pod) {
    if (request.method() != HttpMethod.PATCH && request.method() != HttpMethod.PUT) {
      if (request.method() == HttpMethod.GET) {
        return get(pod);
      }
      return SandboxDispatcher.status(
          KubeStatus.badRequest(
              "the sandbox serves GET, PATCH and PUT of pods/ephemeralcontainers"));
    }
    String path = "/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.pod();
    MockResponse current =
        store.dispatch(
            new RecordedRequest(
                "HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), new Buffer()));
    if (current.code() != 200) {
      return SandboxDispatcher.status(KubeStatus.notFound("pods", pod.pod()));
    }
    try {
      ObjectNode stored =
          (ObjectNode) Serialization.jsonMapper().readTree(current.getBody().getBytes());
      JsonNode body = Serialization.jsonMapper().readTree(request.getBody().getBytes());
      String type = request.getHeader("Content-Type");
      List<JsonNode> wanted;
      if (request.method() == HttpMethod.PATCH
          && type != null
          && type.startsWith("application/json-patch+json")) {
        JsonNode patched = JsonPatch.apply(body, stored);
        wanted = list(patched.path("spec").path("ephemeralContainers"));
      } else {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        list(stored.path("spec").path("ephemeralContainers"))
            .forEach(c -> byName.put(c.path("name").asText(), c));
        list(body.path("spec").path("ephemeralContainers"))
            .forEach(c -> byName.put(c.path("name").asText(), c));
        wanted = new ArrayList<>(byName.values());
      }
      List<JsonNode> before = list(stored.path("spec").path("ephemeralContainers"));
      List<JsonNode> added = new ArrayList<>();
      for (JsonNode old : before) {
        JsonNode now =
            wanted.stream()
                .filter(w -> w.path("name").equals(old.path("name")))
                .findFirst()
                .orElse(null);
        if (now == null || !now.equals(old)) {
          return invalid(
              pod.pod(),
              "existing ephemeral containers \""
                  + old.path("name").asText()
                  + "\" may not be removed or changed");
        }
      }
      List<String> names = new ArrayList<>();
      for (String key : List.of("containers", "initContainers")) {
        list(stored.path("spec").path(key)).forEach(c -> names.add(c.path("name").asText()));
      }
      before.forEach(c -> names.add(c.path("name").asText()));
      for (JsonNode w : wanted) {
        if (before.stream().anyMatch(b -> b.path("name").equals(w.path("name")))) {
          continue;
        }
        String name = w.path("name").asText("");
        if (name.isEmpty() || names.contains(name)) {
          return invalid(
              pod.pod(), "spec.ephemeralContainers: Duplicate or empty name: \"" + name + "\"");
        }
        names.add(name);
        added.add(w);
      }
      ArrayNode arr = Serialization.jsonMapper().createArrayNode();
      wanted.forEach(arr::add);
      ((ObjectNode) stored.with("spec")).set("ephemeralContainers", arr);
      MockResponse put =
          store.dispatch(
              new RecordedRequest(
                  "HTTP/1.1",
                  HttpMethod.PUT,
                  path,
                  Headers.builder().add("Content-Type", "application/json").build(),
                  new Buffer(Serialization.asJson(stored).getBytes())));
      if (put.code() >= 300) {
        return put;
      }
      EphemeralContainerHandler h = handler.get();
      for (JsonNode a : added) {
        EphemeralContainer c = Serialization.jsonMapper().convertValue(a, EphemeralContainer.class);
        workers
            .executeBlocking(
                () -> {
                  h.added(pod.namespace(), pod.pod(), c);
                  return null;
                },
                true)
            .onFailure(
                e ->
                    LOG.warn(
                        "Ephemeral container handler failed for {}/{} {}",
                        pod.namespace(),
                        pod.pod(),
                        c.getName(),
                        e));
      }
      return put;
    } catch (Exception e) {
      return SandboxDispatcher.status(
          KubeStatus.badRequest("cannot apply the ephemeral containers change: " + e.getMessage()));
    }
  }

  private MockResponse get(PodRequest pod) {
    return store.dispatch(
        new RecordedRequest(
            "HTTP/1.1",
            HttpMethod.GET,
            "/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.pod(),
            Headers.builder().build(),
            new Buffer()));
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(out::add);
    }
    return out;
  }

  private static MockResponse invalid(String pod, String message) {
    return SandboxDispatcher.status(
        new io.fabric8.kubernetes.api.model.StatusBuilder()
            .withApiVersion("v1")
            .withKind("Status")
            .withNewMetadata()
            .endMetadata()
            .withStatus("Failure")
            .withReason("Invalid")
            .withMessage("Pod \"" + pod + "\" is invalid: " + message)
            .withCode(422)
            .build());
  }
}
