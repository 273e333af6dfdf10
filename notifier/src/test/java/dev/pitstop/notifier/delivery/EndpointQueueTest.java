package dev.pitstop.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.notifier.routing.Endpoint;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue with a scripted channel and an in-memory dead-letter sink: timers, no network. */
@Timeout(30)
class EndpointQueueTest {
  private static final Endpoint ENDPOINT = Endpoint.webhook(URI.create("http://127.0.0.1:1/e"));
  private static final RetryPolicy FAST =
      new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private record DeadLetter(String id, int attempts, String reason) {}

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final List<String> attempts = new CopyOnWriteArrayList<>();
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static PitstopEvent event(String run, String n) {
    PitstopEvent s = SampleEvents.of(EventType.BREAKPOINT_PAUSED);
    return new PitstopEvent(
        run + "-" + n, s.type(), s.source(), s.subject(), s.time(), run, s.data());
  }

  /** A channel answering by script: (event id, attempt number) → result. */
  private Channel channel(BiFunction<String, Integer, AttemptResult> script) {
    return e -> {
      int n = tries.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
      attempts.add(e.id() + "#" + n);
      AttemptResult r = script.apply(e.id(), n);
      if (r instanceof AttemptResult.Delivered) {
        delivered.add(e.id());
      }
      return Future.succeededFuture(r);
    };
  }

  private EndpointQueue queue(Channel channel, RetryPolicy policy, int capacity, int concurrency) {
    return new EndpointQueue(
        context,
        ENDPOINT,
        channel,
        policy,
        new SplittableRandom(1),
        (e, endpoint, n, reason) -> {
          deadLetters.add(new DeadLetter(e.id(), n, reason));
          return Future.succeededFuture();
        },
        capacity,
        concurrency);
  }

  private void offer(EndpointQueue q, PitstopEvent... events) {
    context.runOnContext(
        v -> {
          for (PitstopEvent e : events) {
            q.offer(e);
          }
        });
  }

