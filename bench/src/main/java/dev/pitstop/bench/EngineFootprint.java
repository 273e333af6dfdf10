package dev.pitstop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.bench.footprint.ChildJvm;
import dev.pitstop.bench.footprint.EngineWorkload;
import dev.pitstop.bench.footprint.HeapHistogram;
import dev.pitstop.bench.footprint.ImageJvm;
import dev.pitstop.engine.api.ApiPaths;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.k8s.ExecResult;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The engine's live heap after GC per live run (target: &le; 4 KB) and its recovery from a restart
 * with M live breakpoints (time until it can serve the first release; target: &le; 5 s at 1,000).
 *
 * <p>The engine runs as its container does ({@code dev.pitstop.engine.Main}, configured by the
 * environment) in a JVM of its own ({@link ChildJvm}), so neither the broker, the sandbox nor the
 * bench's clients are in the heap measured. M runs ({@link EngineWorkload}: six observations each,
 * ending in a paused step) are produced to its observations topic; the heap is a live-object class
 * histogram after a full GC ({@code jcmd GC.class_histogram}) at 0 and at M live runs. Then the
 * engine is stopped (SIGTERM, its orderly stop) and a fresh one started: recovery is the time from
 * starting that JVM until a continue for one of the M breakpoints is answered by its API and the
 * exec arrives at the sandbox's container.
 */
final class EngineFootprint {
  private EngineFootprint() {}

  /** Live breakpoints of the full run, and of {@code --smoke}. */
  static final int BREAKPOINTS = 1_000;

  static final int SMOKE_BREAKPOINTS = 100;

  /**
   * Restarts with the image's archive in the full run (the verdict is on their median: one restart
   * on this machine moves by a second between runs), and in {@code --smoke}.
   */
  static final int ARCHIVE_RESTARTS = 3;

  static final int SMOKE_ARCHIVE_RESTARTS = 1;
  static final long TARGET_BYTES_PER_RUN = 4 * 1024;
  static final Duration TARGET_RECOVERY = Duration.ofSeconds(5);
  private static final String TOKEN = "bench-" + UUID.randomUUID();
  private static final Duration LIMIT = Duration.ofSeconds(180);

  /**
   * @return a part named {@code engine}
   */
  static BenchPart measure(BenchOptions options, PrintStream out) throws Exception {
    return options.smoke()
        ? measure(SMOKE_BREAKPOINTS, SMOKE_ARCHIVE_RESTARTS, out)
        : measure(BREAKPOINTS, ARCHIVE_RESTARTS, out);
  }

