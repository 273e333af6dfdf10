package dev.pitstop.bench.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Exactly-once accounting of the webhook receiver: which events should have arrived (every event
 * the notifier delivers, read from Kafka) against what arrived, by CloudEvent id. Thread-safe.
 */
public final class DeliveryLedger {
  private final Map<String, String> expected = new LinkedHashMap<>();
  private final Map<String, Integer> delivered = new LinkedHashMap<>();

  /** An event the notifier must deliver (idempotent per id). */
  public synchronized void expect(String id, String type) {
    expected.putIfAbsent(id, type);
  }

  /** One delivery the receiver accepted. */
  public synchronized void delivered(String id) {
    delivered.merge(id, 1, Integer::sum);
  }

  /** The accounting so far. */
  public synchronized Outcome outcome() {
    Set<String> lost = new TreeSet<>();
    expected.keySet().stream().filter(id -> !delivered.containsKey(id)).forEach(lost::add);
    long duplicates = delivered.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1L).sum();
    long unexpected = delivered.keySet().stream().filter(id -> !expected.containsKey(id)).count();
    Map<String, Integer> lostByType = new LinkedHashMap<>();
    lost.forEach(id -> lostByType.merge(expected.get(id), 1, Integer::sum));
    return new Outcome(
        expected.size(),
        delivered.values().stream().mapToLong(Integer::longValue).sum(),
        lost.size(),
        duplicates,
        unexpected,
        lostByType,
        lost.stream().limit(10).toList());
  }

  /**
   * @param expected distinct events the notifier must deliver
   * @param deliveries accepted deliveries, duplicates included
   * @param lost expected events never delivered (the part fails when &gt; 0)
   * @param duplicates deliveries beyond the first of an id
   * @param unexpected distinct ids delivered that were not expected
   * @param lostByType lost events by CloudEvents type
   * @param someLost up to ten lost ids
   */
  public record Outcome(
      long expected,
      long deliveries,
      long lost,
      long duplicates,
      long unexpected,
      Map<String, Integer> lostByType,
      java.util.List<String> someLost) {}
}
