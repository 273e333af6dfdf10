package dev.pitstop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.bench.e2e.BenchRuns;
import dev.pitstop.bench.e2e.DeliveryLedger;
import dev.pitstop.bench.e2e.ExecArrivals;
import dev.pitstop.bench.e2e.Latency;
import dev.pitstop.bench.e2e.LoadedRawPaths;
import dev.pitstop.bench.e2e.RawChain;
import dev.pitstop.bench.e2e.RawHttp;
import dev.pitstop.bench.e2e.RawKafka;
import dev.pitstop.bench.e2e.SandboxProbe;
import dev.pitstop.bench.e2e.TimedEvents;
import dev.pitstop.cli.LocalStack;
import dev.pitstop.cli.demo.EventTap;
import dev.pitstop.engine.api.ApiPaths;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.BreakpointReached;
import dev.pitstop.events.data.Command;
import dev.pitstop.notifier.routing.Router;
import dev.pitstop.sandbox.otlp.ReceivedSpan;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.tekton.TektonNames;
import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Part 1 of {@code pitstop bench}: N concurrent PipelineRuns through all four services in the
 * sandbox ({@link LocalStack}), a share of them pausing once at a breakpoint ({@link BenchRuns})
 * and continued through the engine API as soon as the webhook receiver holds the {@code paused}
 * event. Then, on the same broker, receiver and sandbox: the raw Kafka hop, the raw POST and the
 * raw exec, Kafka's raw throughput and the sandbox's own ceiling. docs/performance.md explains the
 * figures.
 *
 * <ul>
 *   <li>Pause notification: from {@code breakpoint.paused}'s {@code pausedAt} (the kubelet's
 *       timestamp of Tekton's marker line, as the sandbox's pods/log gives it) to the receiver's
 *       listener holding the event. Raw path: 2 Kafka hops (watcher → engine, engine → notifier)
 *       plus one POST. Also printed from the line's real append ({@code PodLogs.onAppend}): the
 *       simulator stamps the line with its planned time and appends it at the tick that notices,
 *       seconds later when its ticks run late, which no real kubelet does.
 *   <li>Release: from sending the continue request that the engine API answered 2xx (the API waits
 *       for the outcome, so the 2xx comes after the exec) to the exec arriving at the sandbox's
 *       container ({@link ExecArrivals}). Raw path: one POST, one Kafka hop (commands topic), one
 *       exec.
 *   <li>Legs: both latencies split by the record timestamps and the events' own times.
 *   <li>Warm-up: {@link BenchOptions#warmupRuns()} pausing runs go through the stack first; their
 *       pauses and releases (the first after the stack started) are printed apart.
 *   <li>Delivery: every event the notifier delivers ({@link Router#isNotable}, read back from
 *       Kafka) must arrive exactly once by CloudEvent id; one lost fails the part.
 * </ul>
 */
final class EndToEnd {

  /** Both of Tekton's marker lines end so (tekton-facts.md §2). */
  static final String MARKER = "breakpoint has taken effect, waiting for user's decision";

  /** Kafka hops of a pause notification: watcher → engine → notifier. */
  static final int PAUSE_HOPS = 2;

  /** Kafka hops of a release: API → commands topic → engine. */
  static final int RELEASE_HOPS = 1;

  private EndToEnd() {}

  /** Part 1's figures, and the observations it recorded for part 2. */
  interface Result extends BenchPart {
    Recording recording();
  }

  /**
   * How part 1 runs beyond {@link BenchOptions}: the bench's defaults, or seams for tests.
   *
   * @param kafkaBootstrap a broker to use, or null for a new embedded one
   * @param runsPerSecond how fast PipelineRuns are created (a real Tekton controller writes ~20
   *     requests/s in all, tekton-facts.md §4; each run costs it far more than its creation)
   * @param refuseDeliveries the webhook receiver answers this many deliveries 400 first (the
   *     notifier does not retry a 4xx: those events are lost), to show the part fails; the raw POST
   *     is then not sampled during the runs (a sample could take the refusal)
   * @param rawSamples samples of each raw path (after a tenth as many unrecorded)
   * @param rawThroughputRecords records sent for Kafka's raw throughput
   * @param ceilingDuration how long each sandbox request kind is driven for requests/s
   */
  record Setup(
      String kafkaBootstrap,
      double runsPerSecond,
      int refuseDeliveries,
      int rawSamples,
      int rawThroughputRecords,
      Duration ceilingDuration) {
    static Setup of(BenchOptions o) {
      return o.smoke()
          ? new Setup(null, 10, 0, 100, 5_000, Duration.ofMillis(500))
          : new Setup(null, 10, 0, 1_000, 100_000, Duration.ofSeconds(3));
    }
  }

  static Result run(BenchOptions options, PrintStream out) {
    return run(options, out, Setup.of(options));
  }

  static Result run(BenchOptions options, PrintStream out, Setup setup) {
    try {
      Run run = new Run(options, out, setup);
      try {
        return run.run();
      } finally {
        run.stopSampling();
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("pitstop bench part 1 (end to end): " + e, e);
    }
  }

  /** One execution of part 1. */
  private static final class Run {
    private final BenchOptions options;
    private final PrintStream out;
    private final Setup setup;
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final RawHttp rawHttp = new RawHttp();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final Set<String> pausedIds = ConcurrentHashMap.newKeySet();
    private final Pauses measured = new Pauses();
    private final Pauses warmup = new Pauses();
    private final Map<String, Instant> markerAppended = new ConcurrentHashMap<>();

    /** When the sandbox last subscribed a follower of each container's log ({@code ns/pod/c}). */
    private final Map<String, Instant> followed = new ConcurrentHashMap<>();

    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalStack stack;
    private volatile LoadedRawPaths loaded;

    /** Stops the raw paths' sampling if a failure left it running. */
    void stopSampling() {
      LoadedRawPaths l = loaded;
      if (l != null) l.close();
    }

    /** A continue request answered 2xx: where its exec must arrive and when it was sent. */
    private record Release(String namespace, String pod, String container, Instant sent) {}

    /**
     * The pauses and releases of one group of runs (the warm-up's or the measured ones'), keyed
     * {@code namespace/run/step}.
     */
    private static final class Pauses {
      /** From the marker's kubelet timestamp to the receiver holding the paused event. */
      final Map<String, Duration> latency = new ConcurrentHashMap<>();

      final Map<String, Instant> arrival = new ConcurrentHashMap<>();

      /** {@code namespace/pod/container} of the paused step. */
      final Map<String, String> container = new ConcurrentHashMap<>();

      final Map<String, Release> releases = new ConcurrentHashMap<>();
    }

    private Pauses pausesOf(String runName) {
      return BenchRuns.isWarmup(runName) ? warmup : measured;
    }

    /** How many of the warm-up's (or the measured) runs finished. */
    private long finished(boolean warm) {
      return finished.stream().filter(n -> BenchRuns.isWarmup(n) == warm).count();
    }

    Run(BenchOptions options, PrintStream out, Setup setup) {
      this.options = options;
      this.out = out;
      this.setup = setup;
    }

    Figures run() throws Exception {
      String prefix = "pitstop-bench-" + Long.toHexString(System.nanoTime()) + ".";
      SimulatorOptions sim = SimulatorOptions.defaults().withStepDuration(options.stepDuration());
      int pausing = BenchRuns.pausing(options.runs(), options.pauseShare());
      out.printf(
          Locale.ROOT,
          "part 1 (end to end): %d PipelineRuns x %d tasks, %d pausing, steps %s, created %.0f/s%n",
          options.runs(),
          options.tasksPerRun(),
          pausing,
          options.stepDuration(),
          setup.runsPerSecond());
      long t0 = System.nanoTime();
      try (LocalStack s =
          LocalStack.start(new LocalStack.Options(setup.kafkaBootstrap(), prefix, 0, sim))) {
        stack = s;
        out.printf(Locale.ROOT, "  stack up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        ExecArrivals execs = new ExecArrivals(s.simulator()::exec);
        s.api().setExecHandler(execs);
        s.api()
            .podLogs()
            .onAppend(
                (ns, pod, container, line) -> {
                  if (line.text().contains(MARKER)) {
                    markerAppended.putIfAbsent(ns + "/" + pod + "/" + container, Instant.now());
                  }
                });
        s.api()
            .podLogs()
            .onFollow(
                (ns, pod, container) ->
                    followed.put(ns + "/" + pod + "/" + container, Instant.now()));
        s.webhook().onEvent(this::received);
        KubernetesClient client = s.api().newClient();
        io.vertx.core.Vertx probeVertx = io.vertx.core.Vertx.vertx();
        try (EventTap tap = new EventTap(s.bootstrapServers(), s.topics(), null);
            client;
            AutoCloseable closeProbeVertx = () -> probeVertx.close().await()) {
          tap.onEvent(this::observed);
          tap.start();
          warmUp();
          if (setup.refuseDeliveries() > 0) {
            s.webhook().failNext(setup.refuseDeliveries(), 400);
          }
          SandboxProbe probe = new SandboxProbe(probeVertx, client, "default", execs);
          loaded =
              new LoadedRawPaths(
                  s.bootstrapServers(),
                  prefix + "bench-raw-loaded",
                  rawHttp,
                  setup.refuseDeliveries() > 0 ? null : s.webhook().url(),
                  probe);
          long started = System.nanoTime();
          createRuns(
              options.runs(), BenchRuns::name, i -> BenchRuns.pauses(i, options.pauseShare()));
          double createSeconds = (System.nanoTime() - started) / 1e9;
          Duration runTimeout = runTimeout(options.runs());
          boolean allFinished =
              await(
                  runTimeout,
                  () ->
                      finished(false) >= options.runs()
                          && finished(true) >= options.warmupRuns()
                          && tap.seen().size() > 0);
          double runSeconds = (System.nanoTime() - started) / 1e9;
          LoadedRawPaths.Summaries underLoad = loaded.stop();
          if (!allFinished) {
            problems.add(
                finished(false)
                    + " of "
                    + options.runs()
                    + " PipelineRuns (and "
                    + finished(true)
                    + " of "
                    + options.warmupRuns()
                    + " warm-up runs) finished within "
                    + runTimeout.toSeconds()
                    + " s");
          }
          // Deliveries trail the last finish by a Kafka hop and a POST.
          await(Duration.ofSeconds(options.smoke() ? 10 : 30), () -> ledger.outcome().lost() == 0);
          await(
              Duration.ofSeconds(10),
              () ->
                  roots(s) >= options.runs() + options.warmupRuns()
                      && measured.releases.size() >= measured.latency.size());
          DeliveryLedger.Outcome delivery = ledger.outcome();
          if (!tap.deadLetters().isEmpty()) {
            problems.add("dead letters: " + tap.deadLetters());
          }

          Latency release = releases(measured, execs);
          if (measured.latency.size() < pausing) {
            problems.add(
                "paused events held by the receiver: "
                    + measured.latency.size()
                    + " of "
                    + pausing
                    + " pausing runs");
          }
          if (delivery.lost() > 0) {
            problems.add(
                delivery.lost()
                    + " events lost "
                    + delivery.lostByType()
                    + " e.g. "
                    + delivery.someLost());
          }
          int spans = s.otlp().spans().size();
          long traces = roots(s);

          out.printf(
              Locale.ROOT,
              "  runs done after %.1f s; reading observations and measuring the raw paths...%n",
              runSeconds);
          long rawStart = System.nanoTime();
          Recording recording =
              Recording.read(
                  s.bootstrapServers(), s.topics().observations(), Duration.ofSeconds(60));
          int recordBytes = medianRecordBytes(recording);
          Timeline timeline = Timeline.read(s);
          List<PauseSample> pauseSamples = samples(timeline, measured);
          Latency pause = leg(pauseSamples, "total");
          Latency pauseFromAppend = leg(pauseSamples, "from_append");
          List<PauseSample> warmupSamples = samples(timeline, warmup);
          Map<String, Latency.Summary> legs = legs(timeline, measured, pauseSamples, execs);
          Warmup warmed =
              new Warmup(
                  options.warmupRuns(),
                  leg(warmupSamples, "total").summary(),
                  releases(warmup, execs).summary(),
                  legs(timeline, warmup, warmupSamples, execs));
          int warm = Math.max(10, setup.rawSamples() / 10);
          Latency rawKafka =
              RawKafka.latency(
                  s.bootstrapServers(),
                  prefix + "bench-raw-latency",
                  recordBytes,
                  warm,
                  setup.rawSamples(),
                  Duration.ofMillis(5));
          double rawThroughput =
              RawKafka.throughput(
                  s.bootstrapServers(),
                  prefix + "bench-raw-throughput",
                  3,
                  recordBytes,
                  setup.rawThroughputRecords());
          Latency rawPost =
              rawHttp.post(s.webhook().url(), pauseBodyBytes(tap), warm, setup.rawSamples());
          Latency rawChain =
              RawChain.latency(
                  s.bootstrapServers(),
                  prefix + "bench-raw-chain",
                  rawHttp,
                  s.webhook().url(),
                  recordBytes,
                  warm,
                  setup.rawSamples(),
                  Duration.ofMillis(5),
                  "chain-",
                  () -> true);
          Latency rawExec = probe.exec(warm, Math.max(20, setup.rawSamples() / 5));
          long stored = probe.storedObjects();
          SandboxProbe.Ceiling get =
              probe.ceiling(false, setup.rawSamples() / 5, 4, setup.ceilingDuration());
          SandboxProbe.Ceiling patch =
              probe.ceiling(true, setup.rawSamples() / 5, 4, setup.ceilingDuration());
          out.printf(
              Locale.ROOT,
              "  raw paths measured in %.1f s%n",
              (System.nanoTime() - rawStart) / 1e9);
          return new Figures(
              options,
              setup.runsPerSecond(),
              pausing,
              (int) finished(false),
              createSeconds,
              runSeconds,
              recording.records().size(),
              delivery,
              pause.summary(),
              pauseFromAppend.summary(),
              (int) release.summary().count(),
              release.summary(),
              spans,
              traces,
              recordBytes,
              rawKafka.summary(),
              rawThroughput,
              rawPost.summary(),
              rawChain.summary(),
              rawExec.summary(),
              underLoad,
              stored,
              get,
              patch,
              legs,
              pauseSamples,
              warmed,
              List.copyOf(problems),
              recording);
        }
      }
    }

    /**
     * Runs {@link BenchOptions#warmupRuns()} PipelineRuns, all pausing, before the measured ones
     * and waits until each was paused and released (the measured runs start while their last tasks
     * still run; they must have finished by the end of part 1): the stack's first pause and release
     * pay each path's first use (class loading, JIT, a connection's opening; 0.5–1 s each on this
     * machine), which a long-running Pitstop pays once, not per pause.
     */
    private void warmUp() {
      int n = options.warmupRuns();
      if (n == 0) return;
      long t = System.nanoTime();
      createRuns(n, BenchRuns::warmupName, i -> true);
      Duration timeout = runTimeout(n);
      if (!await(timeout, () -> warmup.releases.size() >= n)) {
        problems.add(
            "warm-up: "
                + warmup.releases.size()
                + " of "
                + n
                + " PipelineRuns paused and released within "
                + timeout.toSeconds()
                + " s");
      }
      out.printf(
          Locale.ROOT,
          "  warm-up: %d runs paused and released in %.1f s%n",
          n,
          (System.nanoTime() - t) / 1e9);
    }

    /** How long {@code n} runs created at the setup's rate may take to finish. */
    private Duration runTimeout(int n) {
      return Duration.ofSeconds(60)
          .plus(options.stepDuration().multipliedBy(8L * options.tasksPerRun()))
          .plusSeconds((long) (n / setup.runsPerSecond()));
    }

    /** The latency of one leg ({@link PauseSample#ms()} key) over the pauses that have it. */
    private static Latency leg(List<PauseSample> samples, String key) {
      Latency l = new Latency();
      for (PauseSample sample : samples) {
        Double ms = sample.ms().get(key);
        if (ms != null) l.record(Duration.ofNanos(Math.round(ms * 1e6)));
      }
      return l;
    }

    /** Each release's latency, continue sent → exec arrived; a missing exec is a problem. */
    private Latency releases(Pauses p, ExecArrivals execs) {
      Latency l = new Latency();
      for (Map.Entry<String, Release> e : p.releases.entrySet()) {
        Release r = e.getValue();
        Instant at = execs.arrival(r.namespace(), r.pod(), r.container());
        if (at == null) {
          problems.add("no exec arrived for the release of " + e.getKey());
        } else {
          l.record(Duration.between(r.sent(), at));
        }
      }
      return l;
    }

    /**
     * When each service sent the events of every pause and release (the record timestamps: when it
     * called {@code send()}) and the times the events carry, keyed {@code namespace/run/step}.
     */
    private record Timeline(
        Map<String, Instant> reachedAt,
        Map<String, Instant> reachedPublished,
        Map<String, Instant> decidedAt,
        Map<String, Instant> pausedPublished,
        Map<String, Instant> commandPublished) {
      static Timeline read(LocalStack s) throws Exception {
        Timeline t =
            new Timeline(
                new java.util.HashMap<>(),
                new java.util.HashMap<>(),
                new java.util.HashMap<>(),
                new java.util.HashMap<>(),
                new java.util.HashMap<>());
        for (TimedEvents.Timed timed :
            TimedEvents.read(
                s.bootstrapServers(),
                List.of(s.topics().observations(), s.topics().decisions(), s.topics().commands()),
                Duration.ofSeconds(60))) {
          PitstopEvent e = timed.event();
          if (e.type() == EventType.STEP_BREAKPOINT_REACHED) {
            BreakpointReached r = e.data(BreakpointReached.class);
            String k = r.run().namespace() + "/" + r.run().name() + "/" + r.step().name();
            t.reachedAt.putIfAbsent(k, r.reachedAt());
            t.reachedPublished.putIfAbsent(k, timed.published());
          } else if (e.type() == EventType.BREAKPOINT_PAUSED) {
            BreakpointPaused p = e.data(BreakpointPaused.class);
            String k = p.run().namespace() + "/" + p.run().name() + "/" + p.step().name();
            t.decidedAt.putIfAbsent(k, p.decidedAt());
            t.pausedPublished.putIfAbsent(k, timed.published());
          } else if (e.type() == EventType.COMMAND_CONTINUE) {
            Command c = e.data(Command.class);
            t.commandPublished.putIfAbsent(
                c.run().namespace() + "/" + c.run().name() + "/" + c.step(), timed.published());
          }
        }
        return t;
      }
    }

    /**
     * Each pause of a group leg by leg, in the order the marker lines were appended: what the
     * percentiles of {@link #legs} are made of (a p99 of 20 pauses is one pause).
     */
    private List<PauseSample> samples(Timeline t, Pauses p) {
      List<PauseSample> samples = new java.util.ArrayList<>();
      for (String k : p.arrival.keySet()) {
        Instant appended = markerAppended.get(p.container.get(k));
        Instant follow = followed.get(p.container.get(k));
        Instant open =
            follow == null || appended == null
                ? null
                : follow.isAfter(appended) ? follow : appended;
        Instant sent = t.reachedPublished().get(k);
        Map<String, Double> ms = new java.util.LinkedHashMap<>();
        ms.put("total", millis(p.latency.get(k)));
        ms.put("from_append", millis(appended, p.arrival.get(k)));
        ms.put("simulator", millis(t.reachedAt().get(k), appended));
        ms.put("watcher", millis(appended, sent));
        ms.put("watcher_to_stream_open", millis(appended, open));
        ms.put("watcher_from_open_stream", millis(open, sent));
        ms.put("to_engine_decided", millis(sent, t.decidedAt().get(k)));
        ms.put("engine_decided_to_sent", millis(t.decidedAt().get(k), t.pausedPublished().get(k)));
        ms.put("to_webhook", millis(t.pausedPublished().get(k), p.arrival.get(k)));
        samples.add(new PauseSample(k, appended, ms));
      }
      samples.sort(
          java.util.Comparator.comparing(
              PauseSample::appended,
              java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
      return samples;
    }

    private static Double millis(Instant from, Instant to) {
      return from == null || to == null ? null : millis(Duration.between(from, to));
    }

    private static Double millis(Duration d) {
      return d == null ? null : d.toNanos() / 1e6;
    }

    /** The pause legs in print order: their keys in {@link PauseSample#ms()} and their labels. */
    private static final List<Map.Entry<String, String>> PAUSE_LEGS =
        List.of(
            Map.entry("simulator", "pause: marker's timestamp -> line appended (simulator)"),
            Map.entry("watcher", "pause: line appended -> watcher sent reached"),
            Map.entry(
                "watcher_to_stream_open",
                "  of which: appended -> the log's stream open (0 if before)"),
            Map.entry(
                "watcher_from_open_stream",
                "  of which: line on an open stream -> watcher sent reached"),
            Map.entry("to_engine_decided", "pause: -> engine decided (Kafka hop + engine)"),
            Map.entry("engine_decided_to_sent", "pause: decided -> engine sent paused"),
            Map.entry("to_webhook", "pause: sent -> webhook (Kafka hop + notifier + POST)"));

    /**
     * Where the time of one group's pauses (its {@link #samples}) and releases goes, leg by leg.
     */
    private Map<String, Latency.Summary> legs(
        Timeline t, Pauses p, List<PauseSample> samples, ExecArrivals execs) {
      Map<String, Latency.Summary> legs = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, String> leg : PAUSE_LEGS) {
        legs.put(leg.getValue(), leg(samples, leg.getKey()).summary());
      }
      Latency api = new Latency();
      Latency toExec = new Latency();
      for (Map.Entry<String, Release> e : p.releases.entrySet()) {
        Release r = e.getValue();
        Instant cmd = t.commandPublished().get(e.getKey());
        between(api, r.sent(), cmd);
        between(toExec, cmd, execs.arrival(r.namespace(), r.pod(), r.container()));
      }
      legs.put("release: continue sent -> API sent command", api.summary());
      legs.put("release: command sent -> exec arrived (hop + engine)", toExec.summary());
      return legs;
    }

    private static void between(Latency l, Instant from, Instant to) {
      if (from != null && to != null) {
        l.record(Duration.between(from, to));
      }
    }

    /** Creates {@code n} runs at the setup's rate: run {@code i} named and pausing as given. */
    private void createRuns(int n, IntFunction<String> name, IntPredicate pauses) {
      long interval = (long) (1e9 / setup.runsPerSecond());
      long next = System.nanoTime();
      for (int i = 0; i < n; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += interval;
        stack
            .simulator()
            .apply(BenchRuns.yaml(name.apply(i), options.tasksPerRun(), pauses.test(i)));
      }
    }

    /** Every event read back from Kafka: what the receiver must get, and which runs finished. */
    private void observed(PitstopEvent e) {
      if (Router.isNotable(e)) {
        ledger.expect(e.id(), e.type().type());
      }
      if (e.type() == EventType.PIPELINERUN_FINISHED) {
        finished.add(e.data().run().name());
      }
    }

    /** On the receiver's event loop: account, time a pause, and release it. */
    private void received(CloudEvent ce) {
      long nanos = System.nanoTime();
      Instant at = Instant.now();
      if (ce.getId().startsWith(RawHttp.ID_PREFIX)) {
        rawHttp.arrived(ce.getId(), nanos);
        return;
      }
      ledger.delivered(ce.getId());
      if (!EventType.BREAKPOINT_PAUSED.type().equals(ce.getType()) || !pausedIds.add(ce.getId())) {
        return;
      }
      BreakpointPaused p;
      try {
        p = EventCodec.fromCloudEvent(ce).data(BreakpointPaused.class);
      } catch (Exception ex) {
        problems.add("undecodable paused event " + ce.getId() + ": " + ex.getMessage());
        return;
      }
      String key = p.run().namespace() + "/" + p.run().name() + "/" + p.step().name();
      Pauses group = pausesOf(p.run().name());
      group.latency.put(key, Duration.between(p.pausedAt(), at));
      group.arrival.put(key, at);
      String pod = p.step().pod() != null ? p.step().pod() : TektonNames.podName(p.run().name(), 0);
      String container =
          p.step().container() != null ? p.step().container() : "step-" + p.step().name();
      group.container.put(key, p.run().namespace() + "/" + pod + "/" + container);
      release(group, key, p, pod, container);
    }

    private void release(
        Pauses group, String key, BreakpointPaused p, String pod, String container) {
      String path =
          ApiPaths.breakpoint(
              p.run().namespace(), p.run().name(), p.step().name(), Action.CONTINUE);
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(stack.engineUrl() + path))
              .header("Authorization", "Bearer " + stack.apiToken())
              .POST(HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(30))
              .build();
      Instant sent = Instant.now();
      http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (res, err) -> {
                if (err != null) {
                  problems.add("continue " + key + " failed: " + err);
                } else if (res.statusCode() / 100 != 2) {
                  problems.add(
                      "continue " + key + " answered " + res.statusCode() + ": " + res.body());
                } else {
                  group.releases.put(key, new Release(p.run().namespace(), pod, container, sent));
                }
              });
    }

    private static long roots(LocalStack s) {
      return s.otlp().spans().stream().filter(ReceivedSpan::isRoot).count();
    }

    /** The median size of a paused event's data (the body the notifier POSTs). */
    private static int pauseBodyBytes(EventTap tap) {
      int[] sizes =
          tap.seen().stream()
              .filter(e -> e.type() == EventType.BREAKPOINT_PAUSED)
              .mapToInt(
                  e ->
                      EventCodec.toCloudEvent(e).getData() == null
                          ? 0
                          : EventCodec.toCloudEvent(e).getData().toBytes().length)
              .sorted()
              .toArray();
      return sizes.length == 0 ? 1024 : sizes[sizes.length / 2];
    }
  }

  /** The median size of an observation record: key, value and headers. */
  static int medianRecordBytes(Recording recording) {
    int[] sizes =
        recording.records().stream()
            .mapToInt(
                r ->
                    (r.key() == null ? 0 : r.key().length)
                        + r.value().length
                        + r.headers().entrySet().stream()
                            .mapToInt(h -> h.getKey().length() + h.getValue().length)
                            .sum())
            .sorted()
            .toArray();
    return sizes.length == 0 ? 1024 : sizes[sizes.length / 2];
  }

  /** Polls {@code done} every 100 ms until true or {@code timeout}; returns its last value. */
  private static boolean await(Duration timeout, BooleanSupplier done) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) return false;
      LockSupport.parkNanos(100_000_000L);
    }
    return true;
  }

  /**
   * The warm-up runs' figures ({@link BenchOptions#warmupRuns()}): the stack's first pauses and
   * releases after it started, kept out of part 1's figures.
   *
   * @param runs warm-up runs, all pausing (0: none ran and the summaries are empty)
   * @param pause marker's kubelet timestamp → webhook receiver, ms
   * @param release continue sent → exec at the container, ms
   * @param legs the same legs as part 1's, for these runs
   */
  record Warmup(
      int runs,
      Latency.Summary pause,
      Latency.Summary release,
      Map<String, Latency.Summary> legs) {}

  /**
   * One pause, leg by leg.
   *
   * @param pause {@code namespace/run/step}
   * @param appended when the simulator appended the marker line, or null if not seen
   * @param ms milliseconds per leg (keys as in the JSON's {@code pause_samples}; null where a time
   *     is missing)
   */
  record PauseSample(String pause, Instant appended, Map<String, Double> ms) {}

  /** Part 1's figures. */
  record Figures(
      BenchOptions options,
      double runsPerSecond,
      int pausing,
      int finished,
      double createSeconds,
      double runSeconds,
      int observations,
      DeliveryLedger.Outcome delivery,
      Latency.Summary pause,
      Latency.Summary pauseFromAppend,
      int releases,
      Latency.Summary release,
      int spans,
      long traces,
      int recordBytes,
      Latency.Summary rawKafka,
      double rawKafkaPerSecond,
      Latency.Summary rawPost,
      Latency.Summary rawChain,
      Latency.Summary rawExec,
      LoadedRawPaths.Summaries underLoad,
      long storedObjects,
      SandboxProbe.Ceiling get,
      SandboxProbe.Ceiling patch,
      Map<String, Latency.Summary> legs,
      List<PauseSample> pauseSamples,
      Warmup warmup,
      List<String> problems,
      Recording recording)
      implements Result {

    @Override
    public String name() {
      return "e2e";
    }

    /** The raw path of a pause notification: 2 Kafka hops and a POST. */
    Latency.Summary pauseRaw() {
      return rawKafka.times(PAUSE_HOPS).plus(rawPost);
    }

    /** The raw path of a release: a POST (the API call), a Kafka hop and an exec. */
    Latency.Summary releaseRaw() {
      return rawPost.plus(rawKafka.times(RELEASE_HOPS)).plus(rawExec);
    }

    boolean pauseTargetMet() {
      return pauseTargetMet(pause, pauseRaw());
    }

    /**
     * The pause target against the raw path measured as one chain ({@link RawChain}), not summed
     * from its legs' percentiles: the tighter reading of "≤ 3× the raw path".
     */
    boolean pauseTargetMetAgainstChain() {
      return pauseTargetMet(pause, rawChain);
    }

    private static boolean pauseTargetMet(Latency.Summary pause, Latency.Summary raw) {
      return within3x(pause, raw) && within100Ms(pause);
    }

    /** The first half of the pause target: p99 at most 3× the raw path's p99. */
    private static boolean within3x(Latency.Summary pitstop, Latency.Summary raw) {
      return pitstop.count() > 0 && pitstop.p99() <= 3 * raw.p99();
    }

    /** The second half of the pause target: p99 at most 100 ms. */
    private static boolean within100Ms(Latency.Summary pitstop) {
      return pitstop.count() > 0 && pitstop.p99() <= 100;
    }

    /** The pause target measured from the marker line's append, the simulator's lag left out. */
    boolean pauseFromAppendTargetMet() {
      return pauseTargetMet(pauseFromAppend, pauseRaw());
    }

    boolean releaseTargetMet() {
      return release.count() > 0 && release.p99() <= 3 * releaseRaw().p99();
    }

    /** The pause's raw path sampled while the runs were live: 2 Kafka hops and a POST. */
    Latency.Summary pauseRawLoaded() {
      return underLoad.kafka().times(PAUSE_HOPS).plus(underLoad.post());
    }

    /**
     * The same plus one request to the sandbox's API server: the watcher must open the step's log
     * through it (tekton-facts.md §2) before it can see the marker line.
     */
    Latency.Summary pauseRawLoadedWithApi() {
      return pauseRawLoaded().plus(underLoad.get());
    }

    /** The release's raw path sampled while the runs were live: a POST, a Kafka hop, an exec. */
    Latency.Summary releaseRawLoaded() {
      return underLoad.post().plus(underLoad.kafka().times(RELEASE_HOPS)).plus(underLoad.exec());
    }

    /** The pause target against the raw path as loaded by the run (from the line's append). */
    boolean pauseTargetMetUnderLoad() {
      return pauseTargetMet(pauseFromAppend, pauseRawLoaded());
    }

    /** The same against the chain sampled under load ({@link RawChain}). */
    boolean pauseTargetMetUnderLoadAgainstChain() {
      return pauseTargetMet(pauseFromAppend, underLoad.chain());
    }

    /** The release target against the raw path as loaded by the run. */
    boolean releaseTargetMetUnderLoad() {
      return release.count() > 0 && release.p99() <= 3 * releaseRawLoaded().p99();
    }

    @Override
    public boolean failed() {
      return !problems.isEmpty();
    }

    @Override
    public void print(PrintStream out) {
      out.println();
      out.printf(
          Locale.ROOT,
          "== Part 1: end to end (%d PipelineRuns x %d tasks, %d pausing, steps %s) ==%n",
          options.runs(),
          options.tasksPerRun(),
          pausing,
          options.stepDuration());
      out.printf(
          Locale.ROOT,
          "runs: created at %.1f/s (%d in %.1f s; a real Tekton controller writes ~20 requests/s),"
              + " %d finished after %.1f s; %d observations (%.0f/s)%n",
          runsPerSecond,
          options.runs(),
          createSeconds,
          finished,
          runSeconds,
          observations,
          observations / Math.max(0.001, runSeconds));
      out.printf(
          Locale.ROOT,
          "webhook: %d expected, %d deliveries, lost %d, duplicates %d, unexpected %d;"
              + " OTLP: %d spans, %d traces%n",
          delivery.expected(),
          delivery.deliveries(),
          delivery.lost(),
          delivery.duplicates(),
          delivery.unexpected(),
          spans,
          traces);
      out.printf(
          Locale.ROOT,
          "%-44s %8s %8s %8s %8s %6s%n",
          "latency (ms)",
          "p50",
          "p95",
          "p99",
          "max",
          "n");
      row(out, "pause notification (marker -> webhook)", pause, "");
      row(out, "  raw: 2 x Kafka + POST", pauseRaw(), "");
      row(out, "  ratio", pause.ratioTo(pauseRaw()), "x");
      row(out, "  raw: Kafka -> Kafka -> POST as one chain", rawChain, "");
      row(out, "  ratio", pause.ratioTo(rawChain), "x");
      row(out, "pause, from the line's append (no sim lag)", pauseFromAppend, "");
      row(out, "  ratio", pauseFromAppend.ratioTo(pauseRaw()), "x");
      row(out, "release (continue sent -> exec at container)", release, "");
      row(out, "  raw: POST + Kafka + exec", releaseRaw(), "");
      row(out, "  ratio", release.ratioTo(releaseRaw()), "x");
      out.println("where the time goes (record timestamps are whole ms):");
      legs.forEach((k, v) -> row(out, "  " + k, v, ""));
      if (warmup.runs() > 0) {
        out.printf(
            Locale.ROOT,
            "warm-up before the measured runs (pausing runs: %d): the stack's first pauses"
                + " after it started, not in the figures above:%n",
            warmup.runs());
        row(out, "  pause notification (marker -> webhook)", warmup.pause(), "");
        row(out, "  release (continue sent -> exec)", warmup.release(), "");
        warmup.legs().forEach((k, v) -> row(out, "    " + k, v, ""));
      }
      row(out, "raw Kafka produce->consume (" + recordBytes + " B)", rawKafka, "");
      row(out, "raw POST to the webhook receiver", rawPost, "");
      row(out, "raw chain Kafka -> Kafka -> POST", rawChain, "");
      row(out, "raw exec into a sandbox container", rawExec, "");
      out.printf(
          Locale.ROOT,
          "raw Kafka throughput: %.0f records/s (%d B, acks=all, idempotent)%n",
          rawKafkaPerSecond,
          recordBytes);
      out.println("raw paths sampled while the runs were live (same broker, receiver, sandbox):");
      row(
          out,
          "  Kafka produce->consume (" + LoadedRawPaths.BYTES + " B, 1 per 20 ms)",
          underLoad.kafka(),
          "");
      row(out, "  POST to the webhook receiver (1 per 50 ms)", underLoad.post(), "");
      row(out, "  chain Kafka -> Kafka -> POST (1 per 50 ms)", underLoad.chain(), "");
      row(out, "  exec into a sandbox container (1 per s)", underLoad.exec(), "");
      row(out, "  sandbox GET one ConfigMap (1 per 500 ms)", underLoad.get(), "");
      row(out, "pause from the append vs loaded 2 x Kafka + POST", pauseRawLoaded(), "");
      row(out, "  ratio", pauseFromAppend.ratioTo(pauseRawLoaded()), "x");
      row(out, "  vs the loaded chain", underLoad.chain(), "");
      row(out, "  ratio", pauseFromAppend.ratioTo(underLoad.chain()), "x");
      row(out, "  same + the watcher's API request (GET)", pauseRawLoadedWithApi(), "");
      row(out, "  ratio", pauseFromAppend.ratioTo(pauseRawLoadedWithApi()), "x");
      row(out, "release vs loaded POST + Kafka + exec", releaseRawLoaded(), "");
      row(out, "  ratio", release.ratioTo(releaseRawLoaded()), "x");
      for (SandboxProbe.Ceiling c : List.of(get, patch)) {
        out.printf(
            Locale.ROOT,
            "sandbox ceiling at %d stored objects: %s one ConfigMap p50 %.2f p99 %.2f ms,"
                + " %.0f requests/s with %d clients%n",
            storedObjects,
            c.request(),
            c.latency().p50(),
            c.latency().p99(),
            c.perSecond(),
            c.threads());
      }
      out.printf(
          Locale.ROOT,
          "targets: pause p99 <= 3x raw and <= 100 ms: %s (from the line's append: %s;"
              + " against the chain: %s); release p99 <= 3x raw: %s%n",
          metOrMissed(pauseTargetMet()),
          metOrMissed(pauseFromAppendTargetMet()),
          metOrMissed(pauseTargetMetAgainstChain()),
          metOrMissed(releaseTargetMet()));
      out.printf(
          Locale.ROOT,
          "targets against the raw paths as loaded by the run: pause (from the line's append) p99"
              + " <= 3x and <= 100 ms: %s (against the chain: %s); release p99 <= 3x: %s%n",
          metOrMissed(pauseTargetMetUnderLoad()),
          metOrMissed(pauseTargetMetUnderLoadAgainstChain()),
          metOrMissed(releaseTargetMetUnderLoad()));
      out.printf(
          Locale.ROOT,
          "  the pause target's two halves: p99 <= 100 ms: %s; p99 <= 3x the raw path: summed %s,"
              + " chain %s (idle); summed %s, chain %s (loaded, from the line's append)%n",
          metOrMissed(within100Ms(pause)),
          metOrMissed(within3x(pause, pauseRaw())),
          metOrMissed(within3x(pause, rawChain)),
          metOrMissed(within3x(pauseFromAppend, pauseRawLoaded())),
          metOrMissed(within3x(pauseFromAppend, underLoad.chain())));
      if (failed()) {
        out.println("FAILED: " + String.join("; ", problems));
      }
    }

    private static String metOrMissed(boolean met) {
      return met ? "met" : "MISSED";
    }

    private static void row(PrintStream out, String label, Latency.Summary s, String unit) {
      out.printf(
          Locale.ROOT,
          "%-44s %8.2f %8.2f %8.2f %8.2f %6d%s%n",
          label,
          s.p50(),
          s.p95(),
          s.p99(),
          s.max(),
          s.count(),
          unit.isEmpty() ? "" : " " + unit);
    }

    @Override
    public JsonNode json() {
      JsonNodeFactory f = JsonNodeFactory.instance;
      ObjectNode n = f.objectNode();
      n.put("runs", options.runs());
      n.put("tasks_per_run", options.tasksPerRun());
      n.put("pausing_runs", pausing);
      n.put("runs_created_per_s", runsPerSecond);
      n.put("runs_finished", finished);
      n.put("run_s", runSeconds);
      n.put("observations", observations);
      ObjectNode d = n.putObject("webhook");
      d.put("expected", delivery.expected());
      d.put("deliveries", delivery.deliveries());
      d.put("lost", delivery.lost());
      d.put("duplicates", delivery.duplicates());
      d.put("unexpected", delivery.unexpected());
      n.put("otlp_spans", spans);
      n.put("otlp_traces", traces);
      ObjectNode p = n.putObject("pause_notification");
      p.set("pitstop", pause.json("_ms"));
      p.set("raw_2_kafka_plus_post", pauseRaw().json("_ms"));
      p.set("ratio", pause.ratioTo(pauseRaw()).json("_x"));
      p.put("target_met", pauseTargetMet());
      p.set("raw_chain_kafka_kafka_post", rawChain.json("_ms"));
      p.set("ratio_to_chain", pause.ratioTo(rawChain).json("_x"));
      p.put("target_met_against_chain", pauseTargetMetAgainstChain());
      p.put("p99_within_100_ms", within100Ms(pause));
      p.put("p99_within_3x_summed", within3x(pause, pauseRaw()));
      p.put("p99_within_3x_chain", within3x(pause, rawChain));
      p.set("pitstop_from_line_appended", pauseFromAppend.json("_ms"));
      p.set("ratio_from_line_appended", pauseFromAppend.ratioTo(pauseRaw()).json("_x"));
      p.put("target_met_from_line_appended", pauseFromAppendTargetMet());
      ObjectNode r = n.putObject("release");
      r.set("pitstop", release.json("_ms"));
      r.set("raw_post_plus_kafka_plus_exec", releaseRaw().json("_ms"));
      r.set("ratio", release.ratioTo(releaseRaw()).json("_x"));
      r.put("target_met", releaseTargetMet());
      ObjectNode legsJson = n.putObject("legs");
      legs.forEach((k, v) -> legsJson.set(k, v.json("_ms")));
      var samplesJson = n.putArray("pause_samples");
      for (PauseSample ps : pauseSamples) {
        ObjectNode o = samplesJson.addObject();
        o.put("pause", ps.pause());
        o.put("appended", ps.appended() == null ? null : ps.appended().toString());
        ps.ms().forEach((k, v) -> o.put(k + "_ms", v));
      }
      ObjectNode w = n.putObject("warmup");
      w.put("runs", warmup.runs());
      w.set("pause_notification", warmup.pause().json("_ms"));
      w.set("release", warmup.release().json("_ms"));
      ObjectNode wl = w.putObject("legs");
      warmup.legs().forEach((k, v) -> wl.set(k, v.json("_ms")));
      ObjectNode raw = n.putObject("raw");
      raw.put("record_bytes", recordBytes);
      raw.set("kafka_produce_consume", rawKafka.json("_ms"));
      raw.put("kafka_records_per_s", Math.round(rawKafkaPerSecond));
      raw.set("post", rawPost.json("_ms"));
      raw.set("chain_kafka_kafka_post", rawChain.json("_ms"));
      raw.set("exec", rawExec.json("_ms"));
      ObjectNode ul = n.putObject("raw_under_load");
      ul.put("record_bytes", LoadedRawPaths.BYTES);
      ul.set("kafka_produce_consume", underLoad.kafka().json("_ms"));
      ul.set("post", underLoad.post().json("_ms"));
      ul.set("exec", underLoad.exec().json("_ms"));
      ul.set("sandbox_get", underLoad.get().json("_ms"));
      ul.set("pause_raw_2_kafka_plus_post", pauseRawLoaded().json("_ms"));
      ul.set("pause_raw_plus_api_get", pauseRawLoadedWithApi().json("_ms"));
      ul.set(
          "pause_from_line_appended_ratio", pauseFromAppend.ratioTo(pauseRawLoaded()).json("_x"));
      ul.put("pause_target_met", pauseTargetMetUnderLoad());
      ul.set("pause_raw_chain", underLoad.chain().json("_ms"));
      ul.set(
          "pause_from_line_appended_ratio_to_chain",
          pauseFromAppend.ratioTo(underLoad.chain()).json("_x"));
      ul.put("pause_target_met_against_chain", pauseTargetMetUnderLoadAgainstChain());
      ul.set("release_raw_post_plus_kafka_plus_exec", releaseRawLoaded().json("_ms"));
      ul.set("release_ratio", release.ratioTo(releaseRawLoaded()).json("_x"));
      ul.put("release_target_met", releaseTargetMetUnderLoad());
      ObjectNode sb = n.putObject("sandbox_ceiling");
      sb.put("stored_objects", storedObjects);
      for (SandboxProbe.Ceiling c : List.of(get, patch)) {
        ObjectNode cn = sb.putObject(c.request().toLowerCase(Locale.ROOT));
        cn.set("latency", c.latency().json("_ms"));
        cn.put("requests_per_s", Math.round(c.perSecond()));
        cn.put("clients", c.threads());
      }
      n.put("failed", failed());
      n.set("problems", f.arrayNode().addAll(problems.stream().map(f::textNode).toList()));
      return n;
    }

    @Override
    public String toString() {
      return "EndToEnd.Figures" + Arrays.asList(options.runs(), pause, release, delivery);
    }
  }
}
