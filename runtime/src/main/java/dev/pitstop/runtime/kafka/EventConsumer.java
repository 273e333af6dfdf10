package dev.pitstop.runtime.kafka;

import dev.pitstop.events.EventType;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.ops.LogContext;
import dev.pitstop.runtime.ops.Ops;
import dev.pitstop.runtime.ops.PitstopMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes Pitstop events: reads bytes, decodes in the handler (a record that does not decode goes
 * to the dead-letter topic with the reason and the consumer goes on), drops ids already handled,
 * hands each event to {@code handler} strictly in order (the next event waits for the previous
 * handler's future), and commits offsets of handled records. A handler whose future fails is logged
 * and the record is dead-lettered with the failure as reason: the consumer never stops on one
 * event.
 *
 * <p><b>Deferred commits</b> ({@link #deferred}): for a consumer whose effects become durable long
 * after it took an event in (the tracer exports a run's spans when the run ends), the handler
 * returns a {@link Handling}: {@code processed} gates the next event as above, {@code committable}
 * completes when the record's effects are durable. A partition's offset is committed only up to its
 * lowest record not yet committable (a low watermark), so a restart replays every record whose
 * effects were not durable yet and nothing else is lost. Deferred records do not count toward the
 * in-flight limit, so a long-held record never stalls consumption. A {@code committable} that fails
 * keeps its record uncommitted until the process restarts or the partition moves (logged, counted
 * in {@code pitstop_events_not_durable_total}, and the readiness check {@code consumer:<name>}
 * fails saying so: consumption goes on, but nothing after it in that partition is committed).
 * Records that do not decode, are repeats (the first copy's offset holds the watermark) or whose
 * handling failed (dead-lettered) are committable at once. Tracking of a revoked partition is
 * dropped (its records are replayed by the new owner from the last committed offset).
 *
 * <p><b>One order per topic</b> ({@link #orderedPerTopic}): records of each topic are handled in
 * order, independently of the other topics' records (each topic its own in-flight limit, which
 * pauses only that topic's partitions).
 *
 * <p><b>Partition ownership</b> ({@link #withOwnership}): for a consumer that keeps per-partition
 * state (the breakpoint engine), the rebalance is made synchronous with that state. The Kafka
 * consumer's rebalance callbacks run on its polling thread inside {@code poll()}; Vert.x's own
 * {@code partitionsAssignedHandler}/{@code partitionsRevokedHandler} are called later on the
 * context, after the rebalance went on, so they cannot hold it. Here the polling thread waits in
 * the callback itself (up to the configured limit, which must stay below {@code
 * max.poll.interval.ms}):
 *
 * <ul>
 *   <li><i>revoked</i>: records of the revoked partitions that arrive later are dropped (the new
 *       owner reads them from the committed offset); the records in hand are handled to the end,
 *       then {@link Ownership#revoked} runs (e.g. waits for actuations and drops the partitions'
 *       state), then (deferred commits) their records' committables are awaited, then the offsets
 *       handled (and durable) are committed synchronously, then the rebalance goes on. So the next
 *       owner starts exactly after the last record this one acted on. On a lost partition (the
 *       group went on without this member) nothing is committed.
 *   <li><i>assigned</i>: {@link Ownership#assigned} runs (e.g. reads the state topic's matching
 *       partitions) before the first record of those partitions is fetched. When it fails or does
 *       not finish within the limit, the partitions are paused and it is retried every 5 seconds
 *       until it succeeds (then they are resumed) or the partitions are revoked.
 * </ul>
 *
 * <p><b>Operability</b> ({@link Ops}): counts events consumed per type, repeats and dead letters;
 * publishes each assigned partition's lag every {@value #LAG_INTERVAL_MS} ms; registers the
 * readiness check {@code consumer:<name>}, which passes once the group assigned this member its
 * partitions (possibly none, when the group has more members than partitions) and while the group
 * coordinator heard from it within the last {@value #HEARTBEAT_STALE_S} s; and sets the log MDC
 * ({@link LogContext}) while the handler runs.
 */
public final class EventConsumer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
  private static final int MAX_IN_FLIGHT = 500;
  private static final long COMMIT_INTERVAL_MS = 500;
  private static final long LAG_INTERVAL_MS = 5_000;
  private static final long HEARTBEAT_STALE_S = 60;

  private final Set<String> topicNames;
  private KafkaConsumer<byte[], byte[]> consumer;
  private final EventPublisher deadLetters;
  private final KafkaSettings settings;
  private final String name;
  private final Function<PitstopEvent, Future<Void>> handler;
  private final Function<PitstopEvent, Handling> deferredHandler;
  private final Map<TopicPartition, java.util.TreeMap<Long, Boolean>> pending = new HashMap<>();
  private final HandledIds handled = new HandledIds(100_000);
  private Set<EventType> actsOn; // null: every type
  private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();

  /**
   * Deferred records whose committable has not completed yet, per partition (only with {@link
   * #withOwnership}: a revocation waits for them before committing).
   */
  private final Map<TopicPartition, Map<Long, Future<Void>>> durable = new HashMap<>();

  /**
   * Per owned partition, the lowest offset whose deferred effects failed (read by the readiness
   * check on another thread).
   */
  private final Map<TopicPartition, Long> notDurable =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The handling order: one lane for all topics, or one per topic ({@link #orderedPerTopic}). */
  private final Map<String, Lane> lanes = new HashMap<>();

  private boolean perTopic;

  /** Partitions paused until their state is installed (never resumed by a lane). */
  private final Set<TopicPartition> installing = new java.util.HashSet<>();

  private long commitTimer = -1;
  private Ownership ownership;
  private java.time.Duration ownershipLimit;
  private final Set<TopicPartition> owned = new java.util.HashSet<>();
  private PitstopMetrics metrics;
  private volatile boolean assigned;
  private Runnable unregisterReadiness = () -> {};
  private long lagTimer = -1;

  /**
   * What a consumer that keeps state per partition does when partitions are assigned or revoked
   * (see the class comment). Both run on the consumer's context; the partitions are Kafka's plain
   * {@link org.apache.kafka.common.TopicPartition}s of every subscribed topic.
   */
  public interface Ownership {
    /**
     * Installs the state of newly assigned partitions; no record of them is handled before the
     * future succeeds. A failed future is retried (the partitions stay paused meanwhile).
     */
    Future<Void> assigned(Set<org.apache.kafka.common.TopicPartition> partitions);

    /**
     * Called once every record of the revoked partitions in hand was handled, before their offsets
     * are committed: finish what is under way for them and drop their state. A failure is logged.
     */
    Future<Void> revoked(Set<org.apache.kafka.common.TopicPartition> partitions);
  }

  /**
   * Makes rebalances wait for {@code ownership} (see the class comment); call before deploying.
   *
   * @param limit how long the polling thread waits for one hook (keep it well below {@code
   *     max.poll.interval.ms}, 5 minutes by default)
   * @return this
   */
  public EventConsumer withOwnership(Ownership ownership, java.time.Duration limit) {
    this.ownership = java.util.Objects.requireNonNull(ownership);
    this.ownershipLimit = java.util.Objects.requireNonNull(limit);
    return this;
  }

  /**
   * Handles records of different topics independently (call before deploying): each topic's records
   * in order, but a topic's backlog or a slow handling never delays another topic's records, and
   * the in-flight limit pauses only the partitions of the topic that reached it. For a consumer
   * whose topics carry independent kinds of input (the breakpoint engine: a person's commands must
   * not wait behind thousands of observations). The order between records of different topics is
   * then not kept, so the handler must not depend on it.
   *
   * @return this
   */
  public EventConsumer orderedPerTopic() {
    this.perTopic = true;
    return this;
  }

  /**
   * Hands the handler only events of {@code types} (call before deploying): a record whose {@code
   * ce_type} header ({@link EventRecords#typeOf}) names another Pitstop type is not decoded; it is
   * counted ({@code pitstop_events_skipped_total{consumer,type}}) and committable at once, as an
   * event the handler would have ignored. A record without such a header is decoded as before, so a
   * malformed one is still dead-lettered. For a consumer that acts on a few of its topic's types
   * (the breakpoint engine: decoding was most of its loop, issue #7).
   *
   * @param types the types the handler acts on; every other type must be one it ignores
   * @return this
   */
  public EventConsumer onlyTypes(Set<EventType> types) {
    this.actsOn = java.util.EnumSet.copyOf(types);
    return this;
  }

  /** One handling order: its tail, its records in hand, whether it paused its partitions. */
  private static final class Lane {
    Future<Void> tail = Future.succeededFuture();
    int inFlight;
    boolean paused;
    final Set<TopicPartition> partitions = new java.util.HashSet<>();
  }

  private Lane lane(String topic) {
    return lanes.computeIfAbsent(perTopic ? topic : "", k -> new Lane());
  }

  /** Completes when every lane's records in hand now were handled. */
  private Future<Void> tails() {
    List<Future<Void>> all = new java.util.ArrayList<>();
    lanes.values().forEach(l -> all.add(l.tail));
    return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * @param name the consumer group id and the name in dead-letter headers (e.g. {@code tracer})
   * @param handler called once per new event, on the consumer's context; its future completes when
   *     the event's effects are done
   */
  public EventConsumer(
      KafkaSettings settings,
      Set<String> topics,
      String name,
      EventPublisher deadLetters,
      Function<PitstopEvent, Future<Void>> handler) {
    this.topicNames = Set.copyOf(topics);
    this.settings = settings;
    this.name = name;
    this.deadLetters = deadLetters;
    this.handler = handler;
    this.deferredHandler = null;
  }

  private EventConsumer(
      KafkaSettings settings,
      Set<String> topics,
      String name,
      EventPublisher deadLetters,
      Function<PitstopEvent, Handling> deferredHandler,
      boolean deferred) {
    this.topicNames = Set.copyOf(topics);
    this.settings = settings;
    this.name = name;
    this.deadLetters = deadLetters;
    this.handler = null;
    this.deferredHandler = java.util.Objects.requireNonNull(deferredHandler);
  }

  /**
   * What a deferred-commit handler returns for one event.
   *
   * @param processed completes when the next event may be handled (in-order processing)
   * @param committable completes when the event's effects are durable and its offset may be
   *     committed; may complete much later, on any thread
   */
  public record Handling(Future<Void> processed, Future<Void> committable) {
    /** Processed and committable at once. */
    public static Handling done() {
      return new Handling(Future.succeededFuture(), Future.succeededFuture());
    }
  }

  /**
   * A consumer with deferred commits (see the class comment): offsets are committed only once the
   * handler's {@link Handling#committable()} of every earlier record of the partition completed.
   *
   * @param handler called once per new event, on the consumer's context
   */
  public static EventConsumer deferred(
      KafkaSettings settings,
      Set<String> topics,
      String name,
      EventPublisher deadLetters,
      Function<PitstopEvent, Handling> handler) {
    return new EventConsumer(settings, topics, name, deadLetters, handler, true);
  }

  /** Subscribes to the topics; completes once subscribed. */
  @Override
  public Future<?> start() {
    if (ownership == null) {
      consumer = KafkaConsumer.create(vertx, settings.consumerConfig(name, name));
    } else {
      consumer =
          KafkaConsumer.create(
              vertx, new OwningConsumer(new HashMap<>(settings.consumerConfig(name, name))));
    }
    consumer.exceptionHandler(
        t -> {
          if (t instanceof org.apache.kafka.common.errors.WakeupException) {
            LOG.debug("{}: consumer woken up (closing)", name);
          } else {
            LOG.warn("{}: consumer error: {}", name, t.toString());
          }
        });
    consumer.handler(this::onRecord);
    Ops ops = Ops.of(vertx);
    metrics = ops.metrics();
    consumer.partitionsAssignedHandler(parts -> assigned = true);
    unregisterReadiness = ops.readiness().register("consumer:" + name, this::readiness);
    lagTimer = vertx.setPeriodic(LAG_INTERVAL_MS, id -> publishLag());
    if (deferredHandler != null || perTopic) {
      consumer.partitionsRevokedHandler(
          revoked -> {
            for (TopicPartition tp : revoked) {
              if (deferredHandler != null) {
                pending.remove(tp);
                toCommit.remove(tp);
                notDurable.remove(tp);
              }
              lanes.values().forEach(l -> l.partitions.remove(tp));
            }
          });
    }
    commitTimer = vertx.setPeriodic(COMMIT_INTERVAL_MS, id -> commit());
    return consumer.subscribe(topicNames);
  }

  private void onRecord(KafkaConsumerRecord<byte[], byte[]> rec) {
    if (ownership != null && !owned.contains(new TopicPartition(rec.topic(), rec.partition()))) {
      LOG.debug(
          "{}: drop {}-{}@{}: partition not owned (revoked)",
          name,
          rec.topic(),
          rec.partition(),
          rec.offset());
      return;
    }
    if (deferredHandler != null) {
      pending
          .computeIfAbsent(
              new TopicPartition(rec.topic(), rec.partition()), k -> new java.util.TreeMap<>())
          .put(rec.offset(), Boolean.FALSE);
    }
    Lane lane = lane(rec.topic());
    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
    lane.partitions.add(tp);
    lane.inFlight++;
    if (lane.inFlight >= MAX_IN_FLIGHT && !lane.paused) {
      lane.paused = true;
      if (perTopic) {
        consumer.pause(Set.copyOf(lane.partitions));
      } else {
        consumer.pause();
      }
    }
    lane.tail =
        lane.tail
            .transform(ignored -> process(rec))
            .onComplete(ar -> done(lane, rec, ar.succeeded() && Boolean.TRUE.equals(ar.result())))
            .mapEmpty();
  }

  /** Handles one record; true when its commit now waits for the handler's committable. */
  private Future<Boolean> process(KafkaConsumerRecord<byte[], byte[]> rec) {
    if (actsOn != null) {
      java.util.Optional<EventType> type = EventRecords.typeOf(rec.record().headers());
      if (type.isPresent() && !actsOn.contains(type.get())) {
        metrics.skipped(name, type.get().type());
        return Future.succeededFuture(false);
      }
    }
    // The Kafka record's own headers: Vert.x's rec.headers() copies every header into a Buffer and
    // back, ~7% of a consumer's event-loop time (JFR, pitstop bench part 2).
    RecordHeaders headers = new RecordHeaders(rec.record().headers().toArray());
    PitstopEvent e;
    try {
      e = EventRecords.decode(headers, rec.value());
    } catch (MalformedEventException ex) {
      LOG.warn(
          "{}: dead-lettering {}-{}@{}: {}",
          name,
          rec.topic(),
          rec.partition(),
          rec.offset(),
          ex.getMessage());
      metrics.deadLettered(name, "malformed");
      return deadLetter(rec, headers, ex.getMessage()).map(false);
    }
    if (!handled.firstTime(e.id())) {
      LOG.debug("{}: drop repeated {} {} {}", name, e.id(), e.type().type(), e.subject());
      metrics.repeated(name);
      return Future.succeededFuture(false);
    }
    metrics.consumed(name, e.type().type());
    Future<Boolean> f;
    try (LogContext mdc = LogContext.of(e)) {
      if (deferredHandler != null) {
        Handling h = deferredHandler.apply(e);
        if (h.committable().succeeded()) {
          // Durable already (most events write nothing): released when processed, no extra turn.
          return h.processed().map(false).recover(ex -> failedHandling(rec, headers, e, ex));
        }
        TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
        java.util.TreeMap<Long, Boolean> partition = pending.get(tp);
        if (ownership != null && !h.committable().isComplete()) {
          Map<Long, Future<Void>> open = durable.computeIfAbsent(tp, k -> new HashMap<>());
          open.put(rec.offset(), h.committable());
          h.committable().onComplete(ar -> context.runOnContext(v -> open.remove(rec.offset())));
        }
        h.committable()
            .onComplete(
                ar ->
                    context.runOnContext(
                        v -> {
                          if (ar.succeeded()) {
                            release(tp, partition, rec.offset());
                          } else {
                            notDurable.merge(tp, rec.offset(), Math::min);
                            metrics.notDurable(name);
                            LOG.warn(
                                "{}: {} {} {} not durable, offset {}-{}@{} stays uncommitted: {}",
                                name,
                                e.id(),
                                e.type().type(),
                                e.subject(),
                                rec.topic(),
                                rec.partition(),
                                rec.offset(),
                                ar.cause().toString());
                          }
                        }));
        f = h.processed().map(true);
      } else {
        f = handler.apply(e).map(false);
      }
    } catch (RuntimeException ex) {
      f = Future.failedFuture(ex);
    }
    return f.recover(ex -> failedHandling(rec, headers, e, ex));
  }

  private Future<Boolean> failedHandling(
      KafkaConsumerRecord<byte[], byte[]> rec,
      RecordHeaders headers,
      PitstopEvent e,
      Throwable ex) {
    LOG.warn(
        "{}: handling {} {} {} failed: {}",
        name,
        e.id(),
        e.type().type(),
        e.subject(),
        ex.toString());
    metrics.deadLettered(name, "handler_failed");
    return deadLetter(rec, headers, "handler failed in " + name + ": " + ex).map(false);
  }

  private Future<Void> deadLetter(
      KafkaConsumerRecord<byte[], byte[]> rec, RecordHeaders headers, String reason) {
    ConsumerRecord<byte[], byte[]> raw = rec.record();
    return deadLetters
        .send(
            EventRecords.deadLetter(
                settings.topics().deadLetter(),
                raw.topic(),
                raw.partition(),
                raw.offset(),
                raw.key(),
                raw.value(),
                headers,
                name,
                reason))
        .recover(
            ex -> {
              LOG.error(
                  "{}: could not dead-letter {}-{}@{}: {}",
                  name,
                  rec.topic(),
                  rec.partition(),
                  rec.offset(),
                  ex.toString());
              return Future.succeededFuture();
            });
  }

  /** Marks a deferred record committable; advances the partition's commit to its low watermark. */
  private void release(TopicPartition tp, java.util.TreeMap<Long, Boolean> partition, long offset) {
    if (partition == null || pending.get(tp) != partition) {
      return; // revoked meanwhile
    }
    partition.replace(offset, Boolean.TRUE);
    Long committable = null;
    while (!partition.isEmpty() && partition.firstEntry().getValue()) {
      committable = partition.pollFirstEntry().getKey() + 1;
    }
    if (committable != null) {
      toCommit.put(tp, new OffsetAndMetadata(committable, ""));
    }
  }

  private void done(Lane lane, KafkaConsumerRecord<byte[], byte[]> rec, boolean deferredToHandler) {
    lane.inFlight--;
    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
    if (deferredHandler == null) {
      toCommit.put(tp, new OffsetAndMetadata(rec.offset() + 1, ""));
    } else if (!deferredToHandler) {
      release(tp, pending.get(tp), rec.offset());
    }
    if (lane.paused && lane.inFlight < MAX_IN_FLIGHT / 2) {
      lane.paused = false;
      if (perTopic) {
        Set<TopicPartition> resume = new java.util.HashSet<>(lane.partitions);
        resume.removeAll(installing);
        if (ownership != null) {
          resume.retainAll(owned);
        }
        consumer.resume(resume);
      } else {
        consumer.resume();
      }
    }
  }

  private Future<Void> commit() {
    if (ownership != null) {
      toCommit.keySet().retainAll(owned); // a revoked partition's offsets were committed then
    }
    if (toCommit.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(toCommit);
    toCommit.clear();
    return consumer
        .commit(offsets)
        .<Void>mapEmpty()
        .recover(
            ex -> {
              LOG.debug("{}: commit failed (will retry): {}", name, ex.toString());
              offsets.forEach(toCommit::putIfAbsent);
              return Future.succeededFuture();
            });
  }

  /**
   * Ready once assigned (possibly no partitions), heard by the group coordinator lately, and no
   * deferred record of an owned partition failed to become durable (its offset, and every later
   * one, stay uncommitted until a restart or a rebalance replays them).
   */
  private Future<Void> readiness() {
    if (!assigned) {
      return Future.failedFuture("no partitions assigned yet (joining group " + name + ")");
    }
    Map<TopicPartition, Long> stuck = Map.copyOf(notDurable);
    if (!stuck.isEmpty()) {
      Map.Entry<TopicPartition, Long> first = stuck.entrySet().iterator().next();
      return Future.failedFuture(
          "effects of events in "
              + stuck.size()
              + " partition(s) could not be made durable (e.g. "
              + first.getKey().getTopic()
              + "-"
              + first.getKey().getPartition()
              + "@"
              + first.getValue()
              + "): their offsets stay uncommitted until a restart replays them");
    }
    Double beat = kafkaMetric("consumer-coordinator-metrics", "last-heartbeat-seconds-ago");
    if (beat != null && beat > HEARTBEAT_STALE_S) {
      return Future.failedFuture(
          "no heartbeat to the group coordinator for " + beat.longValue() + " s");
    }
    return Future.succeededFuture();
  }

  private Double kafkaMetric(String group, String metric) {
    for (var m : consumer.unwrap().metrics().entrySet()) {
      if (m.getKey().name().equals(metric)
          && m.getKey().group().equals(group)
          && m.getValue().metricValue() instanceof Double d
          && !d.isNaN()) {
        return d;
      }
    }
    return null;
  }

  /** The Kafka consumer's {@code records-lag} of each assigned partition, to the metrics. */
  private void publishLag() {
    List<PitstopMetrics.Lag> rows = new java.util.ArrayList<>();
    for (var m : consumer.unwrap().metrics().entrySet()) {
      Map<String, String> tags = m.getKey().tags();
      if (m.getKey().name().equals("records-lag")
          && m.getKey().group().equals("consumer-fetch-manager-metrics")
          && tags.containsKey("topic")
          && tags.containsKey("partition")
          && m.getValue().metricValue() instanceof Double d
          && !d.isNaN()) {
        try {
          rows.add(
              new PitstopMetrics.Lag(
                  tags.get("topic"), Integer.parseInt(tags.get("partition")), d));
        } catch (NumberFormatException ignored) {
          // not a partition number: not a lag row
        }
      }
    }
    metrics.lag(name, rows);
  }

  /** Waits for events in hand, commits, and closes the consumer. */
  @Override
  public Future<?> stop() {
    if (commitTimer >= 0) {
      vertx.cancelTimer(commitTimer);
    }
    if (lagTimer >= 0) {
      vertx.cancelTimer(lagTimer);
    }
    unregisterReadiness.run();
    metrics.lag(name, List.of());
    Promise<Void> p = Promise.promise();
    tails().eventually(this::commit).eventually(consumer::close).onComplete(ar -> p.complete());
    return p.future();
  }

  // ---- partition ownership (see the class comment) ----

  private static TopicPartition vertxPartition(org.apache.kafka.common.TopicPartition tp) {
    return new TopicPartition(tp.topic(), tp.partition());
  }

  /** On the context: stop taking the partitions' records, finish those in hand, then the hook. */
  private Future<Map<org.apache.kafka.common.TopicPartition, Long>> revoking(
      Set<org.apache.kafka.common.TopicPartition> parts) {
    Set<TopicPartition> vparts = new java.util.HashSet<>();
    parts.forEach(tp -> vparts.add(vertxPartition(tp)));
    owned.removeAll(vparts);
    lanes.values().forEach(l -> l.partitions.removeAll(vparts));
    return tails()
        .transform(ignored -> ownership.revoked(parts))
        .recover(
            t -> {
              LOG.warn("{}: revoking {} failed: {}", name, parts, t.toString());
              return Future.succeededFuture();
            })
        .compose(v -> durable(vparts))
        .map(
            v -> {
              Map<org.apache.kafka.common.TopicPartition, Long> offsets = new HashMap<>();
              for (TopicPartition tp : vparts) {
                OffsetAndMetadata o = toCommit.remove(tp);
                pending.remove(tp);
                durable.remove(tp);
                notDurable.remove(tp);
                if (o != null) {
                  offsets.put(
                      new org.apache.kafka.common.TopicPartition(tp.getTopic(), tp.getPartition()),
                      o.getOffset());
                }
              }
              return offsets;
            });
  }

  /**
   * On the context: completes once the deferred records of {@code parts} in hand are durable (or
   * failed), and their watermarks advanced, so a revocation commits every record whose effects are
   * written and the next owner reads those effects (e.g. the engine's state) before replaying.
   */
  private Future<Void> durable(Set<TopicPartition> parts) {
    List<Future<Void>> open = new java.util.ArrayList<>();
    for (TopicPartition tp : parts) {
      Map<Long, Future<Void>> m = durable.get(tp);
      if (m != null) {
        open.addAll(m.values());
      }
    }
    if (open.isEmpty()) {
      return Future.succeededFuture();
    }
    // The watermarks advance on the context after each completes: one more turn of it runs after.
    return Future.join(open)
        .<Void>transform(
            ar -> {
              Promise<Void> p = Promise.promise();
              context.runOnContext(x -> p.complete());
              return p.future();
            });
  }

  /** On the context: the hook, retried every 5 s until it succeeds or the partitions go. */
  private Future<Void> assigning(Set<org.apache.kafka.common.TopicPartition> parts) {
    Set<TopicPartition> vparts = new java.util.HashSet<>();
    parts.forEach(tp -> vparts.add(vertxPartition(tp)));
    owned.addAll(vparts);
    Promise<Void> done = Promise.promise();
    attemptAssigned(parts, vparts, done);
    return done.future();
  }

  private void attemptAssigned(
      Set<org.apache.kafka.common.TopicPartition> parts,
      Set<TopicPartition> vparts,
      Promise<Void> done) {
    Future<Void> f;
    try {
      f = ownership.assigned(parts);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(
        ar -> {
          if (ar.succeeded()) {
            done.tryComplete();
          } else if (!owned.containsAll(vparts)) {
            done.tryFail("revoked before their state was installed");
          } else {
            LOG.error(
                "{}: installing the state of {} failed (retrying in 5s; they stay paused): {}",
                name,
                parts,
                ar.cause().toString());
            vertx.setTimer(5_000, id -> attemptAssigned(parts, vparts, done));
          }
        });
  }

  /** Runs {@code hook} on the context and waits for it on the calling (polling) thread. */
  private <T> T await(java.util.function.Supplier<Future<T>> hook, String what) throws Exception {
    java.util.concurrent.CompletableFuture<T> cf = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            hook.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        cf.complete(ar.result());
                      } else {
                        cf.completeExceptionally(ar.cause());
                      }
                    });
          } catch (RuntimeException e) {
            cf.completeExceptionally(e);
          }
        });
    try {
      return cf.get(ownershipLimit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new java.util.concurrent.TimeoutException(what + " took longer than " + ownershipLimit);
    }
  }

  /**
   * The Kafka consumer under Vert.x's, whose rebalance listener is wrapped so the polling thread
   * waits for the {@link Ownership} hooks.
   */
  private final class OwningConsumer
      extends org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> {
    OwningConsumer(Map<String, Object> config) {
      super(config);
    }

    @Override
    public void subscribe(
        java.util.Collection<String> topics,
        org.apache.kafka.clients.consumer.ConsumerRebalanceListener vertxListener) {
      super.subscribe(topics, new Listener(this, vertxListener));
    }
  }

  private final class Listener
      implements org.apache.kafka.clients.consumer.ConsumerRebalanceListener {
    private final OwningConsumer kafka;
    private final org.apache.kafka.clients.consumer.ConsumerRebalanceListener vertxListener;

    Listener(
        OwningConsumer kafka,
        org.apache.kafka.clients.consumer.ConsumerRebalanceListener vertxListener) {
      this.kafka = kafka;
      this.vertxListener = vertxListener;
    }

    @Override
    public void onPartitionsRevoked(
        java.util.Collection<org.apache.kafka.common.TopicPartition> parts) {
      giveUp(parts, true);
      vertxListener.onPartitionsRevoked(parts);
    }

    @Override
    public void onPartitionsLost(
        java.util.Collection<org.apache.kafka.common.TopicPartition> parts) {
      assigned = false;
      giveUp(parts, false);
      vertxListener.onPartitionsLost(parts);
    }

    private void giveUp(
        java.util.Collection<org.apache.kafka.common.TopicPartition> parts, boolean commit) {
      if (parts.isEmpty()) {
        return;
      }
      Set<org.apache.kafka.common.TopicPartition> set = Set.copyOf(parts);
      Map<org.apache.kafka.common.TopicPartition, Long> offsets;
      try {
        offsets = await(() -> revoking(set), "revoking " + set);
      } catch (Exception e) {
        LOG.error(
            "{}: revoking {} did not finish ({}); the next owner may replay records in hand",
            name,
            set,
            e.toString());
        return;
      }
      if (!commit || offsets.isEmpty()) {
        LOG.info("{}: partitions revoked {}", name, set);
        return;
      }
      Map<
              org.apache.kafka.common.TopicPartition,
              org.apache.kafka.clients.consumer.OffsetAndMetadata>
          commits = new HashMap<>();
      offsets.forEach(
          (tp, o) -> commits.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(o)));
      for (int attempt = 1; ; attempt++) {
        try {
          kafka.commitSync(commits);
          LOG.info("{}: partitions revoked {}, committed {}", name, set, offsets);
          return;
        } catch (org.apache.kafka.common.errors.WakeupException e) {
          if (attempt >= 2) {
            LOG.error("{}: commit on revoking {} interrupted twice: {}", name, set, e.toString());
            return;
          }
        } catch (RuntimeException e) {
          LOG.error("{}: commit on revoking {} failed: {}", name, set, e.toString());
          return;
        }
      }
    }

    @Override
    public void onPartitionsAssigned(
        java.util.Collection<org.apache.kafka.common.TopicPartition> parts) {
      vertxListener.onPartitionsAssigned(parts);
      Set<org.apache.kafka.common.TopicPartition> set = Set.copyOf(parts);
      @SuppressWarnings("unchecked")
      Future<Void>[] install = new Future[1];
      try {
        await(() -> install[0] = assigning(set), "installing the state of " + set);
        LOG.info("{}: partitions assigned {}", name, set);
      } catch (Exception e) {
        LOG.error("{}: {}; pausing them until it succeeds", name, e.toString());
        kafka.pause(set);
        Set<TopicPartition> vparts = new java.util.HashSet<>();
        set.forEach(tp -> vparts.add(vertxPartition(tp)));
        // Runs after the hook was called (same context, in order): resume once installed.
        context.runOnContext(
            v -> {
              installing.addAll(vparts);
              install[0].onComplete(x -> installing.removeAll(vparts));
              install[0].onSuccess(
                  x -> {
                    LOG.info("{}: state of {} installed late; resuming", name, set);
                    consumer.resume(vparts);
                  });
            });
      }
    }
  }

  /** Topics to subscribe to, for convenience. */
  public static Set<String> topics(String... names) {
    return Set.copyOf(List.of(names));
  }
}
