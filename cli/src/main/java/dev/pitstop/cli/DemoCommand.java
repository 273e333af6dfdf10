package dev.pitstop.cli;

import dev.pitstop.cli.demo.AutoContinue;
import dev.pitstop.cli.demo.EventLine;
import dev.pitstop.cli.demo.EventTap;
import dev.pitstop.events.EventType;
import dev.pitstop.events.data.Action;
import dev.pitstop.events.data.BreakpointPaused;
import dev.pitstop.events.data.HoldHeld;
import dev.pitstop.runtime.config.Settings;
import dev.pitstop.sandbox.otlp.ReceivedSpan;
import dev.pitstop.sandbox.otlp.Waterfall;
import dev.pitstop.sandbox.sim.ApplyResult;
import dev.pitstop.sandbox.sim.FailSpec;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.model.PipelineRun;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pitstop demo}: one shot. Starts Pitstop on its embedded defaults, applies Tekton YAML (a
 * bundled example, or {@code --file}), prints every event as it happens, releases paused steps
 * through the engine API after {@code --auto-continue}, waits until every run is terminal and its
 * trace arrived at the local OTLP receiver, draws each trace as a waterfall, and exits 0; non-zero
 * on a Pitstop error (dead letters, a run without trace) or when {@code --timeout} expires.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Tekton runs through Pitstop on its embedded defaults and show what happens.",
      "Without --file it applies a bundled example: a build pipeline with parallel branches and",
      "finally, and a TaskRun with an onFailure breakpoint whose test step fails."
    })
public final class DemoCommand implements Callable<Integer> {
  static final String BUNDLED = "/demo/build-pipeline.yaml";

  @Spec CommandSpec spec;

