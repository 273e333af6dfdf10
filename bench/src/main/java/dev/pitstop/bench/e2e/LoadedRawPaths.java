package dev.pitstop.bench.e2e;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The raw paths sampled <em>while</em> part 1's runs are live, on the same broker, receiver and
 * sandbox, each on a thread of its own at a low rate so the sampling adds little load: a Kafka hop
 * every 20 ms ({@link RawKafka}), a POST to the webhook receiver every 50 ms ({@link RawHttp}), the
 * pause's whole raw path as one chain (Kafka, Kafka, POST) every 50 ms ({@link RawChain}), an exec
 * into the probe Pod every second and a GET of the probe ConfigMap every 500 ms (few requests: the
 * mock API server is the run's bottleneck, its sampling must not add much to its load) ({@link
 * SandboxProbe}). Records and bodies are {@link #BYTES} bytes (the observations' median is about 1
 * KB; the run's own median is only known once it has ended). The raw paths measured after the runs,
 * on an idle stack, are the physical limit of the machine; these are the limit of the machine as
 * loaded by the run, which is what Pitstop's legs share their CPU with.
 */
public final class LoadedRawPaths implements AutoCloseable {
  /** The size of the sampled records and POST bodies, bytes. */
  public static final int BYTES = 1_000;

  private static final int WARMUP = 3;
  private static final int MAX_SAMPLES = 100_000;

  private volatile boolean sampling = true;
  private final CompletableFuture<Latency> kafka;
  private final CompletableFuture<Latency> post;
  private final CompletableFuture<Latency> chain;
  private final CompletableFuture<Latency> exec;
  private final CompletableFuture<Latency> get;

  /**
   * Starts sampling at once.
   *
   * @param topic a new topic for the Kafka hop (created here, one partition; the chain's two are
   *     named after it)
   * @param receiverUrl where to POST, or null to sample no POST and no chain (their summaries are
   *     then empty: a receiver scripted to refuse the next request must not have that refusal taken
   *     by a sample)
   */
  public LoadedRawPaths(
      String bootstrap, String topic, RawHttp http, String receiverUrl, SandboxProbe probe) {
    kafka =
        sample(
            "kafka",
            () ->
                RawKafka.latency(
                    bootstrap,
                    topic,
                    BYTES,
                    WARMUP,
                    MAX_SAMPLES,
                    Duration.ofMillis(20),
                    () -> sampling));
    post =
        receiverUrl == null
            ? CompletableFuture.completedFuture(new Latency())
            : sample(
                "post",
                () ->
                    http.post(
                        receiverUrl,
                        BYTES,
                        WARMUP,
                        MAX_SAMPLES,
                        Duration.ofMillis(50),
                        "loaded-",
                        () -> sampling));
    chain =
        receiverUrl == null
            ? CompletableFuture.completedFuture(new Latency())
            : sample(
                "chain",
                () ->
                    RawChain.latency(
                        bootstrap,
                        topic + "-chain",
                        http,
                        receiverUrl,
                        BYTES,
                        WARMUP,
                        MAX_SAMPLES,
                        Duration.ofMillis(50),
                        "loaded-chain-",
                        () -> sampling));
    exec =
        sample(
            "exec", () -> probe.exec(WARMUP, MAX_SAMPLES, Duration.ofSeconds(1), () -> sampling));
    get =
        sample("get", () -> probe.get(WARMUP, MAX_SAMPLES, Duration.ofMillis(500), () -> sampling));
  }

  /**
   * What was sampled, each path's percentiles.
   *
   * @param chain the pause's raw path measured as one chain ({@link RawChain})
   */
  public record Summaries(
      Latency.Summary kafka,
      Latency.Summary post,
      Latency.Summary chain,
      Latency.Summary exec,
      Latency.Summary get) {}

  /**
   * Stops sampling and waits for the samples in flight.
   *
   * @throws IllegalStateException when a sampler failed (its cause attached)
   */
  public Summaries stop() throws InterruptedException {
    sampling = false;
    return new Summaries(result(kafka), result(post), result(chain), result(exec), result(get));
  }

  @Override
  public void close() {
    sampling = false;
  }

  private static Latency.Summary result(CompletableFuture<Latency> f) throws InterruptedException {
    try {
      return f.get(2, TimeUnit.MINUTES).summary();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a raw path sampled under load failed: " + e.getCause(), e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("a raw path sampled under load did not stop within 2 min");
    }
  }

  private interface Sampler {
    Latency run() throws Exception;
  }

  private static CompletableFuture<Latency> sample(String name, Sampler s) {
    CompletableFuture<Latency> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                f.complete(s.run());
              } catch (Throwable e) {
                f.completeExceptionally(e);
              }
            },
            "pitstop-bench-loaded-" + name);
    t.setDaemon(true);
    t.start();
    return f;
  }
}