  /**
   * The engine footprint with {@code liveRuns} live runs (paused steps), and its recovery: once
   * without the image's class-data-sharing archive, then {@code archiveRestarts} times with it;
   * each restart releases another run's paused step (run 0, then 1, 2, ...).
   *
   * @throws IllegalArgumentException when there are fewer than 2 runs, or not one per restart
   */
  static Result measure(int liveRuns, int archiveRestarts, PrintStream out) throws Exception {
    if (liveRuns < 2 || archiveRestarts < 1 || archiveRestarts + 1 > liveRuns) {
      throw new IllegalArgumentException(
          "liveRuns must be >= 2 and > archiveRestarts >= 1, was "
              + liveRuns
              + " and "
              + archiveRestarts);
    }
    System.setProperty(
        SharedKafka.MODE_PROPERTY, System.getProperty(SharedKafka.MODE_PROPERTY, "embedded"));
    String bootstrap = SharedKafka.bootstrapServers();
    Topics topics =
        new Topics("bench-engine-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    SharedKafka.createTopics(3, topics.all().toArray(String[]::new));
    Path dir = Files.createTempDirectory("pitstop-bench-engine-");
    AtomicLong execAt = new AtomicLong();
    List<String> execs = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SandboxApiServer api = SandboxApiServer.start();
        KubernetesClient client = api.newClient();
        KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      api.setExecHandler(
          (ns, pod, container, command) -> {
            execAt.compareAndSet(0, System.nanoTime());
            execs.add(ns + "/" + pod + "/" + container + " " + command);
            return ExecResult.success("");
          });
      // Only the released runs' Pods need to exist (the engine reads no Pod to pause; the API
      // server answers an exec into a missing Pod 404): run 0's, released by the restart without
      // the archive, and runs 1.. archiveRestarts', with it.
      for (int i = 0; i <= archiveRestarts; i++) {
        client
            .pods()
            .inNamespace(EngineWorkload.NAMESPACE)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(EngineWorkload.pod(i))
                    .withNamespace(EngineWorkload.NAMESPACE)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("step-compile")
                    .withImage("maven")
                    .endContainer()
                    .addNewContainer()
                    .withName(EngineWorkload.container())
                    .withImage("maven")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
      }
      Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
      int port = freePort();
      Map<String, String> env = new HashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
      env.put("PITSTOP_TOPIC_PREFIX", topics.prefix());
      env.put("PITSTOP_CLUSTER", "bench");
      env.put("PITSTOP_MANAGEMENT_PORT", "0");
      env.put("KUBECONFIG", kubeconfig.toString());
      env.put("ENGINE_HTTP_HOST", "127.0.0.1");
      env.put("ENGINE_HTTP_PORT", Integer.toString(port));
      env.put("ENGINE_API_TOKENS", "bench=" + TOKEN);
      env.put("PITSTOP_LOG_LEVEL", "INFO"); // as in its container (deploy/docker/logback.xml)
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      Classpath cp = Classpath.engine();
      List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
      jvm.addAll(cp.jvmArgs());
      Path log = dir.resolve("engine.log");

      out.printf(
          Locale.ROOT,
          "engine footprint: %d live runs, classpath %s, engine log %s%n",
          liveRuns,
          cp.what(),
          log);
      ColdStart coldStart;
      HeapHistogram empty;
      HeapHistogram warm;
      HeapHistogram full;
      // -Dpitstop.bench.engine.appcds=true: the first engine (start, pauses, stop) is the training
      // run of an AppCDS archive the restarted one maps (JDK 17: ArchiveClassesAtExit), to show
      // what class loading costs a restart.
      boolean appCds = Boolean.getBoolean("pitstop.bench.engine.appcds");
      Path jsa = dir.resolve("engine.jsa");
      List<String> firstJvm = new ArrayList<>(jvm);
      if (appCds) {
        firstJvm.add("-XX:ArchiveClassesAtExit=" + jsa);
        out.println("engine footprint: AppCDS archive " + jsa + " (pitstop.bench.engine.appcds)");
      }
      try (ChildJvm first =
          ChildJvm.start(cp.path(), "dev.pitstop.engine.Main", firstJvm, env, log)) {
        first.mark("first engine, pid " + first.pid());
        awaitApi(http, port, first);
        coldStart =
            new ColdStart(
                ms(System.nanoTime() - first.startedNanos()), first.cpuTime().toNanos() / 1e6);
        empty = first.histogram();
        EngineWorkload workload = new EngineWorkload("bench");
        int warmRuns = Math.max(1, liveRuns / 10);
        produceSettled(producer, topics, workload, 0, warmRuns, http, port, bootstrap, first);
        warm = first.histogram();
        produceSettled(
            producer, topics, workload, warmRuns, liveRuns, http, port, bootstrap, first);
        full = first.histogram();
        first.mark("stopping the first engine (SIGTERM)");
        first.stop(Duration.ofSeconds(60));
      }

      // Recovery as the image runs the engine (breakpoint-engine/Dockerfile: its ENTRYPOINT's JVM
      // options), without and then with the image's class-data-sharing archive, trained as the
      // image build trains it (its RUN ... StartupTraining) on the same classpath.
      ImageJvm image =
          ImageJvm.read(
              Classpath.root().resolve("breakpoint-engine/Dockerfile"),
              dir.resolve("image.jsa"),
              dir.resolve("tmp"));
      Files.createDirectories(dir.resolve("tmp"));
      Recovery recovery;
      List<String> secondJvm = new ArrayList<>(jvm);
      secondJvm.addAll(image.optionsWithoutArchive());
      if (appCds && Files.isRegularFile(jsa)) {
        secondJvm.add("-XX:SharedArchiveFile=" + jsa);
      }
      try (ChildJvm second =
          ChildJvm.start(cp.path(), "dev.pitstop.engine.Main", secondJvm, env, log)) {
        second.mark("second engine (the image's JVM options, no archive), pid " + second.pid());
        recovery = recover(http, port, second, execAt, 0);
        second.stop(Duration.ofSeconds(60));
      }
      List<Recovery> sharedRestarts = new ArrayList<>();
      double trainingMs = 0;
      if (image.sharesClasses()) {
        List<String> trainingJvm = new ArrayList<>(cp.jvmArgs());
        trainingJvm.addAll(image.trainingOptions());
        try (ChildJvm training =
            ChildJvm.start(cp.path(), image.trainingMain(), trainingJvm, Map.of(), log)) {
          training.mark("the image's class-data-sharing training, pid " + training.pid());
          int code = training.waitFor(LIMIT);
          trainingMs = ms(System.nanoTime() - training.startedNanos());
          if (code != 0 || !Files.isRegularFile(image.archive())) {
            throw new IllegalStateException(
                "the image's training run exited "
                    + code
                    + " without an archive; its log ends:\n"
                    + training.tail(30));
          }
        }
        List<String> thirdJvm = new ArrayList<>(jvm);
        thirdJvm.addAll(image.options());
        for (int i = 1; i <= archiveRestarts; i++) {
          execAt.set(0);
          try (ChildJvm next =
              ChildJvm.start(cp.path(), "dev.pitstop.engine.Main", thirdJvm, env, log)) {
            next.mark(
                "engine restart "
                    + i
                    + " (the image's JVM options and archive), pid "
                    + next.pid());
            sharedRestarts.add(recover(http, port, next, execAt, i));
            next.stop(Duration.ofSeconds(60));
          }
        }
      }
      return new Result(
          liveRuns,
          Math.max(1, liveRuns / 10),
          empty,
          warm,
          full,
          coldStart,
          recovery,
          sharedRestarts,
          trainingMs,
          image.options(),
          execs,
          log,
          cp.what());
    }
  }

