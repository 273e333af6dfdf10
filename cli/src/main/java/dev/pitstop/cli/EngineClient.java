package dev.pitstop.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small blocking client of the breakpoint engine's HTTP API ({@code breakpoint-engine/API.md})
 * for the CLI: bearer token, JSON answers, errors as {@link EngineException} carrying the status
 * and the engine's {@code error} sentence.
 */
final class EngineClient {
  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  EngineClient(String base, String token) {
    this.base = URI.create(base.endsWith("/") ? base : base + "/");
    this.token = token;
  }

  /** A non-2xx answer, or no answer. */
  static final class EngineException extends Exception {
    final int status;

    EngineException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  JsonObject get(String path) throws EngineException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  JsonObject post(String path) throws EngineException, InterruptedException {
    return send(
        HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private JsonObject send(HttpRequest.Builder b) throws EngineException, InterruptedException {
    HttpResponse<String> r;
    try {
      r =
          http.send(
              b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new EngineException(0, "the engine at " + base + " did not answer: " + e.getMessage());
    }
    JsonObject body;
    try {
      body = new JsonObject(r.body());
    } catch (RuntimeException e) {
      body = new JsonObject();
    }
    if (r.statusCode() / 100 != 2) {
      throw new EngineException(
          r.statusCode(), "HTTP " + r.statusCode() + ": " + body.getString("error", r.body()));
    }
    return body;
  }
}
