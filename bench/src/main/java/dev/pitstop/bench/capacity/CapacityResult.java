package dev.pitstop.bench.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.bench.BenchPart;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Part 2's figures: the raw produce and consume rates of the replayed records on the same broker,
 * and per service its events/s next to the raw consume rate, and its lag over time.
 *
 * @param replay what was replayed into each service
 * @param rawProduce a plain idempotent {@code acks=all} producer writing the same records
 * @param rawConsume a plain consumer reading them back, bytes only
 * @param runs one per service, in the order measured
 */
public record CapacityResult(
    ReplaySet replay, RawKafka.Rate rawProduce, RawKafka.Rate rawConsume, List<ServiceRun> runs)
    implements BenchPart {
  /** The absolute floor: a service needs half the raw consume rate, or this if lower. */
  public static final double TARGET_FLOOR_PER_S = 20_000;

  /** Why the watcher has no row. */
  public static final String WATCHER_NOTE =
      "watcher: not replayed (it consumes no Kafka: its input is the Kubernetes API through"
          + " informers, and a real Tekton controller writes ~20 requests/s, tekton-facts.md §4,"
          + " so its ceiling is the API server's watch, not Kafka); its hot path, the object ->"
          + " observations mapper, is measured by the JMH benchmarks";

  public CapacityResult {
    runs = List.copyOf(runs);
  }

  @Override
  public String name() {
    return "capacity";
  }

  /** min(50% of the raw consume rate, 20,000) events/s. */
  public double targetPerSecond() {
    return Math.min(rawConsume.perSecond() / 2, TARGET_FLOOR_PER_S);
  }

  /** Whether every service committed every replayed event. */
  public boolean allDrained() {
    return runs.stream().allMatch(ServiceRun::drained);
  }

  @Override
  public boolean failed() {
    return runs.stream().anyMatch(ServiceRun::stalled);
  }

  @Override
  public void print(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%nPart 2, each service alone: %d events replayed into each (%d copies of %d recorded"
            + " events, fresh run UIDs and ids per copy), %.1f MiB, %.0f bytes/event%n",
        replay.size(),
        replay.copies(),
        replay.perCopy(),
        replay.bytes() / (1024.0 * 1024),
        replay.bytes() / (double) Math.max(1, replay.size()));
    if (replay.repeats() > 0) {
      out.printf(
          Locale.ROOT,
          "  %d of the %d recorded events repeat an earlier id (the watcher re-emits a fact with its"
              + " id): replayed and committed, but dropped by the services as repeats%n",
          replay.repeats(),
          replay.perCopy());
    }
    out.printf(
        Locale.ROOT,
        "  raw produce (1 producer, acks=all, idempotent): %,10.0f events/s  %6.1f MiB/s%n",
        rawProduce.perSecond(),
        rawProduce.mibPerSecond());
    out.printf(
        Locale.ROOT,
        "  raw consume (plain consumer, bytes only):       %,10.0f events/s  %6.1f MiB/s%n",
        rawConsume.perSecond(),
        rawConsume.mibPerSecond());
    out.printf(
        Locale.ROOT,
        "  target: >= min(50%% of raw consume, 20,000) = %,.0f events/s%n",
        targetPerSecond());
    out.printf(
        Locale.ROOT,
        "  %-26s %17s %12s %6s %7s %12s %14s%n",
        "service",
        "consumed",
        "alone ev/s",
        "/raw",
        "target",
        "fed ev/s",
        "replay prod/s");
    for (ServiceRun r : runs) {
      out.printf(
          Locale.ROOT,
          "  %-26s %17s %12s %6.2f %7s %,12.0f %,14.0f%n",
          r.target().label(),
          r.consumed() + "/" + r.replayed(),
          (r.keptUp() ? ">= " : "") + String.format(Locale.ROOT, "%,.0f", r.perSecond()),
          r.perSecond() / Math.max(1e-9, rawConsume.perSecond()),
          r.perSecond() >= targetPerSecond() ? "met" : "MISSED",
          r.whileFedPerSecond(),
          r.produce().perSecond());
    }
    out.println(
        "  (alone: committed events/s once the replay was in, the service alone with the broker as"
            + " the raw consumer was; fed: over the whole run, the replay producer competing for"
            + " the CPU; >= the service kept up with the replay, so its fed rate, a lower"
            + " bound)");
    for (ServiceRun r : runs) {
      if (r.stalled()) {
        out.printf(Locale.ROOT, "  FAILED: %s stopped committing%n", r.target().label());
      }
    }
    for (ServiceRun r : runs) {
      out.printf(Locale.ROOT, "  %s: %s%n", r.target().label(), lagSentence(r));
      out.printf(Locale.ROOT, "    lag over time: %s%n", lagSeries(r, 12));
      if (r.delivered() >= 0) {
        out.printf(
            Locale.ROOT,
            "    delivered meanwhile: %d %s%n",
            r.delivered(),
            r.target() == Target.TRACER ? "spans to the OTLP receiver" : "webhook deliveries");
      }
    }
    out.println("  " + WATCHER_NOTE);
  }

  static String lagSentence(ServiceRun r) {
    StringBuilder b = new StringBuilder();
    double grow = r.lagGrowthWhileProducing();
    double after = r.lagGrowthAfterProducing();
    if (!Double.isNaN(grow)) {
      b.append(
          String.format(
              Locale.ROOT,
              "lag %s at %,.0f events/s while the replay was produced (%.1f s at %,.0f events/s)",
              grow > 0 ? "grew" : "did not grow",
              Math.abs(grow),
              r.producedMillis() / 1000.0,
              r.produce().perSecond()));
    } else {
      b.append(
          String.format(
              Locale.ROOT,
              "the replay was produced in %.1f s (too short to sample the lag's growth)",
              r.producedMillis() / 1000.0));
    }
    b.append(String.format(Locale.ROOT, ", max %,d", r.maxLag()));
    if (!Double.isNaN(after)) {
      b.append(String.format(Locale.ROOT, ", then fell at %,.0f events/s", -after));
    }
    if (r.drained()) {
      b.append(String.format(Locale.ROOT, " to 0 at %.1f s", r.doneMillis() / 1000.0));
      if (r.keptUp()) {
        b.append(
            String.format(
                Locale.ROOT,
                "; it kept up with the replay (%,.0f events/s over the run), so it takes at least"
                    + " that alone",
                r.whileFedPerSecond()));
      } else if (!Double.isNaN(grow)) {
        b.append(
            String.format(
                Locale.ROOT,
                "; so it took %,.0f events/s while fed at %,.0f, and below its alone rate (%,.0f"
                    + " events/s) the lag would not grow (inferred, not fed at that rate)",
                r.produce().perSecond() - grow,
                r.produce().perSecond(),
                r.perSecond()));
      }
    } else {
      b.append(
          String.format(
              Locale.ROOT,
              "; NOT drained: %,d left%s",
              r.finalLag(),
              r.stalled() ? " and it stopped committing (stalled)" : " at the drain limit"));
    }
    return b.toString();
  }

  static String lagSeries(ServiceRun r, int points) {
    List<LagSampler.Sample> s = r.samples();
    if (s.isEmpty()) {
      return "(no samples)";
    }
    StringBuilder b = new StringBuilder();
    int step = Math.max(1, (s.size() + points - 1) / points);
    for (int i = 0; i < s.size(); i += step) {
      if (b.length() > 0) {
        b.append(" | ");
      }
      b.append(String.format(Locale.ROOT, "%.1fs %,d", s.get(i).millis() / 1000.0, s.get(i).lag()));
    }
    LagSampler.Sample last = s.get(s.size() - 1);
    if ((s.size() - 1) % step != 0) {
      b.append(String.format(Locale.ROOT, " | %.1fs %,d", last.millis() / 1000.0, last.lag()));
    }
    return b.toString();
  }

  @Override
  public JsonNode json() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode n = m.createObjectNode();
    n.put("replayed_events_per_service", replay.size());
    n.put("recording_events", replay.perCopy());
    n.put("copies", replay.copies());
    n.put("recording_repeated_ids", replay.repeats());
    n.put("replay_bytes", replay.bytes());
    n.put("raw_produce_events_per_s", rawProduce.perSecond());
    n.put("raw_produce_mib_per_s", rawProduce.mibPerSecond());
    n.put("raw_consume_events_per_s", rawConsume.perSecond());
    n.put("raw_consume_mib_per_s", rawConsume.mibPerSecond());
    n.put("target_events_per_s", targetPerSecond());
    ArrayNode services = n.putArray("services");
    for (ServiceRun r : runs) {
      ObjectNode o = services.addObject();
      o.put("service", r.target().label());
      o.put("group", r.target().group());
      o.put("replayed", r.replayed());
      o.put("consumed", r.consumed());
      o.put("drained", r.drained());
      o.put("stalled", r.stalled());
      o.put("events_per_s", r.perSecond());
      o.put("events_per_s_while_fed", r.whileFedPerSecond());
      o.put("kept_up_with_the_replay", r.keptUp());
      o.put("ratio_to_raw_consume", r.perSecond() / Math.max(1e-9, rawConsume.perSecond()));
      o.put("target_met", r.perSecond() >= targetPerSecond());
      o.put("replay_produce_events_per_s", r.produce().perSecond());
      o.put("produced_ms", r.producedMillis());
      o.put("done_ms", r.doneMillis());
      o.put("max_lag", r.maxLag());
      o.put("lag_growth_while_producing_per_s", r.lagGrowthWhileProducing());
      o.put("lag_growth_after_producing_per_s", r.lagGrowthAfterProducing());
      if (r.delivered() >= 0) {
        o.put(r.target() == Target.TRACER ? "spans_exported" : "webhook_deliveries", r.delivered());
      }
      ArrayNode lag = o.putArray("lag");
      for (LagSampler.Sample s : r.samples()) {
        lag.addObject().put("ms", s.millis()).put("end", s.end()).put("committed", s.committed());
      }
    }
    n.put("watcher", WATCHER_NOTE);
    return n;
  }
}
