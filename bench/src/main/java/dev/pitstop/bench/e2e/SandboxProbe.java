package dev.pitstop.bench.e2e;

import dev.pitstop.engine.actuation.PodExec;
import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The sandbox's own costs, measured with fabric8 clients as Pitstop's services use them: an exec
 * into a probe Pod the way the engine execs ({@link PodExec}: the exec request alone, no Pod reads
 * before it; the last leg of a release: from the call to the exec arriving at the container), and
 * the ceiling of fabric8's mock API server (which scans its whole store per request,
 * ../shared/docs/sandbox-notes.md): latency and requests/s of a GET and a JSON merge PATCH of one
 * ConfigMap while the run's objects are stored.
 */
public final class SandboxProbe {
  /** The probe Pod's and ConfigMap's name. */
  public static final String NAME = "pitstop-bench-probe";

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, CompletableFuture<Instant>> execArrivals = new ConcurrentHashMap<>();
  private final AtomicInteger execSeq = new AtomicInteger();
  private final PodExec exec;

  /**
   * Creates the probe Pod and ConfigMap and routes the probe Pod's execs to this probe.
   *
   * @param vertx where the raw exec's worker pool is made (not the stack's own Vert.x: the engine's
   *     exec pool is shared by name on one Vert.x)
   */
  public SandboxProbe(Vertx vertx, KubernetesClient client, String namespace, ExecArrivals execs) {
    this.client = client;
    this.namespace = namespace;
    this.exec = new PodExec(vertx, client, Duration.ofSeconds(20));
    client
        .pods()
        .inNamespace(namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("probe")
                .withImage("busybox:1.36.1")
                .endContainer()
                .endSpec()
                .build())
        .create();
    client
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(namespace)
                .endMetadata()
                .addToData("n", "0")
                .build())
        .create();
    execs.probe(
        NAME,
        (command, at) ->
            execArrivals
                .computeIfAbsent(command.get(command.size() - 1), k -> new CompletableFuture<>())
                .complete(at));
  }

  /** From the exec call to the exec arriving at the probe container, one at a time. */
  public Latency exec(int warmup, int samples) throws Exception {
    return exec(warmup, samples, Duration.ZERO, () -> true);
  }

  /**
   * As {@link #exec(int, int)}, one exec every {@code interval} (or right after the last when it
   * took longer) while {@code more} answers true.
   */
  public Latency exec(int warmup, int samples, Duration interval, BooleanSupplier more)
      throws Exception {
    Latency latency = new Latency();
    long next = System.nanoTime();
    for (int i = 0; i < warmup + samples && more.getAsBoolean(); i++) {
      LockSupport.parkNanos(next - System.nanoTime());
      next = Math.max(next + interval.toNanos(), System.nanoTime());
      String seq = Integer.toString(execSeq.incrementAndGet());
      CompletableFuture<Instant> arrival =
          execArrivals.computeIfAbsent(seq, k -> new CompletableFuture<>());
      Instant sent = Instant.now();
      ExecOutcome o =
          exec.apply(
                  new Action.Exec(
                      new BreakpointKey(namespace, NAME, "probe"),
                      "probe-" + seq,
                      namespace,
                      NAME,
                      "probe",
                      List.of("true", seq)))
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      if (o.exitCode() != 0) {
        throw new IllegalStateException("raw exec into the probe Pod failed: " + o.stderr());
      }
      Instant at = arrival.get(10, TimeUnit.SECONDS);
      if (i >= warmup) latency.record(Duration.between(sent, at));
    }
    return latency;
  }

  /**
   * A GET of the probe ConfigMap every {@code interval} (or right after the last when it took
   * longer) while {@code more} answers true: the mock API server's latency as any client sees it at
   * that moment.
   */
  public Latency get(int warmup, int samples, Duration interval, BooleanSupplier more) {
    Latency latency = new Latency();
    long next = System.nanoTime();
    for (int i = 0; i < warmup + samples && more.getAsBoolean(); i++) {
      LockSupport.parkNanos(next - System.nanoTime());
      next = Math.max(next + interval.toNanos(), System.nanoTime());
      long t0 = System.nanoTime();
      request(false, i);
      if (i >= warmup) latency.recordNanos(System.nanoTime() - t0);
    }
    return latency;
  }

  /** How many objects the sandbox stores now (the kinds the run created, and ConfigMaps). */
  public long storedObjects() {
    return client.pods().inAnyNamespace().list().getItems().size()
        + client.configMaps().inAnyNamespace().list().getItems().size()
        + client
            .genericKubernetesResources("tekton.dev/v1", "TaskRun")
            .inAnyNamespace()
            .list()
            .getItems()
            .size()
        + client
            .genericKubernetesResources("tekton.dev/v1", "PipelineRun")
            .inAnyNamespace()
            .list()
            .getItems()
            .size();
  }

  /**
   * One request kind against the sandbox: its latency one at a time, then requests/s with {@code
   * threads} clients in parallel for {@code duration}.
   */
  public Ceiling ceiling(boolean patch, int samples, int threads, Duration duration)
      throws Exception {
    Latency latency = new Latency();
    AtomicLong n = new AtomicLong();
    for (int i = 0; i < samples; i++) {
      long t0 = System.nanoTime();
      request(patch, n.incrementAndGet());
      latency.recordNanos(System.nanoTime() - t0);
    }
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> workers =
        java.util.stream.IntStream.range(0, threads)
            .mapToObj(
                i ->
                    new Thread(
                        () -> {
                          while (System.nanoTime() < end) {
                            request(patch, n.incrementAndGet());
                            done.incrementAndGet();
                          }
                        },
                        "pitstop-bench-ceiling-" + i))
            .toList();
    long t0 = System.nanoTime();
    workers.forEach(Thread::start);
    for (Thread t : workers) t.join();
    double perSecond = done.get() / ((System.nanoTime() - t0) / 1e9);
    return new Ceiling(patch ? "PATCH" : "GET", latency.summary(), perSecond, threads);
  }

  private void request(boolean patch, long i) {
    var cm = client.configMaps().inNamespace(namespace).withName(NAME);
    if (patch) {
      cm.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"n\":\"" + i + "\"}}");
    } else {
      cm.get();
    }
  }

  /**
   * @param request {@code GET} or {@code PATCH} of one ConfigMap
   * @param latency one request at a time, ms
   * @param perSecond requests/s with {@code threads} clients
   */
  public record Ceiling(String request, Latency.Summary latency, double perSecond, int threads) {}
}