  /**
   * Produces runs {@code from} to {@code to} (exclusive) and waits until the engine lists them and
   * its writes settled; the last run goes alone, after the others, so that the engine's Kafka
   * consumers last polled the records of one run. Vert.x's read stream keeps the iterator of its
   * last polled batch (up to {@code max.poll.records}, 500, records) until a poll returns more
   * (JFR's OldObjectSample: a {@code ConsumerRecord}'s value held by {@code KafkaReadStreamImpl});
   * after a burst of hundreds of runs that is up to a few MB, bounded, the same at any number of
   * live runs (docs/performance.md, "Engine heap and recovery (second pass)"), and would otherwise
   * count as state per live run.
   */
  private static void produceSettled(
      KafkaProducer<String, byte[]> producer,
      Topics topics,
      EngineWorkload workload,
      int from,
      int to,
      HttpClient http,
      int port,
      String bootstrap,
      ChildJvm child)
      throws Exception {
    if (to - 1 > from) {
      produce(producer, topics, workload, from, to - 1);
      awaitListed(http, port, to - 1, child);
      awaitWritesSettled(bootstrap, topics, child);
    }
    produce(producer, topics, workload, to - 1, to);
    awaitListed(http, port, to, child);
    awaitWritesSettled(bootstrap, topics, child);
  }

