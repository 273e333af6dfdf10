package dev.pitstop.sandbox.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Pod from the mock's store by dispatching a {@code GET} to the CRUD dispatcher directly
 * (no HTTP). One store scan: cheap enough to do on an event loop.
 */
final class PodLookup {

  private final Dispatcher store;

  PodLookup(Dispatcher store) {
    this.store = store;
  }

  /** The Pod's containers, or empty if the Pod does not exist. */
  Optional<PodContainers> find(String namespace, String pod) {
    String path = "/api/v1/namespaces/" + encode(namespace) + "/pods/" + encode(pod);
    MockResponse response =
        store.dispatch(
            new RecordedRequest(
                "HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), new Buffer()));
    if (response.code() != 200 || response.getBody() == null) {
      return Optional.empty();
    }
    try {
      JsonNode json = Serialization.jsonMapper().readTree(response.getBody().getBytes());
      if (!"Pod".equals(json.path("kind").asText("Pod"))) {
        return Optional.empty();
      }
      JsonNode spec = json.path("spec");
      return Optional.of(
          new PodContainers(
              names(spec.path("containers")),
              names(spec.path("initContainers")),
              names(spec.path("ephemeralContainers"))));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable Pod " + namespace + "/" + pod, e);
    }
  }

  private static List<String> names(JsonNode containers) {
    List<String> names = new ArrayList<>();
    containers.forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A Pod's container names by kind, in spec order. */
  record PodContainers(List<String> containers, List<String> init, List<String> ephemeral) {

    boolean has(String name) {
      return containers.contains(name) || init.contains(name) || ephemeral.contains(name);
    }

    /**
     * Resolves the {@code container} query parameter as the API server does: given, it must be one
     * of the Pod's; absent, the Pod must have exactly one (regular) container.
     *
     * @return the container name, or an error message for a 400
     */
    Resolved resolve(String pod, Optional<String> requested) {
      if (requested.isPresent() && !requested.get().isEmpty()) {
        String c = requested.get();
        return has(c)
            ? new Resolved(c, null)
            : new Resolved(null, "container " + c + " is not valid for pod " + pod);
      }
      if (containers.size() == 1) {
        return new Resolved(containers.get(0), null);
      }
      return new Resolved(
          null,
          "a container name must be specified for pod "
              + pod
              + ", choose one of: "
              + containers.toString().replace(",", ""));
    }
  }

  /** A container name or, if it could not be resolved, why. */
  record Resolved(String container, String error) {}
}
