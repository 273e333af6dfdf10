package dev.pitstop.cli;

import dev.pitstop.runtime.config.ConfigException;
import dev.pitstop.runtime.ops.ManagementConfig;
import dev.pitstop.runtime.ops.ManagementServer;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.watcher.WatcherConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pitstop up}: Pitstop on its embedded defaults until stopped, on the sandbox or, with
 * {@code --kubeconfig}, on a real cluster.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start an embedded Kafka broker (or use KAFKA_BOOTSTRAP_SERVERS), a simulated Tekton cluster,",
      "a local webhook and OTLP receiver, and all four services in one JVM; print the endpoints;",
      "run until stopped (Ctrl-C).",
      "With --kubeconfig, watch that cluster instead of the simulated one: name the scope with",
      "--namespace and/or --selector (or --all-namespaces). PipelineRun-level breakpoints need the",
      "in-cluster engine then (its admission webhook must be reachable from the API server)."
    })
public final class UpCommand implements Callable<Integer> {
  /** What {@code up --kubeconfig} says about PipelineRun-level breakpoints. */
  static final String WEBHOOK_NOTE =
      "PipelineRun-level breakpoints need the in-cluster engine: its admission webhook must be"
          + " reachable from the API server (docs/breakpoints.md). Step breakpoints and releases"
          + " work from here.";

  @Option(
      names = "--engine-port",
      defaultValue = "8081",
      description = "Engine API port (default ${DEFAULT-VALUE}).")
  int enginePort;

  @Option(names = "--topic-prefix", defaultValue = "pitstop.", description = "Kafka topic prefix.")
  String topicPrefix;

