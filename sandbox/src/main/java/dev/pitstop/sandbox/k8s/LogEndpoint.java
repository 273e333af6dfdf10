package dev.pitstop.sandbox.k8s;

import io.fabric8.kubernetes.api.model.Status;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /api/v1/namespaces/{ns}/pods/{pod}/log} on the front server from {@link
 * PodLogs}, streaming (chunked) when {@code follow=true}. Runs on the front server's event loop;
 * appends from other threads hop onto the request's context.
 */
final class LogEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(LogEndpoint.class);

  private final PodLogs podLogs;
  private final PodLookup pods;
  private final Clock clock;

  LogEndpoint(PodLogs podLogs, PodLookup pods, Clock clock) {
    this.podLogs = podLogs;
    this.pods = pods;
    this.clock = clock;
  }

  /** The parsed request if this endpoint serves it. */
  Optional<PodRequest> matches(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      return Optional.empty();
    }
    return PodRequest.parse(request.uri()).filter(r -> r.subresource().equals("log"));
  }

  void handle(HttpServerRequest http, PodRequest request) {
    HttpServerResponse response = http.response();
    Optional<PodLookup.PodContainers> pod = pods.find(request.namespace(), request.pod());
    if (pod.isEmpty()) {
      sendStatus(response, KubeStatus.notFound("pods", request.pod()));
      return;
    }
    PodLookup.Resolved resolved = pod.get().resolve(request.pod(), request.param("container"));
    if (resolved.error() != null) {
      sendStatus(response, KubeStatus.badRequest(resolved.error()));
      return;
    }
    LogOptions options;
    try {
      options = LogOptions.from(request, clock.instant());
    } catch (IllegalArgumentException e) {
      sendStatus(response, KubeStatus.badRequest(e.getMessage()));
      return;
    }
    String container = resolved.container();
    response.setStatusCode(200).putHeader("Content-Type", "text/plain").setChunked(true);
    if (!options.follow()) {
      StringBuilder body = new StringBuilder();
      options
          .select(podLogs.lines(request.namespace(), request.pod(), container))
          .forEach(l -> body.append(options.render(l)));
      response.end(body.toString());
      return;
    }
    follow(http, request, container, options);
  }

  private void follow(
      HttpServerRequest http, PodRequest request, String container, LogOptions options) {
    HttpServerResponse response = http.response();
    Context context = Vertx.currentContext();
    PodLogs.Follower follower =
        new PodLogs.Follower() {
          @Override
          public void line(LogLine line) {
            if (options.accepts(line)) {
              context.runOnContext(v -> write(response, options.render(line)));
            }
          }

          @Override
          public void end() {
            context.runOnContext(v -> finish(response));
          }
        };
    PodLogs.Snapshot snapshot =
        podLogs.follow(request.namespace(), request.pod(), container, follower);
    response.closeHandler(
        v -> podLogs.unfollow(request.namespace(), request.pod(), container, follower));
    LOG.debug(
        "Following the log of {}/{} container {}", request.namespace(), request.pod(), container);
    StringBuilder existing = new StringBuilder();
    options.select(snapshot.lines()).forEach(l -> existing.append(options.render(l)));
    if (existing.length() > 0) {
      response.write(existing.toString());
    } else {
      // Send the headers now, as the kubelet does, so the client sees the stream open.
      response.writeHead();
    }
    if (snapshot.closed()) {
      finish(response);
    }
  }

  private static void write(HttpServerResponse response, String chunk) {
    if (!response.ended() && !response.closed()) {
      response.write(chunk);
    }
  }

  private static void finish(HttpServerResponse response) {
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }

  private static void sendStatus(HttpServerResponse response, Status status) {
    response
        .setStatusCode(status.getCode())
        .putHeader("Content-Type", "application/json")
        .end(KubeStatus.json(status));
  }
}
