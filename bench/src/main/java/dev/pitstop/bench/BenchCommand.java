package dev.pitstop.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pitstop.runtime.config.Settings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pitstop bench}: what a pause costs a user, measured next to the physical limit in the same
 * run. Part 1 ({@link EndToEnd}) runs N concurrent PipelineRuns through all four services in the
 * sandbox; part 2 ({@link Capacity}) replays part 1's observations into each service alone; {@link
 * Footprint} measures heap per live Pod and run and the engine's recovery. Exits 0, or 1 when a
 * part failed (an event lost), 2 on bad options. docs/performance.md explains the figures.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure Pitstop end to end in the sandbox and each service alone, next to raw Kafka and HTTP",
      "measured in the same run. Figures are printed; --json writes them. See docs/performance.md."
    })
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--runs",
      defaultValue = "100",
      description = "Concurrent PipelineRuns (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--tasks-per-run",
      paramLabel = "K",
      defaultValue = "4",
      description = "pipelineTasks per run (default ${DEFAULT-VALUE}).")
  int tasksPerRun;

  @Option(
      names = "--step-duration",
      paramLabel = "DURATION",
      defaultValue = "2s",
      description = "How long each step runs (default ${DEFAULT-VALUE}).")
  String stepDuration;

  @Option(
      names = "--pause-share",
      paramLabel = "P",
      defaultValue = "0.2",
      description = "Share of runs pausing at a breakpoint (default ${DEFAULT-VALUE}).")
  double pauseShare;

  @Option(
      names = "--warmup-runs",
      paramLabel = "W",
      defaultValue = "5",
      description = {
        "PipelineRuns, all pausing, run before part 1's measured ones (default ${DEFAULT-VALUE};",
        "2 with --smoke); their first-use latencies are printed apart."
      })
  int warmupRuns;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = "20s",
      description = "How long part 2 replays into each service (default ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  @Option(names = "--smoke", description = "A short run (<= 60 s) for CI: 10 runs, 3 s replay.")
  boolean smoke;

  @Option(
      names = "--part",
      paramLabel = "PART",
      description = "Only these parts: e2e, capacity, footprint (repeatable; default all).")
  List<String> parts = new ArrayList<>();

  @Option(
      names = "--service",
      paramLabel = "SERVICE",
      description = {
        "Part 2 measures only these services: breakpoint-engine, notifier,",
        "notifier-unsubscribed, tracer (repeatable; default all)."
      })
  List<String> services = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    BenchOptions options;
    try {
      options =
          new BenchOptions(
              smoke ? Math.min(runs, 10) : runs,
              tasksPerRun,
              duration("--step-duration", smoke ? "300ms" : stepDuration),
              pauseShare,
              smoke ? Math.min(warmupRuns, 2) : warmupRuns,
              duration("--duration", smoke ? "3s" : duration),
              json,
              smoke);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    for (String p : parts) {
      if (!List.of("e2e", "capacity", "footprint").contains(p)) {
        throw new ParameterException(
            spec.commandLine(), "--part " + p + ": expected e2e, capacity or footprint");
      }
    }
    List<dev.pitstop.bench.capacity.Target> targets = new ArrayList<>();
    for (String name : services) {
      targets.add(
          dev.pitstop.bench.capacity.Target.named(name)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "--service "
                              + name
                              + ": expected breakpoint-engine, notifier, notifier-unsubscribed or"
                              + " tracer")));
    }
    PrintStream out = System.out;
    out.println(Machine.describe());
    List<BenchPart> results = new ArrayList<>();
    EndToEnd.Result e2e = null;
    if (wants("e2e") || wants("capacity")) {
      e2e = EndToEnd.run(options, out);
      if (wants("e2e")) results.add(e2e);
    }
    if (wants("capacity")) results.add(Capacity.run(options, e2e.recording(), out, targets));
    if (wants("footprint")) results.add(Footprint.run(options, out));
    for (BenchPart r : results) r.print(out);
    if (json != null) {
      ObjectMapper mapper =
          new ObjectMapper()
              .registerModule(new JavaTimeModule())
              .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
      ObjectNode root = mapper.createObjectNode();
      root.set("machine", mapper.valueToTree(Machine.facts()));
      root.set("options", mapper.valueToTree(options));
      for (BenchPart r : results) root.set(r.name(), r.json());
      Files.writeString(json, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
    return results.stream().anyMatch(BenchPart::failed) ? 1 : 0;
  }

  private boolean wants(String part) {
    return parts.isEmpty() || parts.contains(part);
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
