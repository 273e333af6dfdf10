package dev.pitstop.cli.demo;

import dev.pitstop.engine.api.ApiPaths;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.HoldHeld;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Releases paused steps and held tasks through the engine's HTTP API after a delay, as a person
 * pressing Continue would: {@code POST /v1/breakpoints/{namespace}/{taskRun}/{step}/{action}} or
 * {@code POST /v1/holds/{namespace}/{taskRun}/{action}} with the demo's bearer token. Counts
 * refusals so the demo can fail on them.
 */
public final class AutoContinue implements AutoCloseable {
  private final String engineUrl;
  private final String token;
  private final Duration after;
  private final Action action;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "pitstop-auto-continue");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger failures = new AtomicInteger();
  private volatile String lastFailure;

  /**
   * @param after the delay, or null to never release
   */
  public AutoContinue(String engineUrl, String token, Duration after, Action action) {
    this.engineUrl = engineUrl;
    this.token = token;
    this.after = after;
    this.action = action;
  }

  /** Schedules the release of a paused step (no-op when auto-continue is off). */
  public void schedule(BreakpointPaused p) {
    if (after == null) {
      return;
    }
    timer.schedule(() -> release(p), after.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Schedules the release of a held task (no-op when auto-continue is off). */
  public void schedule(HoldHeld h) {
    if (after == null) {
      return;
    }
    String path = ApiPaths.hold(h.run().namespace(), h.run().name(), action);
    timer.schedule(() -> post(path), after.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void release(BreakpointPaused p) {
    post(ApiPaths.breakpoint(p.run().namespace(), p.run().name(), p.step().name(), action));
  }

  private void post(String path) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(engineUrl + path))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
      System.out.println(
          "                  auto-"
              + action.json()
              + " after "
              + EventLine.seconds(after)
              + ": POST "
              + path
              + " → "
              + res.statusCode());
      if (res.statusCode() != 200 && res.statusCode() != 202) { // done, or accepted
        failures.incrementAndGet();
        lastFailure = res.statusCode() + " " + res.body();
      }
    } catch (Exception e) {
      failures.incrementAndGet();
      lastFailure = e.toString();
    }
  }

  public int failures() {
    return failures.get();
  }

  public String lastFailure() {
    return lastFailure;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
