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
 *   <li>The queue holds at most {@code maxQueuedSpans} spans: {@link #export} of a trace that does
 *       not fit fails at once with {@link QueueFullException} (the caller decides: a progress
 *       export is dropped and its spans go out with the run's last export; a last export is retried
 *       later). Nothing ever waits for room, so consumption never stalls.
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

  private final SpanExporter exporter;
  private final WorkerExecutor worker;
  private final int maxQueuedSpans;
  private final int maxBatchSpans;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private int queuedSpans;
  private boolean busy;
  private boolean closed;

  TraceExport(Vertx vertx, SpanExporter exporter, int maxQueuedSpans, int maxBatchSpans) {
    this.exporter = exporter;
    this.maxQueuedSpans = maxQueuedSpans;
    this.maxBatchSpans = maxBatchSpans;
    this.worker = vertx.createSharedWorkerExecutor("pitstop-tracer-export", 1, 2, TimeUnit.MINUTES);
  }

  /**
   * Queues the trace's spans.
   *
   * @return completes when they were exported; fails with {@link QueueFullException} at once when
   *     the queue has no room, or with the exporter's failure
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
      if (queuedSpans + trace.spans().size() > maxQueuedSpans && !queue.isEmpty()) {
        return Future.failedFuture(
            new QueueFullException(
                queuedSpans + " spans queued (TRACER_EXPORT_QUEUE=" + maxQueuedSpans + ")"));
      }
      queue.add(new Item(trace, done));
      queuedSpans += trace.spans().size();
    }
    drain();
    return done.future();
  }

  /** Spans waiting in the queue. */
  synchronized int queuedSpans() {
    return queuedSpans;
  }

  private void drain() {
    List<Item> batch = new ArrayList<>();
    List<SpanData> spans = new ArrayList<>();
    synchronized (this) {
      if (busy || queue.isEmpty()) {
        return;
      }
      while (!queue.isEmpty()
          && (batch.isEmpty()
              || spans.size() + queue.peek().trace().spans().size() <= maxBatchSpans)) {
        Item i = queue.poll();
        batch.add(i);
        spans.addAll(i.trace().spans());
      }
      queuedSpans -= spans.size();
      busy = true;
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
                  i.done().complete();
                } else {
                  LOG.warn(
                      "could not export {} spans of trace {} of {}: {}",
                      t.spans().size(),
                      t.traceId(),
                      t.run(),
                      ar.cause().getMessage());
                  i.done().fail(ar.cause());
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
    synchronized (this) {
      closed = true;
      queue.forEach(i -> i.done().fail(new IllegalStateException("exporter shut down")));
      queue.clear();
      queuedSpans = 0;
    }
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
