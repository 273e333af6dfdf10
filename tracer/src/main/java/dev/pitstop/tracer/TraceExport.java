package dev.pitstop.tracer;

import dev.pitstop.tracer.span.FinishedTrace;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports finished traces through an OpenTelemetry {@link SpanExporter} on a named worker pool
 * ({@code pitstop-tracer-export}, one thread, so traces leave in the order they finished), never on
 * an event loop. A failed export is logged with the trace id and dropped (the exporter itself
 * retries transient failures).
 */
final class TraceExport {
  private static final Logger LOG = LoggerFactory.getLogger(TraceExport.class);
  private static final long EXPORT_TIMEOUT_S = 30;

  private final SpanExporter exporter;
  private final WorkerExecutor worker;

  TraceExport(Vertx vertx, SpanExporter exporter) {
    this.exporter = exporter;
    this.worker = vertx.createSharedWorkerExecutor("pitstop-tracer-export", 1, 2, TimeUnit.MINUTES);
  }

  /** Exports the trace; the future fails when the exporter reports failure. */
  Future<Void> export(FinishedTrace trace) {
    if (trace.spans().isEmpty()) {
      return Future.succeededFuture();
    }
    return worker
        .<Void>executeBlocking(
            () -> {
              CompletableResultCode r =
                  exporter.export(trace.spans()).join(EXPORT_TIMEOUT_S, TimeUnit.SECONDS);
              if (!r.isSuccess()) {
                throw new IllegalStateException(
                    "exporter failed: "
                        + (r.getFailureThrowable() == null
                            ? "no reason given"
                            : r.getFailureThrowable().toString()));
              }
              return null;
            })
        .onSuccess(
            v ->
                LOG.info(
                    "exported trace {} of {}: {} spans{}",
                    trace.traceId(),
                    trace.run(),
                    trace.spans().size(),
                    trace.complete() ? "" : " (incomplete: grace period ran out)"))
        .onFailure(
            t ->
                LOG.warn(
                    "could not export trace {} of {} ({} spans): {}",
                    trace.traceId(),
                    trace.run(),
                    trace.spans().size(),
                    t.getMessage()));
  }

  /** Waits for exports in flight, shuts the exporter down and closes the worker pool. */
  Future<Void> shutdown() {
    return worker
        .<Void>executeBlocking(
            () -> {
              exporter.flush().join(EXPORT_TIMEOUT_S, TimeUnit.SECONDS);
              exporter.shutdown().join(EXPORT_TIMEOUT_S, TimeUnit.SECONDS);
              return null;
            })
        .eventually(worker::close);
  }
}
