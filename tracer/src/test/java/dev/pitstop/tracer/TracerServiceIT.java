package dev.pitstop.tracer;

import static dev.pitstop.tracer.span.RunScenario.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointContinued;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.Identity;
import dev.pitstop.events.data.Mechanism;
import dev.pitstop.events.data.StepRef;
import dev.pitstop.runtime.kafka.EventPublisher;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.otlp.OtlpReceiver;
import dev.pitstop.sandbox.otlp.ReceivedSpan;
import dev.pitstop.sandbox.otlp.Waterfall;
import dev.pitstop.tracer.span.RunScenario;
import dev.pitstop.tracer.span.SpanIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class TracerServiceIT {
  private static final Logger LOG = LoggerFactory.getLogger(TracerServiceIT.class);

  private Vertx vertx;
  private OtlpReceiver receiver;
  private TracerService tracer;
  private EventPublisher publisher;
  private TracerConfig config;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    receiver = OtlpReceiver.start(vertx, 0).await();
    Topics topics = new Topics("it-tracer-" + UUID.randomUUID() + ".");
    SharedKafka.createTopics(3, topics.observations(), topics.decisions(), topics.deadLetter());
    config =
        TracerConfig.fromMap(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "PITSTOP_TOPIC_PREFIX", topics.prefix(),
                "TRACER_OTLP_ENDPOINT", receiver.endpoint(),
                "TRACER_FINISH_GRACE", "1s"));
    tracer = TracerService.start(vertx, config).await();
    publisher = new EventPublisher(vertx, config.kafka(), "it-watcher");
  }

  @AfterEach
  void stop() {
    publisher.closeAsync().await();
    tracer.stop().await();
    receiver.close().await();
    vertx.close().await();
  }

  private void publishInOrder(List<PitstopEvent> events) {
    Future<Void> chain = Future.succeededFuture();
    for (PitstopEvent e : events) {
      chain = chain.compose(v -> publisher.publish(e));
    }
    chain.await();
  }

  @Test
  void exportsOneWellFormedTraceForAPipelineRunWithTwoTasksAndAPause() {
    RunScenario run = new RunScenario(UUID.randomUUID().toString(), true);
    EventFactory engine = new EventFactory("sandbox", "breakpoint-engine");
    StepRef test = new StepRef("test", 1, "step-test", "build-x7k2p-compile-pod");
    List<PitstopEvent> events = new ArrayList<>(run.events());
    events.add(
        engine.create(
            EventType.BREAKPOINT_PAUSED,
            new BreakpointPaused(
                run.compile, test, Mechanism.ON_FAILURE, t(17), t(17), List.of(), null, "sh"),
            t(17)));
    events.add(
        engine.create(
            EventType.BREAKPOINT_CONTINUED,
            new BreakpointContinued(
                run.compile,
                test,
                Mechanism.ON_FAILURE,
                Action.FAIL_CONTINUE,
                Identity.of("alice@example.com"),
                "api",
                t(17),
                t(19)),
            t(19)));

    publishInOrder(events);

    await().atMost(Duration.ofSeconds(60)).until(() -> receiver.spans().size() >= 8);
    List<ReceivedSpan> spans = receiver.spans();
    LOG.info("received trace:\n{}", Waterfall.render(spans));
    assertThat(spans).hasSize(8);
    assertThat(spans).extracting(ReceivedSpan::traceId).containsOnly(SpanIds.traceId(run.prUid));

    Map<String, ReceivedSpan> byId =
        spans.stream().collect(Collectors.toMap(ReceivedSpan::spanId, Function.identity()));
    assertThat(byId).hasSize(8);
    List<ReceivedSpan> roots = spans.stream().filter(ReceivedSpan::isRoot).toList();
    assertThat(roots).hasSize(1);
    ReceivedSpan root = roots.get(0);
    assertThat(root.name()).isEqualTo("build");
    assertThat(root.kind()).isEqualTo("SERVER");
    assertThat(root.spanId()).isEqualTo(SpanIds.runSpanId(run.prUid, 0));
    assertThat(root.statusCode()).isEqualTo("ERROR");
    assertThat(root.attributes())
        .containsEntry("cicd.pipeline.result", "failure")
        .containsEntry("error.type", "Failed");
    for (ReceivedSpan s : spans) {
      if (!s.isRoot()) {
        ReceivedSpan parent = byId.get(s.parentSpanId());
        assertThat(parent).as("parent of %s", s.name()).isNotNull();
        assertThat(s.startEpochNanos()).isGreaterThanOrEqualTo(parent.startEpochNanos());
        assertThat(s.endEpochNanos()).isLessThanOrEqualTo(parent.endEpochNanos());
      }
    }
    Map<String, String> parentName =
        spans.stream()
            .filter(s -> !s.isRoot())
            .collect(
                Collectors.toMap(
                    s -> s.name() + "#" + s.spanId(), s -> byId.get(s.parentSpanId()).name()));
    assertThat(parentName.entrySet())
        .extracting(e -> e.getKey().split("#")[0] + " < " + e.getValue())
        .containsExactlyInAnyOrder(
            "fetch < build",
            "compile < build",
            "clone < fetch",
            "verify < fetch",
            "build < compile",
            "test < compile",
            "breakpoint onFailure < compile");
    ReceivedSpan compile =
        spans.stream().filter(s -> s.name().equals("compile")).findFirst().orElseThrow();
    assertThat(compile.spanId()).isEqualTo(SpanIds.runSpanId(run.compileUid, 0));
    assertThat(compile.attributes())
        .containsEntry("cicd.pipeline.task.run.result", "failure")
        .containsEntry("k8s.pod.name", "build-x7k2p-compile-pod");
    assertThat(
            spans.stream()
                .filter(s -> s.name().equals("test"))
                .findFirst()
                .orElseThrow()
                .attributes())
        .containsEntry("tekton.step.exit_code", 1L);
    // the step's rounded end (21) after its TaskRun's completionTime (20): the TaskRun covers it
    assertThat(compile.attributes()).containsEntry("pitstop.raw.end", "2026-11-21T09:00:20Z");
  }

  @Test
  void aRestartMidRunLosesNoSpanAndExportsTheSameIds() {
    RunScenario run = new RunScenario(UUID.randomUUID().toString(), false);
    List<PitstopEvent> events = run.events();
    List<PitstopEvent> before = new ArrayList<>(events.subList(0, 1));
    before.addAll(run.fetchEvents());
    List<PitstopEvent> after = new ArrayList<>(events);
    after.removeAll(before);

    publishInOrder(before);
    // The finished TaskRun fetch and its steps show up while the run goes on; no root yet.
    await().atMost(Duration.ofSeconds(60)).until(() -> receiver.spans().size() >= 3);
    assertThat(receiver.spans())
        .extracting(ReceivedSpan::name)
        .containsExactlyInAnyOrder("fetch", "clone", "verify");
    assertThat(receiver.spans()).noneMatch(ReceivedSpan::isRoot);
    List<ReceivedSpan> early = receiver.spans();

    tracer.stop().await();
    tracer = TracerService.start(vertx, config).await();
    publishInOrder(after);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> receiver.spans().stream().anyMatch(ReceivedSpan::isRoot));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiver.spans().stream().map(ReceivedSpan::spanId).distinct().count() >= 7);
    List<ReceivedSpan> spans = receiver.spans();
    LOG.info("received after restart:\n{}", Waterfall.render(spans));
    Map<String, List<ReceivedSpan>> byId =
        spans.stream().collect(Collectors.groupingBy(ReceivedSpan::spanId));
    assertThat(byId.keySet())
        .containsExactlyInAnyOrder(
            SpanIds.runSpanId(run.prUid, 0),
            SpanIds.runSpanId(run.fetchUid, 0),
            SpanIds.runSpanId(run.compileUid, 0),
            SpanIds.stepSpanId(run.fetchUid, 0, 0),
            SpanIds.stepSpanId(run.fetchUid, 0, 1),
            SpanIds.stepSpanId(run.compileUid, 0, 0),
            SpanIds.stepSpanId(run.compileUid, 0, 1));
    assertThat(spans).extracting(ReceivedSpan::traceId).containsOnly(SpanIds.traceId(run.prUid));
    // Whatever was exported twice (replayed after the restart) is identical.
    byId.values()
        .forEach(
            copies ->
                assertThat(copies)
                    .extracting(
                        c ->
                            c.name()
                                + c.parentSpanId()
                                + c.startEpochNanos()
                                + "-"
                                + c.endEpochNanos())
                    .containsOnly(
                        copies.get(0).name()
                            + copies.get(0).parentSpanId()
                            + copies.get(0).startEpochNanos()
                            + "-"
                            + copies.get(0).endEpochNanos()));
    for (ReceivedSpan e : early) {
      assertThat(byId.get(e.spanId()).get(0).startEpochNanos()).isEqualTo(e.startEpochNanos());
    }
  }

  /**
   * A second tracer (its own consumer group, here over OTLP/gRPC to another backend) started after
   * the first exported the whole run replays the run's events from the start and exports exactly
   * the same spans: same trace and span ids, parents, names, times and attributes.
   */
  @Test
  void aSecondTracerInAnotherGroupReplaysTheRunAndExportsTheSameSpansOverGrpc() {
    RunScenario run = new RunScenario(UUID.randomUUID().toString(), true);
    publishInOrder(run.events());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> receiver.spans().stream().anyMatch(ReceivedSpan::isRoot));
    Set<ReceivedSpan> first = Set.copyOf(receiver.spans());

    OtlpReceiver second = OtlpReceiver.start(vertx, 0).await();
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
    env.put("PITSTOP_TOPIC_PREFIX", config.kafka().topics().prefix());
    env.put("TRACER_OTLP_PROTOCOL", "grpc");
    env.put("TRACER_OTLP_ENDPOINT", second.grpcEndpoint());
    env.put("TRACER_CONSUMER_GROUP", "tracer-second-" + UUID.randomUUID());
    env.put("TRACER_FINISH_GRACE", "1s");
    TracerService other = TracerService.start(vertx, TracerConfig.fromMap(env)).await();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> second.spans().stream().anyMatch(ReceivedSpan::isRoot));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(Set.copyOf(second.spans())).isEqualTo(first));
      LOG.info("second tracer's trace (gRPC):\n{}", Waterfall.render(second.spans()));
      assertThat(first).extracting(ReceivedSpan::spanId).doesNotHaveDuplicates();
      assertThat(first).extracting(ReceivedSpan::traceId).containsOnly(SpanIds.traceId(run.prUid));
    } finally {
      other.stop().await();
      second.close().await();
    }
  }
}
