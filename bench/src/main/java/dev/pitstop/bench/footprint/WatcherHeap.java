package dev.pitstop.bench.footprint;

import dev.pitstop.events.EventType;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Measures the watcher's live heap per live Tekton Pod: the watcher runs alone in a child JVM
 * ({@link WatcherProbe}, same classpath) against a sandbox API server and Kafka broker in this JVM,
 * so the sandbox's own store of the same Pods is not counted.
 *
 * <p>Method: start the watcher; create {@code warm} running TaskRuns with their Pods ({@link
 * RealisticTekton}) so that one-time costs (Jackson's deserializers, Kafka's buffers, fabric8's
 * watch connections) are in the baseline; wait until the watcher has published {@code pod.ready}
 * and {@code taskrun.started} for each; take the class histogram of live objects after a full GC
 * ({@code GC.class_histogram}); create {@code m} more, wait the same way, take it again. Heap per
 * Pod = (total after − total before) / m; the classes that grew most say what dominates. Each live
 * Pod comes with its live TaskRun, as on a cluster, so the figure covers both informers' entries.
 */
public final class WatcherHeap {
  private WatcherHeap() {}

  /** One class's growth between the two histograms. */
  public record ClassDelta(String className, long instances, long bytes) {}

  /**
   * The figures of one measurement.
   *
   * @param livePods Pods (each with its TaskRun) created after the baseline
   * @param seenPods of those, how many the watcher reported ({@code pod.ready} published)
   * @param seenTaskRuns of those TaskRuns, how many it reported ({@code taskrun.started})
   * @param baselineBytes live heap after GC with only the warm-up runs
   * @param loadedBytes live heap after GC with the {@code livePods} more
   * @param podJsonBytes one Pod as the API serves it (JSON), for scale
   * @param taskRunJsonBytes one TaskRun as the API serves it (JSON)
   * @param top classes that grew most, by bytes, largest first
   */
  public record Result(
      int livePods,
      int seenPods,
      int seenTaskRuns,
      long baselineBytes,
      long loadedBytes,
      int podJsonBytes,
      int taskRunJsonBytes,
      List<ClassDelta> top) {
    /** Live heap per live Pod (with its TaskRun), bytes; 0 without Pods. */
    public double bytesPerPod() {
      return livePods == 0 ? 0 : (double) (loadedBytes - baselineBytes) / livePods;
    }

    /** Whether the watcher reported every Pod and TaskRun created. */
    public boolean allSeen() {
      return seenPods == livePods && seenTaskRuns == livePods;
    }
  }

  /**
   * Runs one measurement.
   *
   * @param warm runs created before the baseline, &ge; 1
   * @param m runs created after it, &ge; 1
   * @param timeout how long to wait for the watcher to report each batch
   * @param log progress lines
   * @throws IllegalStateException if the probe does not start or answer
   */
  public static Result measure(int warm, int m, Duration timeout, PrintStream log)
      throws Exception {
    if (warm < 1 || m < 1) {
      throw new IllegalArgumentException("warm and m must be >= 1, were " + warm + ", " + m);
    }
    Topics topics = new Topics("bench-watcher-heap-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(3, topics.observations());
    KafkaSettings kafka = KafkaSettings.of(SharedKafka.bootstrapServers(), topics);
    Path stderr = Files.createTempFile("pitstop-watcher-probe", ".log");
    try (SandboxApiServer server = SandboxApiServer.start();
        KubernetesClient client = server.newClient();
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                new HashMap<String, Object>(
                    kafka.consumerConfig("bench-" + UUID.randomUUID(), "bench-watcher-heap")));
        Probe probe = Probe.start(server.masterUrl(), kafka, topics, stderr, timeout)) {
      consumer.subscribe(List.of(topics.observations()));
      Seen seen = new Seen();
      String ns = "default";
      List<String> warmNames = create(client, ns, "warm", warm);
      seen.await(consumer, warmNames, timeout, probe, stderr);
      Histogram before = Histogram.parse(probe.histogram());
      log.printf("watcher heap: baseline with %d warm-up Pods: %,d bytes%n", warm, before.total());
      List<String> names = create(client, ns, "live", m);
      seen.await(consumer, names, timeout, probe, stderr);
      Histogram after = Histogram.parse(probe.histogram());
      log.printf("watcher heap: with %d more Pods: %,d bytes%n", m, after.total());
      TaskRun tr = client.resources(TaskRun.class).inNamespace(ns).withName(names.get(0)).get();
      Pod pod = client.pods().inNamespace(ns).withName(tr.getStatus().podName).get();
      return new Result(
          m,
          seen.count(seen.pods, names),
          seen.count(seen.taskRuns, names),
          before.total(),
          after.total(),
          Serialization.asJson(pod).getBytes(StandardCharsets.UTF_8).length,
          Serialization.asJson(tr).getBytes(StandardCharsets.UTF_8).length,
          after.minus(before, 10));
    } finally {
      Files.deleteIfExists(stderr);
    }
  }

