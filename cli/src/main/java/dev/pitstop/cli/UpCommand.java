package dev.pitstop.cli;

import dev.pitstop.sandbox.sim.SimulatorOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pitstop up}: Pitstop on its embedded defaults until stopped. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start an embedded Kafka broker (or use KAFKA_BOOTSTRAP_SERVERS), a simulated Tekton cluster,",
      "a local webhook and OTLP receiver, and all four services in one JVM; print the endpoints;",
      "run until stopped (Ctrl-C)."
    })
public final class UpCommand implements Callable<Integer> {
  @Option(
      names = "--engine-port",
      defaultValue = "8081",
      description = "Engine API port (default ${DEFAULT-VALUE}).")
  int enginePort;

  @Option(names = "--topic-prefix", defaultValue = "pitstop.", description = "Kafka topic prefix.")
  String topicPrefix;

  @Option(
      names = "--kubeconfig-out",
      defaultValue = "target/pitstop-sandbox.kubeconfig",
      description = "Where to write a kubeconfig for the sandbox's Kubernetes API.")
  Path kubeconfigOut;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "Tekton YAML to apply once everything is up (repeatable).")
  java.util.List<Path> files = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    for (Path f : files) {
      if (!java.nio.file.Files.isReadable(f)) {
        System.err.println("pitstop up: --file " + f + ": not a readable file");
        return 2;
      }
    }
    String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    LocalStack stack =
        LocalStack.start(
            new LocalStack.Options(external, topicPrefix, enginePort, SimulatorOptions.defaults()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.close();
                  stopped.countDown();
                }));
    java.nio.file.Files.createDirectories(kubeconfigOut.toAbsolutePath().getParent());
    stack.api().writeKubeconfig(kubeconfigOut);
    System.out.println("Pitstop is up.");
    System.out.println(
        "  Kafka bootstrap      "
            + stack.bootstrapServers()
            + (external == null ? "  (embedded)" : ""));
    System.out.println(
        "  Kubernetes API       "
            + stack.api().masterUrl()
            + "  (kubeconfig: "
            + kubeconfigOut
            + ")");
    System.out.println(
        "  Engine API           "
            + stack.engineUrl()
            + "  (Authorization: Bearer "
            + stack.apiToken()
            + ")");
    System.out.println("  Webhook receiver     " + stack.webhook().url());
    System.out.println("  OTLP receiver        " + stack.otlp().endpoint());
    for (Path f : files) {
      var applied = stack.simulator().apply(java.nio.file.Files.readString(f));
      System.out.println("Applied " + f + ": " + applied.created().size() + " objects");
      applied.notes().forEach(n -> System.out.println("  note: " + n));
    }
    System.out.println("Create Tekton runs through the Kubernetes API (or --file); Ctrl-C stops.");
    stopped.await();
    return 0;
  }
}