  @Option(
      names = "--kafka-bootstrap-servers",
      defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-}",
      description = "An existing Kafka cluster (default: KAFKA_BOOTSTRAP_SERVERS, else embedded).")
  String kafkaBootstrap;

  @Option(
      names = "--kubeconfig-out",
      defaultValue = "target/pitstop-sandbox.kubeconfig",
      description = "Where to write a kubeconfig for the sandbox's Kubernetes API.")
  Path kubeconfigOut;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = {
        "Use this cluster (the file's current context) instead of the sandbox: no simulator.",
        "Pitstop reads the logs of every run it watches: give --namespace, --selector or",
        "--all-namespaces."
      })
  Path kubeconfig;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      split = ",",
      description = "Watch only these namespaces (repeatable; WATCHER_NAMESPACES).")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "SELECTOR",
      description =
          "Watch only runs with these labels, e.g. pitstop.dev/watch=true (WATCHER_SELECTOR).")
  String selector = "";

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "With --kubeconfig: watch every run in the cluster (an explicit opt-in).")
  boolean allNamespaces;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "Tekton YAML to apply to the sandbox once everything is up (repeatable).")
  List<Path> files = new ArrayList<>();

  /** {@code --management-port}'s default; taken, a free port is used instead (with a warning). */
  static final int MANAGEMENT_PORT = 9400;

  @Option(
      names = "--management-port",
      paramLabel = "PORT",
      description = {
        "Serve /healthz, /readyz (ready when all four services are) and /metrics of the whole",
        "stack on 127.0.0.1:PORT; 0: any free port (the URL is printed). Default "
            + MANAGEMENT_PORT
            + ", or a free port when that one is taken."
      })
  Integer managementPort;

  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    closed.await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    try {
      return run(stop, System.out, System.err);
    } finally {
      closed.countDown();
    }
  }

  /**
   * Validates the options, starts the stack, prints its endpoints, and runs until {@code stop}
   * opens; then stops everything.
   *
   * @return the exit code: 0 after a stop, 2 for bad options
   */
  int run(CountDownLatch stop, PrintStream out, PrintStream err) throws Exception {
    try {
      CliLogging.apply(log.format, log.level);
    } catch (ConfigException e) {
      err.println(
          "pitstop up: "
              + e.getMessage()
                  .replace("PITSTOP_LOG_FORMAT", "--log-format")
                  .replace("PITSTOP_LOG_LEVEL", "--log-level"));
      return 2;
    }
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        err.println("pitstop up: --file " + f + ": not a readable file");
        return 2;
      }
    }
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        err.println("pitstop up: --kubeconfig " + kubeconfig + ": not a readable file");
        return 2;
      }
      if (!files.isEmpty()) {
        err.println(
            "pitstop up: --file applies to the sandbox only; with --kubeconfig use kubectl apply");
        return 2;
      }
      if (namespaces.isEmpty() && selector.isBlank() && !allNamespaces) {
        err.println(
            "pitstop up: with --kubeconfig, say what to watch: --namespace NS, --selector"
                + " SELECTOR, or --all-namespaces (Pitstop reads the logs of every run it"
                + " watches and can exec into its Pods)");
        return 2;
      }
    } else if (allNamespaces) {
      err.println("pitstop up: --all-namespaces goes with --kubeconfig");
      return 2;
    }
    if (allNamespaces && !namespaces.isEmpty()) {
      err.println("pitstop up: --all-namespaces and --namespace exclude each other");
      return 2;
    }
    try {
      // The watcher's own validation, so a bad value is reported as the option the user gave.
      WatcherConfig.fromMap(
          Map.of(
              "KAFKA_BOOTSTRAP_SERVERS",
              "unused",
              "WATCHER_NAMESPACES",
              String.join(",", namespaces),
              "WATCHER_SELECTOR",
              selector));
    } catch (ConfigException e) {
      err.println(
          "pitstop up: "
              + e.getMessage()
                  .replace("WATCHER_NAMESPACES", "--namespace")
                  .replace("WATCHER_SELECTOR", "--selector"));
      return 2;
    }
    if (managementPort != null && (managementPort < 0 || managementPort > 65_535)) {
      err.println("pitstop up: --management-port " + managementPort + ": not a port (0-65535)");
      return 2;
    }
    String external = kafkaBootstrap == null || kafkaBootstrap.isBlank() ? null : kafkaBootstrap;
    LocalStack stack =
        LocalStack.start(
            new LocalStack.Options(
                external,
                topicPrefix,
                enginePort,
                SimulatorOptions.defaults(),
                kubeconfig,
                namespaces,
                selector.strip()));
    ManagementServer management = null;
    try {
      management =
          ManagementServer.start(
                  stack.vertx(),
                  new ManagementConfig(
                      "127.0.0.1",
                      managementPort == null ? MANAGEMENT_PORT : managementPort,
                      managementPort != null),
                  "pitstop up")
              .await(30, TimeUnit.SECONDS);
      out.println("Pitstop is up.");
      out.println(
          "  Kafka bootstrap      "
              + stack.bootstrapServers()
              + (external == null ? "  (embedded)" : ""));
      if (stack.api() != null) {
        Files.createDirectories(kubeconfigOut.toAbsolutePath().getParent());
        stack.api().writeKubeconfig(kubeconfigOut);
        out.println(
            "  Kubernetes API       "
                + stack.api().masterUrl()
                + "  (kubeconfig: "
                + kubeconfigOut
                + ")");
      } else {
        out.println(
            "  Kubernetes API       "
                + stack.kubernetesUrl()
                + "  (kubeconfig: "
                + kubeconfig
                + ")");
        out.println(
            "  Watching             "
                + (namespaces.isEmpty() ? "all namespaces" : "namespaces " + namespaces)
                + (selector.isBlank() ? "" : ", runs matching " + selector.strip()));
      }
      out.println(
          "  Engine API           "
              + stack.engineUrl()
              + "  (Authorization: Bearer "
              + stack.apiToken()
              + ")");
      out.println("  Webhook receiver     " + stack.webhook().url());
      out.println("  OTLP receiver        " + stack.otlp().endpoint());
      out.println(
          "  Management           http://127.0.0.1:"
              + management.port()
              + "  (/healthz, /readyz, /metrics)");
      if (stack.api() == null) {
        out.println("Note: " + WEBHOOK_NOTE);
        out.println("Create Tekton runs in the cluster (kubectl create); Ctrl-C stops.");
      } else {
        for (Path f : files) {
          var applied = stack.simulator().apply(Files.readString(f));
          out.println("Applied " + f + ": " + applied.created().size() + " objects");
          applied.notes().forEach(n -> out.println("  note: " + n));
        }
        out.println("Create Tekton runs through the Kubernetes API (or --file); Ctrl-C stops.");
      }
      out.flush();
      stop.await();
      return 0;
    } finally {
      if (management != null) {
        management.stop().await(10, TimeUnit.SECONDS);
      }
      stack.close();
    }
  }
}
