package dev.pitstop.tracer;

import dev.pitstop.tracer.span.FinishedTrace;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports traces through an OpenTelemetry {@link SpanExporter} from a bounded queue, in batches, on
 * a named worker pool ({@code pitstop-tracer-export}, one export at a time so spans leave in the
 * order they were queued), never on an event loop.
 *
 * <ul>
 *   <li>The queue holds at most {@code maxQueuedSpans} spans (a trace larger than that goes alone
 *       into an empty queue).
 *   <li>{@link #export} (a run's progress: best effort) of a trace that does not fit, or while any
 *       {@link #exportInOrder} waits, fails at once with {@link QueueFullException}; the caller
 *       drops it (its spans go out with the run's last export).
 *   <li>{@link #exportInOrder} (a run's last export, which makes its events durable) never fails
 *       for room: a trace that does not fit waits in a FIFO and is admitted, in arrival order, as
 *       soon as the exporter frees room. A last export still being put together (waiting for its
 *       run's progress exports, ahead of it in the queue) takes its place in line at once. Before,
 *       last exports retried for room on timers at random moments, so the oldest could starve
 *       behind newer ones while it held its partition's commit watermark, and every waiting trace
 *       stayed in memory.
 *   <li>{@link #room()} completes while fewer than {@code max(1, maxQueuedSpans / 100)} traces are
 *       in line: the tracer's consumer waits for it before taking the next event, so under a flood
 *       consumption follows the exporter's pace and memory stays bounded (the queue, that many
 *       traces, plus what one event or one expiry tick finished). Not "while any trace is in line":
 *       nearly every run's last export waits in line a moment for its progress exports, and holding
 *       the consumer for each serialized it with the exporter's round trips (1,000 events/s in
 *       {@code pitstop bench} part 2).
 *   <li>One export call takes queued traces up to {@code maxBatchSpans} spans (at least one trace).
 *   <li>The exporter retries transient failures itself (OTLP: 429/502/503/504); a failed batch
 *       fails the futures of its traces.
 * </ul>
 *
 * Thread-safe.
 */
final class TraceExport {
  private static final Logger LOG = LoggerFactory.getLogger(TraceExport.class);
  private static final long EXPORT_TIMEOUT_S = 30;

  /** The queue has no room for the trace. */
  static final class QueueFullException extends RuntimeException {
    QueueFullException(String message) {
      super(message, null, false, false);
    }
  }

  private record Item(FinishedTrace trace, Promise<Void> done) {}

  /** A trace of {@link #exportInOrder} in line; it may still be being put together. */
  private record InLine(Future<FinishedTrace> trace, Promise<Void> done) {}

  private final SpanExporter exporter;
  private final WorkerExecutor worker;
  private final int maxQueuedSpans;
  private final int maxBatchSpans;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private final ArrayDeque<InLine> waiting = new ArrayDeque<>();
  private final List<Promise<Void>> roomWaiters = new ArrayList<>();
  private int queuedSpans;
  private boolean busy;
  private boolean closed;
  private boolean holding = true;
  private final int waitingLimit;

  TraceExport(Vertx vertx, SpanExporter exporter, int maxQueuedSpans, int maxBatchSpans) {
    this.exporter = exporter;
    this.maxQueuedSpans = maxQueuedSpans;
    this.maxBatchSpans = maxBatchSpans;
    this.waitingLimit = Math.max(1, maxQueuedSpans / 100);
    this.worker = vertx.createSharedWorkerExecutor("pitstop-tracer-export", 1, 2, TimeUnit.MINUTES);
  }

  /**
   * Queues the trace's spans if they fit (best effort: a run's progress).
   *
   * @return completes when they were exported; fails with {@link QueueFullException} at once when
   *     the queue has no room or a trace of {@link #exportInOrder} waits for room, or with the
   *     exporter's failure
   */
  Future<Void> export(FinishedTrace trace) {
    if (trace.spans().isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("exporter shut down"));
      }
      if (!waiting.isEmpty() || !fits(trace)) {
        return Future.failedFuture(
            new QueueFullException(
                queuedSpans
                    + " spans queued (TRACER_EXPORT_QUEUE="
                    + maxQueuedSpans
                    + "), "
                    + waiting.size()
                    + " traces waiting for room"));
      }
      queue.add(new Item(trace, done));
      queuedSpans += trace.spans().size();
    }
    drain();
    return done.future();
  }

  /**
   * Queues the trace's spans, after every trace handed here earlier: at once if they fit and none
   * waits, else once the exporter freed room for them.
   *
   * @return completes when they were exported; fails with the exporter's failure, or when shut down
   */
  Future<Void> exportInOrder(FinishedTrace trace) {
    return exportInOrder(Future.succeededFuture(trace));
  }

  /**
   * Takes a place in line now for a trace still being put together (a run's last export waiting for
   * its progress exports, which are ahead of it in the queue, to say which spans remain): it is
   * queued, in its place, once {@code trace} completes and the queue has room for it. A failed
   * {@code trace} fails the returned future and leaves the line.
   */
  Future<Void> exportInOrder(Future<FinishedTrace> trace) {
    Promise<Void> done = Promise.promise();
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("exporter shut down"));
      }
      waiting.add(new InLine(trace, done));
    }
    if (trace.isComplete()) {
      drain();
    } else {
      trace.onComplete(ar -> drain());
    }
    return done.future();
  }

  /**
   * Completes once fewer than {@code max(1, maxQueuedSpans / 100)} traces of {@link #exportInOrder}
   * are in line (at once when so, or after {@link #stopHolding}).
   */
  Future<Void> room() {
    synchronized (this) {
      if (waiting.size() < waitingLimit || !holding) {
        return Future.succeededFuture();
      }
      Promise<Void> p = Promise.promise();
      roomWaiters.add(p);
      return p.future();
    }
  }

  /** Completes every {@link #room()} now and from now on (the tracer is stopping). */
  void stopHolding() {
    List<Promise<Void>> out;
    synchronized (this) {
      holding = false;
      out = List.copyOf(roomWaiters);
      roomWaiters.clear();
    }
    out.forEach(Promise::tryComplete);
  }

  /** Spans waiting in the queue. */
  synchronized int queuedSpans() {
    return queuedSpans;
  }

  /** Traces of {@link #exportInOrder} waiting for room in the queue. */
  synchronized int waitingTraces() {
    return waiting.size();
  }

  /** True when the trace fits the queue now; a trace larger than the queue fits an empty one. */
  private boolean fits(FinishedTrace trace) {
    return queue.isEmpty() || queuedSpans + trace.spans().size() <= maxQueuedSpans;
  }

  /**
   * Moves the traces in line, in order, into the room the queue has; stops at one still being put
   * together. Returns what to complete outside the lock.
   */
  private List<Runnable> admitWaiting() {
    List<Runnable> after = new ArrayList<>();
    while (!waiting.isEmpty() && waiting.peek().trace().isComplete()) {
      InLine head = waiting.peek();
      if (head.trace().failed()) {
        waiting.poll();
        after.add(() -> head.done().tryFail(head.trace().cause()));
        continue;
      }
      FinishedTrace t = head.trace().result();
      if (t.spans().isEmpty()) {
        waiting.poll();
        after.add(() -> head.done().tryComplete());
        continue;
      }
      if (!fits(t)) {
        break;
      }
      waiting.poll();
      queue.add(new Item(t, head.done()));
      queuedSpans += t.spans().size();
    }
    if (waiting.size() < waitingLimit && !roomWaiters.isEmpty()) {
      List<Promise<Void>> free = List.copyOf(roomWaiters);
      roomWaiters.clear();
      after.add(() -> free.forEach(Promise::tryComplete));
    }
    return after;
  }

  /** Admits what waits and fits, and starts the next export call unless one is under way. */
  private void drain() {
    List<Item> batch = new ArrayList<>();
    List<SpanData> spans = new ArrayList<>();
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      after.addAll(admitWaiting());
      if (!busy && !queue.isEmpty()) {
        while (!queue.isEmpty()
            && (batch.isEmpty()
                || spans.size() + queue.peek().trace().spans().size() <= maxBatchSpans)) {
          Item i = queue.poll();
          batch.add(i);
          spans.addAll(i.trace().spans());
        }
        queuedSpans -= spans.size();
        busy = true;
        after.addAll(admitWaiting());
      }
    }
    after.forEach(Runnable::run);
    if (batch.isEmpty()) {
      return;
    }
    worker
        .<Void>executeBlocking(
            () -> {
              CompletableResultCode r =
                  exporter.export(spans).join(EXPORT_TIMEOUT_S, TimeUnit.SECONDS);
              if (!r.isSuccess()) {
                throw new IllegalStateException(
                    "exporter failed: "
                        + (r.getFailureThrowable() == null
                            ? "no reason given"
                            : r.getFailureThrowable().toString()));
              }
              return null;
            },
            true)
        .onComplete(
            ar -> {
              for (Item i : batch) {
                FinishedTrace t = i.trace();
                if (ar.succeeded()) {
                  LOG.info(
                      "exported {} {} spans of trace {} of {}{}",
                      t.spans().size(),
                      t.last() ? "last" : "progress",
                      t.traceId(),
                      t.run(),
                      t.complete() ? "" : " (incomplete: grace period ran out)");
                  i.done().tryComplete();
                } else {
                  LOG.warn(
                      "could not export {} spans of trace {} of {}: {}",
                      t.spans().size(),
                      t.traceId(),
                      t.run(),
                      ar.cause().getMessage());
                  i.done().tryFail(ar.cause());
                }
              }
              synchronized (this) {
                busy = false;
              }
              drain();
            });
  }

  /** Stops taking traces, waits for the export in flight, shuts the exporter down. */
  Future<Void> shutdown() {
    List<Promise<Void>> dropped = new ArrayList<>();
    synchronized (this) {
      closed = true;
      queue.forEach(i -> dropped.add(i.done()));
      waiting.forEach(i -> dropped.add(i.done()));
      queue.clear();
      waiting.clear();
      queuedSpans = 0;
    }
    stopHolding();
    dropped.forEach(p -> p.tryFail(new IllegalStateException("exporter shut down")));
    return worker
        .<Void>executeBlocking(
            () -> {
              exporter.flush().join(EXPORT_TIMEOUT_S, TimeUnit.SECONDS);
              exporter.shutdown().join(EXPORT_TIMEOUT_S, TimeUnit.SECONDS);
              return null;
            },
            true)
        .eventually(worker::close);
  }
}
