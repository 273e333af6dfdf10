package dev.pitstop.bench.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The physical limit of the notifier's last leg: one CloudEvent (binary mode, a JSON body of the
 * given size) POSTed over loopback HTTP/1.1 to the same webhook receiver, one at a time on a kept
 * alive connection; latency from the send to the receiver's listener holding the event (as for
 * Pitstop's deliveries). Ids start with {@link #ID_PREFIX} so the bench's ledger can leave them
 * out.
 */
public final class RawHttp {
  /** The id prefix of the raw POSTs' events. */
  public static final String ID_PREFIX = "pitstop-bench-raw-";

  private final Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();

  /** The receiver's listener calls this for every event whose id starts with {@link #ID_PREFIX}. */
  public void arrived(String id, long nanoTime) {
    arrivals.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(nanoTime);
  }

  /**
   * POSTs {@code warmup + samples} events one after the other and returns the latency of the last
   * {@code samples}.
   *
   * @throws IllegalStateException when the receiver refuses one
   */
  public Latency post(String url, int bodyBytes, int warmup, int samples) throws Exception {
    return post(url, bodyBytes, warmup, samples, Duration.ZERO, "", () -> true);
  }

  /**
   * As {@link #post(String, int, int, int)}, one POST every {@code interval} (or right after the
   * last when it took longer), while {@code more} answers true; ids carry {@code idPart} after
   * {@link #ID_PREFIX} so samplings at different times never share an id.
   *
   * @throws IllegalStateException when the receiver refuses one
   */
  public Latency post(
      String url,
      int bodyBytes,
      int warmup,
      int samples,
      Duration interval,
      String idPart,
      BooleanSupplier more)
      throws Exception {
    HttpClient http = client();
    String body = body(bodyBytes);
    Latency latency = new Latency();
    long next = System.nanoTime();
    for (int i = 0; i < warmup + samples && more.getAsBoolean(); i++) {
      LockSupport.parkNanos(next - System.nanoTime());
      next = Math.max(next + interval.toNanos(), System.nanoTime());
      String id = ID_PREFIX + idPart + i;
      CompletableFuture<Long> arrival = expect(id);
      long sent = System.nanoTime();
      send(http, url, id, body);
      long at = arrival.get(10, TimeUnit.SECONDS);
      if (i >= warmup) latency.recordNanos(at - sent);
    }
    return latency;
  }

  /** A client as the raw POSTs use: HTTP/1.1, kept alive. */
  static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * The moment (nanoTime) the receiver's listener holds the event {@code id}; call before sending
   * it.
   */
  CompletableFuture<Long> expect(String id) {
    return arrivals.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  /**
   * POSTs one CloudEvent (binary mode) with this id and JSON body, waiting for the answer.
   *
   * @throws IllegalStateException when the receiver answers other than 2xx
   */
  static void send(HttpClient http, String url, String id, String body)
      throws java.io.IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .header("ce-specversion", "1.0")
            .header("ce-id", id)
            .header("ce-source", "/pitstop/bench")
            .header("ce-type", "dev.pitstop.bench.raw.v1")
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "raw POST to " + url + " answered " + res.statusCode() + ": " + res.body());
    }
  }

  /** A JSON object of exactly {@code bytes} bytes (at least 12). */
  static String body(int bytes) {
    int pad = Math.max(0, bytes - "{\"pad\":\"\"}".length());
    char[] c = new char[pad];
    Arrays.fill(c, 'x');
    return "{\"pad\":\"" + new String(c) + "\"}";
  }
}
