package dev.pitstop.tracer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.tracer.span.FinishedTrace;
import dev.pitstop.tracer.span.RunSpanData;
import dev.pitstop.tracer.span.SpanIds;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The export queue under a flood of last exports (pitstop bench part 2: thousands of runs ending
 * while the exporter is the bottleneck): every last export is admitted, in the order it was handed
 * over, none fails for room, and {@link TraceExport#room()} holds the consumer while one waits.
 */
class TraceExportOrderTest {
  private static final int QUEUE = 6;
  private static final int BATCH = 4;

  private Vertx vertx;
  private GatedExporter exporter;
  private TraceExport export;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    exporter = new GatedExporter();
    export = new TraceExport(vertx, exporter, QUEUE, BATCH);
  }

  @AfterEach
  void stop() {
    exporter.openAll();
    export.shutdown().await();
    vertx.close().await();
  }

  @Test
  void lastExportsWaitingForRoomAreAdmittedInOrderAndNoneFails() {
    Random random = new Random(7);
    List<FinishedTrace> traces = new ArrayList<>();
    List<Future<Void>> done = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      FinishedTrace t = trace("root-" + i, 1 + random.nextInt(QUEUE + 2), true);
      traces.add(t);
      done.add(export.exportInOrder(t));
      assertThat(export.queuedSpans()).isLessThanOrEqualTo(QUEUE + QUEUE + 2);
    }
    assertThat(export.waitingTraces()).isPositive();

    // While last exports wait, the consumer is held and progress exports do not jump the line.
    Future<Void> room = export.room();
    assertThat(room.isComplete()).isFalse();
    Future<Void> progress = export.export(trace("progress", 1, false));
    assertThat(progress.failed()).isTrue();
    assertThat(progress.cause()).isInstanceOf(TraceExport.QueueFullException.class);

    // The exporter lets one batch through at a time, as a slow receiver would.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              exporter.openOne();
              return done.stream().allMatch(Future::isComplete);
            });

    assertThat(done).allMatch(Future::succeeded);
    assertThat(room.succeeded()).isTrue();
    assertThat(export.waitingTraces()).isZero();
    List<String> expected = new ArrayList<>();
    traces.forEach(t -> t.spans().forEach(s -> expected.add(s.getSpanId())));
    assertThat(exporter.exportedSpanIds()).containsExactlyElementsOf(expected);
    assertThat(exporter.batchSizes()).allMatch(n -> n <= QUEUE + 2);
  }

  @Test
  void aLastExportStillBeingPutTogetherKeepsItsPlaceInLine() {
    io.vertx.core.Promise<FinishedTrace> first = io.vertx.core.Promise.promise();
    FinishedTrace second = trace("second", 1, true);
    Future<Void> firstDone = export.exportInOrder(first.future());
    Future<Void> secondDone = export.exportInOrder(second);
    assertThat(export.room().isComplete()).isFalse();
    assertThat(exporter.exportedSpanIds()).isEmpty();

    FinishedTrace firstTrace = trace("first", 2, true);
    first.complete(firstTrace);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              exporter.openOne();
              return firstDone.isComplete() && secondDone.isComplete();
            });
    assertThat(firstDone.succeeded()).isTrue();
    assertThat(secondDone.succeeded()).isTrue();
    List<String> expected = new ArrayList<>();
    firstTrace.spans().forEach(s -> expected.add(s.getSpanId()));
    second.spans().forEach(s -> expected.add(s.getSpanId()));
    assertThat(exporter.exportedSpanIds()).containsExactlyElementsOf(expected);
  }

  @Test
  void roomIsGivenAtOnceWhenNothingWaits() {
    assertThat(export.room().succeeded()).isTrue();
    Future<Void> f = export.exportInOrder(trace("alone", 2, true));
    assertThat(export.room().succeeded()).isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              exporter.openOne();
              return f.isComplete();
            });
    assertThat(f.succeeded()).isTrue();
  }

  private static FinishedTrace trace(String root, int spans, boolean last) {
    String traceId = SpanIds.traceId(root);
    List<SpanData> out = new ArrayList<>();
    for (int i = 0; i < spans; i++) {
      out.add(
          new RunSpanData(
              root + "/" + i,
              SpanKind.INTERNAL,
              SpanContext.create(
                  traceId,
                  SpanIds.spanId(root + "/" + i),
                  TraceFlags.getSampled(),
                  TraceState.getDefault()),
              SpanContext.getInvalid(),
              StatusData.unset(),
              1_000,
              2_000,
              Attributes.empty(),
              Resource.empty(),
              InstrumentationScopeInfo.create("test")));
    }
    return new FinishedTrace(root, traceId, "default/" + root, out, true, last);
  }

  /** Holds each export call until the test lets it through. */
  private static final class GatedExporter implements SpanExporter {
    private final ConcurrentLinkedQueue<CompletableResultCode> calls =
        new ConcurrentLinkedQueue<>();
    private final List<String> spanIds = new CopyOnWriteArrayList<>();
    private final List<Integer> batches = new CopyOnWriteArrayList<>();
    private volatile boolean open;

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      spans.forEach(s -> spanIds.add(s.getSpanId()));
      batches.add(spans.size());
      if (open) {
        return CompletableResultCode.ofSuccess();
      }
      CompletableResultCode r = new CompletableResultCode();
      calls.add(r);
      return r;
    }

    /** Lets the oldest held call through; true when there was one. */
    boolean openOne() {
      CompletableResultCode r = calls.poll();
      if (r == null) {
        return false;
      }
      r.succeed();
      return true;
    }

    void openAll() {
      open = true;
      while (openOne()) {
        // drain
      }
    }

    List<String> exportedSpanIds() {
      return List.copyOf(spanIds);
    }

    List<Integer> batchSizes() {
      return List.copyOf(batches);
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
