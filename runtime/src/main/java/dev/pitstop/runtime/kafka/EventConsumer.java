package dev.pitstop.runtime.kafka;

import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.kafka.EventRecords;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
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
 */
public final class EventConsumer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
  private static final int MAX_IN_FLIGHT = 500;
  private static final long COMMIT_INTERVAL_MS = 500;

  private final Set<String> topicNames;
  private KafkaConsumer<byte[], byte[]> consumer;
  private final EventPublisher deadLetters;
  private final KafkaSettings settings;
  private final String name;
  private final Function<PitstopEvent, Future<Void>> handler;
  private final HandledIds handled = new HandledIds(100_000);
  private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
  private Future<Void> tail = Future.succeededFuture();
  private int inFlight;
  private boolean paused;
  private long commitTimer = -1;

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
  }

  /** Subscribes to the topics; completes once subscribed. */
  @Override
  public Future<?> start() {
    consumer = KafkaConsumer.create(vertx, settings.consumerConfig(name, name));
    consumer.exceptionHandler(
        t -> {
          if (t instanceof org.apache.kafka.common.errors.WakeupException) {
            LOG.debug("{}: consumer woken up (closing)", name);
          } else {
            LOG.warn("{}: consumer error: {}", name, t.toString());
          }
        });
    consumer.handler(this::onRecord);
    commitTimer = vertx.setPeriodic(COMMIT_INTERVAL_MS, id -> commit());
    return consumer.subscribe(topicNames);
  }

  private void onRecord(KafkaConsumerRecord<byte[], byte[]> rec) {
    inFlight++;
    if (inFlight >= MAX_IN_FLIGHT && !paused) {
      paused = true;
      consumer.pause();
    }
    tail = tail.transform(ignored -> process(rec)).onComplete(ar -> done(rec));
  }

  private Future<Void> process(KafkaConsumerRecord<byte[], byte[]> rec) {
    RecordHeaders headers = new RecordHeaders();
    for (KafkaHeader h : rec.headers()) {
      headers.add(h.key(), h.value().getBytes());
    }
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
      return deadLetter(rec, headers, ex.getMessage());
    }
    if (!handled.firstTime(e.id())) {
      LOG.debug("{}: drop repeated {} {} {}", name, e.id(), e.type().type(), e.subject());
      return Future.succeededFuture();
    }
    Future<Void> f;
    try {
      f = handler.apply(e);
    } catch (RuntimeException ex) {
      f = Future.failedFuture(ex);
    }
    return f.recover(
        ex -> {
          LOG.warn(
              "{}: handling {} {} {} failed: {}",
              name,
              e.id(),
              e.type().type(),
              e.subject(),
              ex.toString());
          return deadLetter(rec, headers, "handler failed in " + name + ": " + ex);
        });
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

  private void done(KafkaConsumerRecord<byte[], byte[]> rec) {
    inFlight--;
    toCommit.put(
        new TopicPartition(rec.topic(), rec.partition()),
        new OffsetAndMetadata(rec.offset() + 1, ""));
    if (paused && inFlight < MAX_IN_FLIGHT / 2) {
      paused = false;
      consumer.resume();
    }
  }

  private Future<Void> commit() {
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

  /** Waits for events in hand, commits, and closes the consumer. */
  @Override
  public Future<?> stop() {
    if (commitTimer >= 0) {
      vertx.cancelTimer(commitTimer);
    }
    Promise<Void> p = Promise.promise();
    tail.eventually(this::commit).eventually(consumer::close).onComplete(ar -> p.complete());
    return p.future();
  }

  /** Topics to subscribe to, for convenience. */
  public static Set<String> topics(String... names) {
    return Set.copyOf(List.of(names));
  }
}
