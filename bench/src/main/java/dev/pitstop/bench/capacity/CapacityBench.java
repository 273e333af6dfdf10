package dev.pitstop.bench.capacity;

import dev.pitstop.bench.Recording;
import dev.pitstop.events.Topics;
import dev.pitstop.runtime.PitstopService;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.runtime.kafka.TopicSetup;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.EmbeddedKafka;
import dev.pitstop.sandbox.otlp.OtlpReceiver;
import dev.pitstop.sandbox.receivers.WebhookReceiver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Part 2 of {@code pitstop bench}, each service's own capacity: a {@link Recording} replayed
 * ({@link ReplaySet}: whole copies with fresh run UIDs and ids) straight into Kafka as fast as the
 * broker takes it, into a fresh topic prefix per service, while that service consumes alone; its
 * group's committed offsets are sampled ({@link LagSampler}) until it committed every event or the
 * drain limit passed. The raw limit is measured first on the same broker with the same records
 * ({@link RawKafka}).
 *
 * <p>The watcher is not measured here: its input is the Kubernetes API, not Kafka, so replaying
 * observations cannot exercise it (see {@link CapacityResult#WATCHER_NOTE}).
 */
public final class CapacityBench {
  private CapacityBench() {}

  /**
   * How to run part 2.
   *
   * @param bootstrap the broker, or null to start an embedded one (KRaft, 3 partitions per topic)
   * @param minEvents replay at least this many events per service (whole copies of the recording)
   * @param drainLimit how long to wait, after producing, for a service to commit every event
   * @param sampleEvery the lag sampling interval
   * @param targets the services to measure, one after the other
   */
  public record Setup(
      String bootstrap,
      long minEvents,
      Duration drainLimit,
      Duration sampleEvery,
      List<Target> targets) {
    public Setup {
      targets = List.copyOf(targets);
      if (minEvents < 1) {
        throw new IllegalArgumentException("minEvents must be >= 1, was " + minEvents);
      }
    }
  }

  /** How long a service may go without committing anything, with lag, before it counts stalled. */
  public static final Duration STALL = Duration.ofSeconds(15);

  /**
   * Runs part 2.
   *
   * @throws IllegalArgumentException when the recording holds no Pitstop event
   * @throws Exception when the broker, a receiver or a service cannot start
   */
  public static CapacityResult run(Setup setup, Recording recording, PrintStream out)
      throws Exception {
    long t0 = System.nanoTime();
    ReplaySet set = ReplaySet.of(recording, setup.minEvents());
    out.printf(
        Locale.ROOT,
        "capacity: %d events to replay per service (%d copies of %d recorded events, %d skipped),"
            + " %.1f MiB, encoded in %d ms%n",
        set.size(),
        set.copies(),
        set.perCopy(),
        set.skipped(),
        set.bytes() / (1024.0 * 1024),
        (System.nanoTime() - t0) / 1_000_000);
    List<AutoCloseable> closing = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      String bootstrap = setup.bootstrap();
      if (bootstrap == null) {
        EmbeddedKafka kafka = EmbeddedKafka.start(3);
        closing.add(kafka);
        bootstrap = kafka.bootstrapServers();
      }
      String runId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);

      // The limit: the same records, on the same broker, by plain clients.
      Topics raw = new Topics("bench-cap-raw-" + runId + ".");
      TopicSetup.ensure(KafkaSettings.of(bootstrap, raw), 3, Duration.ofSeconds(30));
      RawKafka.Rate rawProduce = RawKafka.produce(bootstrap, raw.observations(), set);
      RawKafka.Rate rawConsume =
          RawKafka.consume(bootstrap, raw.observations(), Duration.ofMinutes(5));
      out.printf(
          Locale.ROOT,
          "capacity: raw produce %.0f events/s, raw consume %.0f events/s%n",
          rawProduce.perSecond(),
          rawConsume.perSecond());

      WebhookReceiver webhook = WebhookReceiver.start(vertx, 0).await();
      OtlpReceiver otlp = OtlpReceiver.start(vertx, 0).await();
      KubernetesClient client = null;
      if (setup.targets().contains(Target.BREAKPOINT_ENGINE)) {
        SandboxApiServer api = SandboxApiServer.start();
        closing.add(api);
        client = api.newClient();
        closing.add(client);
      }
      List<ServiceRun> runs = new ArrayList<>();
      for (Target target : setup.targets()) {
        String prefix = "bench-cap-" + target.name().toLowerCase(Locale.ROOT) + "-" + runId + ".";
        Target.Env env = new Target.Env(bootstrap, prefix, webhook.url(), otlp.endpoint(), client);
        ServiceRun run = measure(setup, set, target, env, vertx, webhook, otlp);
        out.printf(
            Locale.ROOT,
            "capacity: %s consumed %d of %d in %.1f s: %.0f events/s%n",
            target.label(),
            run.consumed(),
            run.replayed(),
            run.doneMillis() / 1000.0,
            run.perSecond());
        runs.add(run);
      }
      webhook.close().await();
      otlp.close().await();
      return new CapacityResult(set, rawProduce, rawConsume, runs);
    } finally {
      try {
        vertx.close().await();
      } catch (RuntimeException e) {
        out.println("capacity: while stopping Vert.x: " + e);
      }
      for (int i = closing.size() - 1; i >= 0; i--) {
        try {
          closing.get(i).close();
        } catch (Exception e) {
          out.println("capacity: while stopping: " + e);
        }
      }
    }
  }

  private static ServiceRun measure(
      Setup setup,
      ReplaySet set,
      Target target,
      Target.Env env,
      Vertx vertx,
      WebhookReceiver webhook,
      OtlpReceiver otlp)
      throws Exception {
    Topics topics = new Topics(env.topicPrefix());
    TopicSetup.ensure(KafkaSettings.of(env.bootstrap(), topics), 3, Duration.ofSeconds(30));
    int webhook0 = webhook.received().size();
    int spans0 = otlp.spans().size();
    PitstopService service = target.start(vertx, env).await();
    try (LagSampler sampler =
        new LagSampler(env.bootstrap(), topics.observations(), target.group())) {
      sampler.start(setup.sampleEvery());
      RawKafka.Rate produce = RawKafka.produce(env.bootstrap(), topics.observations(), set);
      long producedMillis = sampler.millis();
      long deadline = System.nanoTime() + setup.drainLimit().toNanos();
      long lastProgress = System.nanoTime();
      long lastCommitted = -1;
      boolean stalled = false;
      while (true) {
        LagSampler.Sample s = sampler.sample();
        if (s.committed() >= set.size()) {
          break;
        }
        if (s.committed() != lastCommitted) {
          lastCommitted = s.committed();
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
          stalled = true;
          break;
        }
        if (System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(setup.sampleEvery().toMillis() / 2 + 1); // the harness's own pacing
      }
      Thread.sleep(setup.sampleEvery().toMillis()); // one more periodic sample after the end
      List<LagSampler.Sample> samples = sampler.samples();
      long consumed = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).committed();
      long doneMillis =
          samples.stream()
              .filter(x -> x.committed() == consumed)
              .mapToLong(LagSampler.Sample::millis)
              .min()
              .orElse(0);
      long delivered =
          switch (target) {
            case NOTIFIER -> webhook.received().size() - webhook0;
            case TRACER -> otlp.spans().size() - spans0;
            default -> -1;
          };
      return new ServiceRun(
          target,
          set.size(),
          consumed,
          consumed >= set.size(),
          stalled,
          produce,
          producedMillis,
          doneMillis,
          samples,
          delivered);
    } finally {
      service.stop().await();
    }
  }
}