  @Option(names = "--file", paramLabel = "FILE", description = "Tekton YAML to apply (repeatable).")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--fail",
      paramLabel = "TASK/STEP[=CODE]",
      description = "Make a step fail (TASK: the pipelineTask, - for a standalone TaskRun).")
  List<String> fail = new ArrayList<>();

  @Option(
      names = "--result",
      paramLabel = "TASK/RESULT=VALUE",
      description = "A task result's value.")
  List<String> results = new ArrayList<>();

  @Option(
      names = "--auto-continue",
      paramLabel = "DURATION",
      defaultValue = "3s",
      description =
          "Release each paused step after this long through the engine API; 'off' never (default ${DEFAULT-VALUE}).")
  String autoContinue;

  @Option(
      names = "--auto-action",
      defaultValue = "continue",
      description = "continue or fail-continue (default ${DEFAULT-VALUE}).")
  String autoAction;

  @Option(
      names = "--step-duration",
      paramLabel = "DURATION",
      defaultValue = "300ms",
      description = "How long each simulated step runs (default ${DEFAULT-VALUE}).")
  String stepDuration;

  @Option(
      names = "--events-out",
      paramLabel = "FILE",
      description = "Write every CloudEvent of every topic as one JSON line (structured mode).")
  Path eventsOut;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "5m",
      description = "Give up (exit 2) when not done by then (default ${DEFAULT-VALUE}).")
  String timeout;

  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    try {
      CliLogging.apply(log.format, log.level);
    } catch (dev.pitstop.runtime.config.ConfigException e) {
      throw new ParameterException(
          spec.commandLine(),
          e.getMessage()
              .replace("PITSTOP_LOG_FORMAT", "--log-format")
              .replace("PITSTOP_LOG_LEVEL", "--log-level"));
    }
    Duration deadlineIn = duration("--timeout", timeout);
    Duration autoAfter =
        "off".equals(autoContinue) ? null : duration("--auto-continue", autoContinue);
    Action action;
    try {
      action = Action.of(autoAction);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--auto-action: " + e.getMessage());
    }
    SimulatorOptions sim;
    try {
      sim =
          SimulatorOptions.defaults()
              .withStepDuration(duration("--step-duration", stepDuration))
              .withFail(fail.stream().map(FailSpec::parse).toList())
              .withResults(SimulatorOptions.parseResults(results));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Map<String, String> yaml = documents();

    Instant deadline = Instant.now().plus(deadlineIn);
    String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    String prefix = "pitstop-demo-" + Long.toHexString(System.nanoTime()) + ".";
    System.out.println(
        "Starting Pitstop: "
            + (external == null ? "embedded Kafka" : "Kafka at " + external)
            + ", simulated Tekton cluster, watcher, breakpoint-engine, notifier, tracer...");
    try (LocalStack stack = LocalStack.start(new LocalStack.Options(external, prefix, 0, sim));
        EventTap tap = new EventTap(stack.bootstrapServers(), stack.topics(), eventsOut);
        AutoContinue releaser =
            new AutoContinue(stack.engineUrl(), stack.apiToken(), autoAfter, action)) {
      System.out.println(
          "Engine API "
              + stack.engineUrl()
              + ", webhook receiver "
              + stack.webhook().url()
              + ", OTLP receiver "
              + stack.otlp().endpoint());
      tap.onEvent(e -> System.out.println(EventLine.of(e)));
      tap.onEvent(
          e -> {
            if (e.type() == EventType.BREAKPOINT_PAUSED) {
              releaser.schedule(e.data(BreakpointPaused.class));
            } else if (e.type() == EventType.HOLD_HELD) {
              releaser.schedule(e.data(HoldHeld.class));
            }
          });
      stack
          .webhook()
          .onEvent(
              ce ->
                  System.out.println(
                      "                  webhook ← " + ce.getType() + " " + ce.getSubject()));
      tap.start();

      for (Map.Entry<String, String> doc : yaml.entrySet()) {
        ApplyResult applied;
        try {
          applied = stack.simulator().apply(doc.getValue());
        } catch (IllegalArgumentException e) {
          System.err.println("pitstop demo: cannot apply " + doc.getKey() + ": " + e.getMessage());
          return 1;
        }
        System.out.println(
            "Applied " + doc.getKey() + ": " + applied.created().size() + " objects");
        applied.notes().forEach(n -> System.out.println("  note: " + n));
      }

      KubernetesClient client = stack.api().newClient();
      Outcome outcome = waitUntilDone(stack, client, tap, releaser, deadline);
      client.close();
      printWaterfalls(stack.otlp().spans());
      System.out.println(outcome.summary);
      return outcome.code;
    }
  }

  private record Outcome(int code, String summary) {}

  private Outcome waitUntilDone(
      LocalStack stack,
      KubernetesClient client,
      EventTap tap,
      AutoContinue releaser,
      Instant deadline)
      throws InterruptedException {
    while (Instant.now().isBefore(deadline)) {
      List<String> roots = rootRuns(client);
      boolean allDone = !roots.isEmpty() && pending(client).isEmpty();
      long traces = stack.otlp().spans().stream().filter(ReceivedSpan::isRoot).count();
      long finishedRoots =
          tap.seen().stream()
              .filter(
                  e ->
                      e.type() == EventType.PIPELINERUN_FINISHED
                          || (e.type() == EventType.TASKRUN_FINISHED
                              && e.data().run().pipelineRun() == null))
              .count();
      if (!tap.deadLetters().isEmpty()) {
        return new Outcome(1, "Pitstop error: dead letters: " + tap.deadLetters());
      }
      if (releaser.failures() > 0) {
        return new Outcome(
            1, "Pitstop error: the engine API refused a release: " + releaser.lastFailure());
      }
      if (allDone && finishedRoots >= roots.size() && traces >= roots.size()) {
        return new Outcome(
            0,
            "Done: "
                + roots.size()
                + " runs finished, "
                + tap.seen().size()
                + " events, "
                + stack.webhook().received().size()
                + " webhook deliveries, "
                + traces
                + " traces.");
      }
      Thread.sleep(200);
    }
    return new Outcome(
        2,
        "Timed out: still running "
            + pending(client)
            + "; traces received: "
            + stack.otlp().spans().stream().filter(ReceivedSpan::isRoot).count());
  }

  /** Root runs: PipelineRuns and TaskRuns that no PipelineRun created. */
  private static List<String> rootRuns(KubernetesClient client) {
    List<String> roots = new ArrayList<>();
    client
        .resources(PipelineRun.class)
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(p -> roots.add(p.getMetadata().getName()));
    client.resources(TaskRun.class).inAnyNamespace().list().getItems().stream()
        .filter(
            t ->
                t.getMetadata().getLabels() == null
                    || !t.getMetadata().getLabels().containsKey(TektonLabels.PIPELINE_RUN))
        .forEach(t -> roots.add(t.getMetadata().getName()));
    return roots;
  }

  private static List<String> pending(KubernetesClient client) {
    List<String> p = new ArrayList<>();
    client.resources(PipelineRun.class).inAnyNamespace().list().getItems().stream()
        .filter(r -> r.getStatus() == null || !r.getStatus().isDone())
        .forEach(r -> p.add("PipelineRun " + r.getMetadata().getName()));
    client.resources(TaskRun.class).inAnyNamespace().list().getItems().stream()
        .filter(r -> r.getStatus() == null || !r.getStatus().isDone())
        .forEach(r -> p.add("TaskRun " + r.getMetadata().getName()));
    return p;
  }

  private static void printWaterfalls(List<ReceivedSpan> spans) {
    Map<String, List<ReceivedSpan>> byTrace =
        spans.stream()
            .collect(
                Collectors.groupingBy(
                    ReceivedSpan::traceId, LinkedHashMap::new, Collectors.toList()));
    System.out.println();
    System.out.println("Traces received over OTLP (" + byTrace.size() + "):");
    byTrace.forEach(
        (id, s) -> {
          System.out.println();
          System.out.println("trace " + id);
          System.out.print(Waterfall.render(s));
        });
    System.out.println();
  }

  private Map<String, String> documents() throws IOException {
    Map<String, String> docs = new LinkedHashMap<>();
    if (files.isEmpty()) {
      try (InputStream in = DemoCommand.class.getResourceAsStream(BUNDLED)) {
        if (in == null) {
          throw new IllegalStateException(
              "the bundled example " + BUNDLED + " is missing from the jar");
        }
        docs.put("the bundled example", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        throw new ParameterException(spec.commandLine(), "--file " + f + ": not a readable file");
      }
      docs.put(f.toString(), Files.readString(f));
    }
    return docs;
  }

  private Duration duration(String option, String value) {
    try {
      return Settings.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), option + " " + value + ": " + e.getMessage());
    }
  }
}
