package dev.pitstop.engine.state;

import dev.pitstop.engine.BreakpointEngine;
import dev.pitstop.runtime.kafka.EventConsumer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties the engine's state to the partitions its consumer owns. The observations and commands topics
 * and the state topic have the same partition count ({@link StateTopic#prepare}) and the same key
 * (the root run's uid), and the engine's group uses Kafka's range assignor, which gives one member
 * partition {@code p} of every subscribed topic: so "partition {@code p}" names one slice of root
 * runs whose observations, commands and state all live at {@code p}.
 *
 * <ul>
 *   <li>assigned partitions → read partitions {@code p} of the state topic to their end offsets
 *       (taken at assignment) and restore those root runs into the engine, before any record of
 *       {@code p} is handled (the consumer holds the rebalance meanwhile);
 *   <li>revoked partitions → (records in hand already handled) wait for the execs and patches under
 *       way, then drop the root runs of {@code p}; the consumer commits afterwards.
 * </ul>
 */
public final class StateOwnership implements EventConsumer.Ownership {
  private static final Logger LOG = LoggerFactory.getLogger(StateOwnership.class);

  private final StateTopic topic;
  private final BreakpointEngine engine;
  private final int partitions;
  private final Promise<Void> first = Promise.promise();
  private final GlobalView view;

  /**
   * How often each partition was assigned: a revocation that finishes late (after the partition
   * came back) must not drop the state installed since.
   */
  private final java.util.Map<Integer, Long> generations =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The partitions whose state is installed here now. */
  private final Set<Integer> owned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param partitions the partition count every topic involved has
   */
  public StateOwnership(StateTopic topic, BreakpointEngine engine, int partitions) {
    this(topic, engine, partitions, null);
  }

  /**
   * @param view the API's view of every root run, which keeps no copy of the runs owned here: it
   *     forgets a partition's root runs once they are installed here, and adopts their last state
   *     from the books when the partition is revoked (so the API still lists them); or null
   */
  public StateOwnership(
      StateTopic topic, BreakpointEngine engine, int partitions, GlobalView view) {
    this.topic = topic;
    this.engine = engine;
    this.partitions = partitions;
    this.view = view;
  }

  /** Completes once the first assignment (possibly empty) has its state installed. */
  public Future<Void> firstAssignment() {
    return first.future();
  }

  /**
   * Whether this instance owns root run {@code rootUid} now: its partition is assigned here and its
   * state installed. The API answers such runs from the engine's own books, others from the {@link
   * GlobalView}.
   */
  public boolean owns(String rootUid) {
    return rootUid != null && owned.contains(StateTopic.partitionOf(rootUid, partitions));
  }

  /** The root runs whose partition is one of {@code which}. */
  public Predicate<String> rootsOf(Set<Integer> which) {
    return root -> which.contains(StateTopic.partitionOf(root, partitions));
  }

  private static Set<Integer> numbers(Set<TopicPartition> parts) {
    return parts.stream()
        .map(TopicPartition::partition)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Override
  public Future<Void> assigned(Set<TopicPartition> parts) {
    Set<Integer> which = numbers(parts);
    which.forEach(p -> generations.merge(p, 1L, Long::sum));
    return topic
        .load(which)
        .map(
            states -> {
              engine.drop(rootsOf(which));
              engine.restore(states.values());
              owned.addAll(which);
              if (view != null) {
                view.forget(rootsOf(which)); // the books hold them now: one copy
              }
              LOG.info(
                  "partitions {} assigned: restored {} root run(s) from {}",
                  which,
                  states.size(),
                  topic.topic());
              return (Void) null;
            })
        .onSuccess(v -> first.tryComplete());
  }

  @Override
  public Future<Void> revoked(Set<TopicPartition> parts) {
    Set<Integer> which = numbers(parts);
    java.util.Map<Integer, Long> at = new java.util.HashMap<>();
    which.forEach(p -> at.put(p, generations.getOrDefault(p, 0L)));
    return engine
        .actuations()
        .map(
            v -> {
              Set<Integer> gone = new TreeSet<>();
              at.forEach(
                  (p, g) -> {
                    if (generations.getOrDefault(p, 0L).equals(g)) {
                      gone.add(p);
                    }
                  });
              Predicate<String> roots = rootsOf(gone);
              java.util.List<RootState> last =
                  view == null ? java.util.List.of() : engine.states(roots);
              owned.removeAll(gone);
              if (view != null) {
                view.adopt(last); // listed from the view again until the new owner writes
              }
              engine.drop(roots);
              LOG.info("partitions {} revoked: their root runs' state dropped", gone);
              return null;
            });
  }
}