  /** Creates {@code n} running TaskRuns of one PipelineRun each, and their Pods. */
  private static List<String> create(KubernetesClient client, String ns, String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String pr = "build-and-deploy-" + prefix + "-" + i;
      String name = pr + "-build";
      TaskRun tr =
          RealisticTekton.taskRun(
              ns, name, UUID.randomUUID().toString(), pr, UUID.randomUUID().toString());
      Pod pod = RealisticTekton.pod(tr, UUID.randomUUID().toString(), "worker-" + (i % 7));
      client.pods().inNamespace(ns).resource(pod).create();
      TaskRun created = client.resources(TaskRun.class).inNamespace(ns).resource(tr).create();
      if (created.getStatus() == null || created.getStatus().podName == null) {
        // A real API server drops status on create; the controller then writes it.
        created.setStatus(tr.getStatus());
        client.resources(TaskRun.class).inNamespace(ns).resource(created).updateStatus();
      }
      names.add(name);
    }
    return names;
  }

  /** What the watcher published, by TaskRun name. */
  private static final class Seen {
    final Set<String> pods = new HashSet<>();
    final Set<String> taskRuns = new HashSet<>();

    void await(
        KafkaConsumer<byte[], byte[]> consumer,
        List<String> names,
        Duration timeout,
        Probe probe,
        Path stderr)
        throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (count(pods, names) < names.size() || count(taskRuns, names) < names.size()) {
        if (probe.alive() && System.nanoTime() > deadline) {
          return; // counted as not seen: the part fails
        }
        if (!probe.alive()) {
          throw new IllegalStateException(
              "the watcher reported "
                  + count(pods, names)
                  + " of "
                  + names.size()
                  + " Pods and "
                  + count(taskRuns, names)
                  + " TaskRuns, then its JVM exited; its log ends: "
                  + tail(stderr));
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            PitstopEvent e = EventRecords.decode(r.headers(), r.value());
            if (e.type() == EventType.POD_READY) {
              pods.add(e.data().run().name());
            } else if (e.type() == EventType.TASKRUN_STARTED) {
              taskRuns.add(e.data().run().name());
            }
          } catch (MalformedEventException ex) {
            throw new IllegalStateException("the watcher published a malformed event", ex);
          }
        }
      }
    }

    int count(Set<String> set, List<String> names) {
      return (int) names.stream().filter(set::contains).count();
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  /** The child JVM running {@link WatcherProbe}. */
  private static final class Probe implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(100_000);
    private final Duration timeout;

    private Probe(Process process, Duration timeout) {
      this.process = process;
      this.timeout = timeout;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    lines.put(line);
                  }
                } catch (IOException | InterruptedException e) {
                  // the probe ended
                }
              },
              "watcher-probe-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Probe start(
        String masterUrl, KafkaSettings kafka, Topics topics, Path stderr, Duration timeout)
        throws IOException, InterruptedException {
      String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd =
          List.of(
              java,
              "-Xmx512m",
              "-cp",
              System.getProperty("java.class.path"),
              WatcherProbe.class.getName(),
              masterUrl,
              kafka.client().get("bootstrap.servers"),
              topics.prefix());
      Process p =
          new ProcessBuilder(cmd)
              .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
              .start();
      Probe probe = new Probe(p, timeout);
      probe.expect(WatcherProbe.READY, stderr);
      return probe;
    }

    boolean alive() {
      return process.isAlive();
    }

    String histogram() throws InterruptedException, IOException {
      process.getOutputStream().write("histo\n".getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
      expect(WatcherProbe.BEGIN, null);
      StringBuilder out = new StringBuilder();
      String line;
      while (!(line = next()).equals(WatcherProbe.END)) {
        out.append(line).append('\n');
      }
      return out.toString();
    }

    private void expect(String wanted, Path stderr) throws InterruptedException, IOException {
      String line;
      while (!(line = next(stderr)).equals(wanted)) {
        // skip anything else
      }
    }

    private String next() throws InterruptedException, IOException {
      return next(null);
    }

    private String next(Path stderr) throws InterruptedException, IOException {
      String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new IllegalStateException(
            "the watcher probe did not answer within "
                + timeout
                + (stderr == null ? "" : "; its log ends: " + tail(stderr)));
      }
      return line;
    }

    @Override
    public void close() throws InterruptedException {
      try {
        process.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
      } catch (IOException e) {
        // already gone
      }
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }
}