  @Test
  void aRunsEventsStayInOrderWhileItsFirstIsRetriedAndOtherRunsPass() {
    EndpointQueue q =
        queue(
            channel(
                (id, n) ->
                    id.equals("a-1") && n == 1
                        ? new AttemptResult.Refused(503, Duration.ofMillis(300), "")
                        : new AttemptResult.Delivered(204)),
            new RetryPolicy(3, Duration.ofMillis(5), Duration.ofSeconds(1)),
            100,
            4);
    offer(q, event("a", "1"), event("a", "2"), event("b", "1"));

    await().until(() -> delivered.size() == 3);
    assertThat(delivered).containsExactly("b-1", "a-1", "a-2");
    assertThat(attempts).containsExactly("a-1#1", "b-1#1", "a-1#2", "a-2#1");
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void deadLettersAfterTheLastAttemptAndGoesOnWithTheRun() {
    EndpointQueue q =
        queue(
            channel(
                (id, n) ->
                    id.equals("a-1")
                        ? new AttemptResult.Unreachable("Connection refused")
                        : new AttemptResult.Delivered(200)),
            FAST,
            100,
            1);
    offer(q, event("a", "1"), event("a", "2"));

    await().until(() -> delivered.contains("a-2"));
    assertThat(attempts).containsExactly("a-1#1", "a-1#2", "a-1#3", "a-2#1");
    assertThat(deadLetters).hasSize(1);
    assertThat(deadLetters.get(0).id()).isEqualTo("a-1");
    assertThat(deadLetters.get(0).attempts()).isEqualTo(3);
    assertThat(deadLetters.get(0).reason()).contains("Connection refused").contains("3 attempts");
  }

  @Test
  void doesNotRetryWhatTheEndpointRefusesForGood() {
    EndpointQueue q =
        queue(
            channel((id, n) -> new AttemptResult.Refused(404, null, "no such hook")), FAST, 100, 1);
    offer(q, event("a", "1"));

    await().until(() -> deadLetters.size() == 1);
    assertThat(attempts).containsExactly("a-1#1");
    assertThat(deadLetters.get(0))
        .isEqualTo(new DeadLetter("a-1", 1, "HTTP 404: no such hook (not retried)"));
  }

  @Test
  void aFullQueueDeadLettersAtOnceInsteadOfGrowing() {
    List<Promise<AttemptResult>> inFlight = new CopyOnWriteArrayList<>();
    Channel hanging =
        e -> {
          attempts.add(e.id());
          Promise<AttemptResult> p = Promise.promise();
          inFlight.add(p);
          return p.future();
        };
    EndpointQueue q = queue(hanging, FAST, 2, 1);
    offer(q, event("a", "1"), event("a", "2"), event("a", "3"));

    await().until(() -> deadLetters.size() == 1);
    assertThat(deadLetters.get(0).id()).isEqualTo("a-3");
    assertThat(deadLetters.get(0).attempts()).isZero();
    assertThat(deadLetters.get(0).reason()).contains("queue full");
    assertThat(attempts).containsExactly("a-1");
  }

  @Test
  void stoppingLetsAttemptsInFlightFinishAndDeadLettersTheRest() {
    List<Promise<AttemptResult>> inFlight = new CopyOnWriteArrayList<>();
    Channel slow =
        e -> {
          int n = tries.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
          attempts.add(e.id() + "#" + n);
          if (e.id().equals("b-1")) {
            return Future.succeededFuture(new AttemptResult.Refused(503, null, ""));
          }
          Promise<AttemptResult> p = Promise.promise();
          inFlight.add(p);
          return p.future();
        };
    EndpointQueue q =
        queue(slow, new RetryPolicy(5, Duration.ofSeconds(10), Duration.ofSeconds(10)), 100, 2);
    offer(q, event("a", "1"), event("a", "2"), event("b", "1"));
    await().until(() -> inFlight.size() == 1 && attempts.contains("b-1#1"));

    Promise<Future<Void>> stopping = Promise.promise();
    context.runOnContext(v -> stopping.complete(q.stop()));
    Future<Void> stopped = stopping.future().await();
    // a-2 was queued and b-1 waited 10 s for a retry: both are dead-lettered now.
    await().until(() -> deadLetters.size() == 2);
    assertThat(deadLetters)
        .extracting(DeadLetter::id, DeadLetter::attempts)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a-2", 0),
            org.assertj.core.groups.Tuple.tuple("b-1", 1));
    assertThat(stopped.isComplete()).as("a-1 is still in flight").isFalse();

    context.runOnContext(v -> inFlight.get(0).complete(new AttemptResult.Refused(500, null, "")));
    stopped.await();
    assertThat(deadLetters).extracting(DeadLetter::id).contains("a-1");
    assertThat(attempts).containsExactlyInAnyOrder("a-1#1", "b-1#1");

    // After stop, an offer is dead-lettered, never silently dropped.
    offer(q, event("c", "1"));
    await().until(() -> deadLetters.size() == 4);
  }

  @Test
  void abandoningDropsWhatIsPendingWithoutDeadLetteringAndLetsASuccessInFlightCount() {
    List<Promise<AttemptResult>> inFlight = new CopyOnWriteArrayList<>();
    Channel slow =
        e -> {
          int n = tries.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
          attempts.add(e.id() + "#" + n);
          if (e.id().startsWith("b-")) {
            return Future.succeededFuture(new AttemptResult.Refused(503, null, ""));
          }
          Promise<AttemptResult> p = Promise.promise();
          inFlight.add(p);
          return p.future();
        };
    EndpointQueue q =
        queue(slow, new RetryPolicy(5, Duration.ofSeconds(10), Duration.ofSeconds(10)), 100, 2);
    offer(q, event("a", "1"), event("a", "2"), event("b", "1"));
    await().until(() -> inFlight.size() == 1 && attempts.contains("b-1#1"));

    Promise<Future<Void>> abandoning = Promise.promise();
    context.runOnContext(v -> abandoning.complete(q.abandon()));
    Future<Void> abandoned = abandoning.future().await();
    assertThat(abandoned.isComplete()).as("a-1 is still in flight").isFalse();
    context.runOnContext(v -> inFlight.get(0).complete(new AttemptResult.Delivered(204)));
    abandoned.await();
    Promise<Void> offered = Promise.promise();
    context.runOnContext(
        v -> {
          q.offer(event("c", "1"));
          offered.complete();
        });
    offered.future().await();

    // a-2 (queued), b-1 (waiting for a retry) and c-1 (offered after) are left for the next
    // instance: no dead letter, no further attempt; a-1 went out.
    assertThat(deadLetters).isEmpty();
    assertThat(attempts).containsExactlyInAnyOrder("a-1#1", "b-1#1");
  }
}