  /** Produces the observations of runs {@code from} (inclusive) to {@code to}, acknowledged. */
  private static void produce(
      KafkaProducer<String, byte[]> producer,
      Topics topics,
      EngineWorkload workload,
      int from,
      int to)
      throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (int i = from; i < to; i++) {
      for (PitstopEvent e : workload.observations(i)) {
        sent.add(producer.send(EventRecords.toRecord(topics, e)));
      }
    }
    for (Future<RecordMetadata> f : sent) {
      f.get();
    }
  }

  /**
   * The engine's classpath as in its container image: {@code breakpoint-engine/target/image} (the
   * parent pom's container-image profile: runtime dependencies, logback.xml) and the engine's jar,
   * found beside this module in the source tree; else this JVM's classpath (every service, the
   * broker and the sandbox: more jars to search on every class load), said so in the figures.
   */
  record Classpath(String path, List<String> jvmArgs, String what) {
    /** The source tree this bench was built in (bench/target/classes or its jar, three up). */
    static Path root() {
      try {
        return Path.of(
                EngineFootprint.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .getParent()
            .getParent()
            .getParent();
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }

    static Classpath engine() {
      try {
        Path here =
            Path.of(
                EngineFootprint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // bench/target/classes or bench/target/pitstop-bench.jar
        Path root = here.getParent().getParent().getParent();
        Path engine = root.resolve("breakpoint-engine/target");
        Path image = engine.resolve("image");
        if (Files.isDirectory(image.resolve("lib"))
            && Files.isRegularFile(image.resolve("logback.xml"))) {
          try (var jars = Files.list(engine)) {
            Path jar =
                jars.filter(
                        p ->
                            p.getFileName().toString().startsWith("pitstop-breakpoint-engine")
                                && p.getFileName().toString().endsWith(".jar"))
                    .findFirst()
                    .orElse(null);
            if (jar != null) {
              return new Classpath(
                  jar + java.io.File.pathSeparator + image.resolve("lib") + "/*",
                  List.of("-Dlogback.configurationFile=" + image.resolve("logback.xml")),
                  "the engine's container image (" + image + ")");
            }
          }
        }
      } catch (Exception e) {
        // fall through to this JVM's classpath
      }
      return new Classpath(
          System.getProperty("java.class.path"),
          List.of(),
          "the bench's own (breakpoint-engine/target/image not found: more jars than in the"
              + " engine's image)");
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Map<String, String> c =
        new HashMap<>(KafkaSettings.of(bootstrap, new Topics("x.")).producerConfig("bench-engine"));
    c.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    c.put("linger.ms", "5");
    Properties p = new Properties();
    p.putAll(c);
    return new KafkaProducer<>(p);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static HttpRequest.Builder request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TOKEN);
  }

  /** Waits until the engine's API answers (start-up done); fails when the JVM died. */
  private static void awaitApi(HttpClient http, int port, ChildJvm child) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (true) {
      try {
        HttpResponse<String> r =
            http.send(
                request(port, "/healthz").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      checkAlive(child, deadline, "the engine's API to answer");
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private static void checkAlive(ChildJvm child, long deadline, String what) {
    if (!child.isAlive()) {
      throw new IllegalStateException(
          "the engine exited while waiting for " + what + "; its log ends:\n" + child.tail(30));
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(
          "no " + what + " within " + LIMIT + "; the engine's log ends:\n" + child.tail(30));
    }
  }

  /**
   * Waits until what the engine writes (decisions, its state topic: every topic of the bench's
   * prefix) stops growing for a second, so a histogram holds no records still queued in its
   * producer (a burst's passing memory, not state per live run).
   */
  private static void awaitWritesSettled(String bootstrap, Topics topics, ChildJvm child) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    long deadline = System.nanoTime() + LIMIT.toNanos();
    try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> c =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(p)) {
      long last = -1;
      int still = 0;
      while (still < 5) {
        List<org.apache.kafka.common.TopicPartition> parts = new ArrayList<>();
        c.listTopics()
            .forEach(
                (topic, infos) -> {
                  if (topic.startsWith(topics.prefix())) {
                    infos.forEach(
                        i ->
                            parts.add(
                                new org.apache.kafka.common.TopicPartition(topic, i.partition())));
                  }
                });
        long sum = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        still = sum == last ? still + 1 : 0;
        last = sum;
        checkAlive(child, deadline, "its writes to settle");
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    }
  }

  /** Waits until the engine's API lists {@code n} waiting steps. */
  private static void awaitListed(HttpClient http, int port, int n, ChildJvm child)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (true) {
      HttpResponse<String> r =
          http.send(
              request(port, "/v1/breakpoints").GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && json.readTree(r.body()).path("breakpoints").size() >= n) {
        return;
      }
      checkAlive(child, deadline, n + " paused steps");
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }

  /**
   * From the start of {@code child}: POSTs a continue for run {@code run}'s paused step until an
   * answer comes (connection refused while the engine starts), then waits for the exec.
   */
  private static Recovery recover(
      HttpClient http, int port, ChildJvm child, AtomicLong execAt, int run) throws Exception {
    long t0 = child.startedNanos();
    long deadline = t0 + LIMIT.toNanos();
    String path =
        ApiPaths.breakpoint(
            EngineWorkload.NAMESPACE,
            EngineWorkload.taskRun(run),
            EngineWorkload.PAUSED_STEP,
            Action.CONTINUE);
    long listening = 0;
    HttpResponse<String> answer;
    long sentAt;
    while (true) {
      try {
        sentAt = System.nanoTime();
        answer =
            http.send(
                request(port, path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (listening == 0) {
          listening = sentAt;
        }
        if (answer.statusCode() == 200 || answer.statusCode() == 202) {
          break;
        }
        throw new IllegalStateException(
            "the restarted engine refused the continue: HTTP "
                + answer.statusCode()
                + " "
                + answer.body());
      } catch (IOException notYet) {
        checkAlive(child, deadline, "the restarted engine's API");
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
    }
    long answered = System.nanoTime();
    while (execAt.get() == 0) {
      checkAlive(child, deadline, "the exec of the continue");
      LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
    }
    double cpu = child.cpuTime().toNanos() / 1e6;
    return new Recovery(
        ms(listening - t0), ms(answered - t0), ms(execAt.get() - t0), answer.statusCode(), cpu);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /**
   * @param firstAnswerMs from starting the JVM to the API's first answer (it listens once the state
   *     is read: {@code EngineService.start})
   * @param continueAnsweredMs to the continue's answer
   * @param execMs to the exec arriving at the sandbox's container
   * @param status the continue's HTTP status (200 decided, 202 accepted)
   * @param cpuMs CPU time the engine's JVM used by then (all threads), which unlike the wall times
   *     does not depend on what else the machine runs
   */
  record Recovery(
      double firstAnswerMs, double continueAnsweredMs, double execMs, int status, double cpuMs) {}

  /**
   * The first engine's start with no state: from starting its JVM to its API answering, and the CPU
   * time used by then; what a restart costs before any state is read.
   */
  record ColdStart(double apiAnsweringMs, double cpuMs) {}

  /** The engine's figures. */
  record Result(
      int liveRuns,
      int warmRuns,
      HeapHistogram empty,
      HeapHistogram warm,
      HeapHistogram full,
      ColdStart coldStart,
      Recovery recovery,
      List<Recovery> sharedRestarts,
      double trainingMs,
      List<String> imageOptions,
      List<String> execs,
      Path log,
      String classpath)
      implements BenchPart {

    /** The restart with the archive whose exec arrived at the median time; null without one. */
    Recovery recoveryShared() {
      if (sharedRestarts.isEmpty()) {
        return null;
      }
      List<Recovery> byExec =
          sharedRestarts.stream()
              .sorted(java.util.Comparator.comparingDouble(Recovery::execMs))
              .toList();
      return byExec.get((byExec.size() - 1) / 2);
    }

    double bytesPerRun() {
      return (full.totalBytes() - warm.totalBytes()) / (double) (liveRuns - warmRuns);
    }

    List<HeapHistogram.Entry> top() {
      return full.growthSince(warm, 10);
    }

    @Override
    public String name() {
      return "engine";
    }

    @Override
    public void print(PrintStream o) {
      o.printf(
          Locale.ROOT, "%nengine (breakpoint-engine in its own JVM, %d live runs)%n", liveRuns);
      o.printf(
          Locale.ROOT,
          "  live heap after GC: %.2f MiB at 0 runs, %.2f MiB at %d, %.2f MiB at %d%n",
          empty.totalBytes() / 1048576.0,
          warm.totalBytes() / 1048576.0,
          warmRuns,
          full.totalBytes() / 1048576.0,
          liveRuns);
      o.printf(
          Locale.ROOT,
          "  per live run (from %d to %d runs): %.2f KB   (target <= %d KB: %s)%n",
          warmRuns,
          liveRuns,
          bytesPerRun() / 1024,
          TARGET_BYTES_PER_RUN / 1024,
          bytesPerRun() <= TARGET_BYTES_PER_RUN ? "met" : "MISSED");
      o.printf(
          Locale.ROOT,
          "  what grew from %d to %d runs, per run (top 10 classes by bytes):%n",
          warmRuns,
          liveRuns);
      for (HeapHistogram.Entry e : top()) {
        o.printf(
            Locale.ROOT,
            "    %8.0f B  %6.2f objects  %s%n",
            e.bytes() / (double) (liveRuns - warmRuns),
            e.instances() / (double) (liveRuns - warmRuns),
            e.className());
      }
      o.printf(
          Locale.ROOT,
          "  recovery with %d live breakpoints, from starting the JVM: API answering %.0f ms,"
              + " continue answered %.0f ms (HTTP %d), exec arrived %.0f ms   (target <= %d ms:"
              + " %s)%n",
          liveRuns,
          recovery.firstAnswerMs(),
          recovery.continueAnsweredMs(),
          recovery.status(),
          recovery.execMs(),
          TARGET_RECOVERY.toMillis(),
          recovery.execMs() <= TARGET_RECOVERY.toMillis() ? "met" : "MISSED");
      o.printf(
          Locale.ROOT,
          "  the engine's JVM used %.0f ms of CPU by then (start-up, state read, the release);"
              + " with no state its API answered %.0f ms after its JVM started, %.0f ms of CPU%n",
          recovery.cpuMs(),
          coldStart.apiAnsweringMs(),
          coldStart.cpuMs());
      o.printf(
          Locale.ROOT,
          "  (that recovery: the image's JVM options %s without its class-data-sharing archive)%n",
          imageOptions.stream().filter(x -> !x.startsWith("-XX:SharedArchiveFile")).toList());
      Recovery recoveryShared = recoveryShared();
      if (recoveryShared == null) {
        o.printf(Locale.ROOT, "  the image maps no class-data-sharing archive%n");
      } else {
        o.printf(
            Locale.ROOT,
            "  with the image's class-data-sharing archive (training run %.0f ms), %d restart(s):"
                + " exec arrived %s ms after the JVM's start%n",
            trainingMs,
            sharedRestarts.size(),
            String.join(
                " / ",
                sharedRestarts.stream()
                    .map(x -> String.format(Locale.ROOT, "%.0f", x.execMs()))
                    .toList()));
        o.printf(
            Locale.ROOT,
            "  the median restart: API answering %.0f ms, continue answered %.0f ms (HTTP %d),"
                + " exec arrived %.0f ms, %.0f ms of CPU   (target <= %d ms: %s)%n",
            recoveryShared.firstAnswerMs(),
            recoveryShared.continueAnsweredMs(),
            recoveryShared.status(),
            recoveryShared.execMs(),
            recoveryShared.cpuMs(),
            TARGET_RECOVERY.toMillis(),
            recoveryShared.execMs() <= TARGET_RECOVERY.toMillis() ? "met" : "MISSED");
      }
      o.printf(Locale.ROOT, "  engine classpath: %s; log: %s%n", classpath, log);
    }

    @Override
    public JsonNode json() {
      ObjectMapper m = new ObjectMapper();
      ObjectNode n = m.createObjectNode();
      n.put("live_runs", liveRuns);
      n.put("classpath", classpath);
      n.put("heap_after_gc_empty_bytes", empty.totalBytes());
      n.put("warm_runs", warmRuns);
      n.put("heap_after_gc_warm_bytes", warm.totalBytes());
      n.put("heap_after_gc_full_bytes", full.totalBytes());
      n.put("bytes_per_live_run", Math.round(bytesPerRun()));
      n.put("target_bytes_per_live_run", TARGET_BYTES_PER_RUN);
      ArrayNode top = n.putArray("growth_top10");
      for (HeapHistogram.Entry e : top()) {
        top.addObject()
            .put("class", e.className())
            .put("bytes", e.bytes())
            .put("instances", e.instances());
      }
      ObjectNode r = n.putObject("recovery");
      r.put("live_breakpoints", liveRuns);
      putRecovery(r, recovery);
      r.put("cold_start_no_state_api_answering_ms", coldStart.apiAnsweringMs());
      r.put("cold_start_no_state_cpu_ms", coldStart.cpuMs());
      r.put("target_ms", TARGET_RECOVERY.toMillis());
      ArrayNode options = r.putArray("image_jvm_options");
      imageOptions.forEach(options::add);
      Recovery recoveryShared = recoveryShared();
      if (recoveryShared != null) {
        // The median restart's figures, and every restart's.
        ObjectNode c = r.putObject("with_image_archive");
        c.put("training_run_ms", trainingMs);
        putRecovery(c, recoveryShared);
        ArrayNode each = c.putArray("restarts");
        sharedRestarts.forEach(x -> putRecovery(each.addObject(), x));
      }
      return n;
    }

    /** One recovery's timings (ms from the JVM's start) and CPU, in the JSON's field names. */
    private static void putRecovery(ObjectNode o, Recovery rec) {
      o.put("api_answering_ms", rec.firstAnswerMs());
      o.put("continue_answered_ms", rec.continueAnsweredMs());
      o.put("continue_status", rec.status());
      o.put("exec_arrived_ms", rec.execMs());
      o.put("engine_cpu_ms", rec.cpuMs());
    }

    /**
     * Failed when each restart's continue was not carried out exactly once in its run's paused step
     * (run 0's, then with the archive runs 1, 2, ...).
     */
    @Override
    public boolean failed() {
      int restarts = 1 + sharedRestarts.size();
      if (execs.size() != restarts) {
        return true;
      }
      for (int i = 0; i < restarts; i++) {
        if (!execs
            .get(i)
            .startsWith(
                EngineWorkload.NAMESPACE
                    + "/"
                    + EngineWorkload.pod(i)
                    + "/"
                    + EngineWorkload.container())) {
          return true;
        }
      }
      return false;
    }
  }
}
