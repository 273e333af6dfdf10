package dev.pitstop.notifier.delivery;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.notifier.routing.Endpoint;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to one endpoint with retries, on one Vert.x context: the adapter that carries out
 * {@link RetryPolicy}'s decisions with timers (never sleeping) and a {@link Channel}.
 *
 * <p>Each endpoint has its own queue, so a slow or failing endpoint delays only itself. Within it,
 * events of one run (one partition key) are delivered strictly in order, one at a time, while up to
 * {@code concurrency} runs are delivered in parallel ({@link Lanes}). A delivery that is given up
 * (not retryable, out of attempts, queue full, or the notifier stopping) goes to the {@link
 * DeadLetterSink} with its reason and number of attempts. An endpoint that answers {@code 410 Gone}
 * is disabled until the notifier restarts: later events are dead-lettered without an attempt.
 *
 * <p>{@link #stop} dead-letters what is pending; {@link #abandon} drops it instead, for a caller
 * that has not committed it and lets the next instance deliver it (the notifier).
 *
 * <p>{@link #offer}, {@link #stop} and {@link #abandon} must be called on the queue's context.
 */
public final class EndpointQueue {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointQueue.class);

  private record Waiting(Lanes.Taken<PitstopEvent> taken, int attempts, AttemptResult last) {}

  private final Context context;
  private final Endpoint endpoint;
  private final Channel channel;
  private final RetryPolicy policy;
  private final RandomGenerator random;
  private final DeadLetterSink deadLetters;
  private final Lanes<PitstopEvent> lanes;
  private final DeliveryListener listener;
  private final Map<Long, Waiting> waiting = new HashMap<>();
  private int sending;
  private int deadLettering;
  private Promise<Void> stopped;
  private boolean abandoned;
  private boolean gone;

  /**
   * @param context the context all of this queue's work runs on
   * @param capacity the most events held for this endpoint (queued, waiting to retry, in flight)
   * @param concurrency the most runs delivered at once to this endpoint
   */
  public EndpointQueue(
      Context context,
      Endpoint endpoint,
      Channel channel,
      RetryPolicy policy,
      RandomGenerator random,
      DeadLetterSink deadLetters,
      int capacity,
      int concurrency) {
    this(
        context,
        endpoint,
        channel,
        policy,
        random,
        deadLetters,
        capacity,
        concurrency,
        DeliveryListener.NONE);
  }

  /**
   * @param listener told of every delivery's outcome
   */
  public EndpointQueue(
      Context context,
      Endpoint endpoint,
      Channel channel,
      RetryPolicy policy,
      RandomGenerator random,
      DeadLetterSink deadLetters,
      int capacity,
      int concurrency,
      DeliveryListener listener) {
    this.listener = listener;
    this.context = context;
    this.endpoint = endpoint;
    this.channel = channel;
    this.policy = policy;
    this.random = random;
    this.deadLetters = deadLetters;
    this.lanes = new Lanes<>(capacity, concurrency);
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Events held: queued, waiting to retry or in flight. Call on the context. */
  public int size() {
    return lanes.size();
  }

  /**
   * Queues an event behind the earlier events of its run and starts delivering what may go. When
   * the queue is full or stopping, the event is dead-lettered at once.
   */
  public void offer(PitstopEvent e) {
    if (abandoned) {
      LOG.debug("{}: abandoned, {} {} left for the next instance", endpoint, e.id(), e.type());
      return;
    }
    if (stopped != null) {
      deadLetter(e, 0, "the notifier stopped before delivery", null);
      return;
    }
    if (gone) {
      deadLetter(e, 0, "the endpoint answered 410 Gone: subscription disabled", null);
      return;
    }
    if (!lanes.offer(e.partitionKey(), e)) {
      LOG.warn(
          "{}: queue full, dead-lettering {} {} of {}",
          endpoint,
          e.id(),
          e.type().type(),
          e.data().run().display());
      deadLetter(e, 0, "queue full (" + lanes.size() + " events held)", null);
      return;
    }
    pump();
  }

  private void pump() {
    while (stopped == null) {
      var next = lanes.take();
      if (next.isEmpty()) {
        return;
      }
      attempt(next.get(), 1);
    }
  }

  private void attempt(Lanes.Taken<PitstopEvent> taken, int attempt) {
    sending++;
    Future<AttemptResult> f;
    try {
      f = channel.send(taken.item());
    } catch (RuntimeException ex) {
      f = Future.failedFuture(ex);
    }
    f.otherwise(t -> new AttemptResult.Unreachable(String.valueOf(t)))
        .onComplete(ar -> onContext(() -> onResult(taken, attempt, ar.result())));
  }

  private void onResult(Lanes.Taken<PitstopEvent> taken, int attempt, AttemptResult result) {
    sending--;
    PitstopEvent e = taken.item();
    RetryDecision decision = policy.decide(attempt, result, random);
    if (result instanceof AttemptResult.Refused r && r.status() == 410 && !gone) {
      // RFC 9110 §15.5.11 and Standard Webhooks: the receiver is gone for good.
      gone = true;
      LOG.warn("{}: answered 410 Gone, disabling the subscription until restart", endpoint);
    }
    if (decision instanceof RetryDecision.Done) {
      LOG.debug(
          "{}: delivered {} {} of {} on attempt {}",
          endpoint,
          e.id(),
          e.type().type(),
          e.data().run().display(),
          attempt);
      listener.delivered(e, endpoint, attempt, result);
      finish(taken);
    } else if (decision instanceof RetryDecision.Retry r) {
      if (abandoned) {
        LOG.info(
            "{}: attempt {} of {} {} failed ({}); abandoned, left for the next instance",
            endpoint,
            attempt,
            e.id(),
            e.type().type(),
            result.reason());
        checkStopped();
        return;
      }
      if (stopped != null) {
        giveUp(taken, attempt, result.reason() + " (the notifier stopped before a retry)", result);
        return;
      }
      listener.failed(e, endpoint, attempt, result);
      LOG.info(
          "{}: attempt {} of {} {} of {} failed ({}), retry in {} ms",
          endpoint,
          attempt,
          e.id(),
          e.type().type(),
          e.data().run().display(),
          result.reason(),
          r.delay().toMillis());
      long timer =
          context
              .owner()
              .setTimer(
                  Math.max(1, r.delay().toMillis()),
                  id -> {
                    waiting.remove(id);
                    attempt(taken, r.nextAttempt());
                  });
      waiting.put(timer, new Waiting(taken, attempt, result));
    } else if (decision instanceof RetryDecision.GiveUp g) {
      giveUp(taken, g.attempts(), g.reason(), result);
    }
  }

  private void giveUp(
      Lanes.Taken<PitstopEvent> taken, int attempts, String reason, AttemptResult last) {
    PitstopEvent e = taken.item();
    LOG.warn(
        "{}: dead-lettering {} {} of {} after {} attempts: {}",
        endpoint,
        e.id(),
        e.type().type(),
        e.data().run().display(),
        attempts,
        reason);
    deadLetter(e, attempts, reason, last);
    finish(taken);
  }

  private void finish(Lanes.Taken<PitstopEvent> taken) {
    lanes.release(taken.key());
    pump();
    checkStopped();
  }

  private void deadLetter(PitstopEvent e, int attempts, String reason, AttemptResult last) {
    deadLettering++;
    listener.deadLettered(e, endpoint, attempts, reason, last);
    Future<Void> f;
    try {
      f = deadLetters.deadLetter(e, endpoint, attempts, reason);
    } catch (RuntimeException ex) {
      f = Future.failedFuture(ex);
    }
    f.onComplete(
        ar ->
            onContext(
                () -> {
                  deadLettering--;
                  if (ar.failed()) {
                    LOG.error(
                        "{}: LOST {} {} of {}: could not dead-letter ({}): {}",
                        endpoint,
                        e.id(),
                        e.type().type(),
                        e.data().run().display(),
                        reason,
                        ar.cause().toString());
                  }
                  checkStopped();
                }));
  }

  /**
   * Stops delivering: events still queued and those waiting for a retry are dead-lettered at once
   * (reason "the notifier stopped"), attempts in flight finish (a success counts; a failure is
   * dead-lettered without retry).
   *
   * @return a future completed when nothing is in flight and every dead letter was written
   */
  public Future<Void> stop() {
    if (stopped != null) {
      return stopped.future();
    }
    stopped = Promise.promise();
    List<PitstopEvent> queued = lanes.drainQueued();
    queued.forEach(e -> deadLetter(e, 0, "the notifier stopped before delivery", null));
    Map<Long, Waiting> timers = new HashMap<>(waiting);
    waiting.clear();
    timers.forEach(
        (id, w) -> {
          context.owner().cancelTimer(id);
          giveUp(
              w.taken(),
              w.attempts(),
              w.last().reason() + " (the notifier stopped before a retry)",
              w.last());
        });
    if (!queued.isEmpty() || !timers.isEmpty()) {
      LOG.info(
          "{}: stopped with {} queued and {} waiting events, dead-lettered",
          endpoint,
          queued.size(),
          timers.size());
    }
    checkStopped();
    return stopped.future();
  }

  /**
   * Stops delivering without dead-lettering: events still queued and those waiting for a retry are
   * dropped (the notifier did not commit their offsets, so the next instance reads them again), and
   * later offers are dropped too. Attempts in flight finish: a success counts (and is reported), a
   * failure is dropped like the rest.
   *
   * @return a future completed when nothing is in flight and every dead letter under way was
   *     written
   */
  public Future<Void> abandon() {
    if (stopped != null) {
      return stopped.future();
    }
    abandoned = true;
    stopped = Promise.promise();
    int queued = lanes.drainQueued().size();
    waiting.keySet().forEach(id -> context.owner().cancelTimer(id));
    int timers = waiting.size();
    waiting.clear();
    if (queued > 0 || timers > 0) {
      LOG.info(
          "{}: abandoned {} queued and {} waiting events, left for the next instance",
          endpoint,
          queued,
          timers);
    }
    checkStopped();
    return stopped.future();
  }

  private void checkStopped() {
    if (stopped != null && sending == 0 && waiting.isEmpty() && deadLettering == 0) {
      stopped.tryComplete();
    }
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }
}
