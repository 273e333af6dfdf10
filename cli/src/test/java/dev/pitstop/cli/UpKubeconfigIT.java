package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.Topics;
import dev.pitstop.events.kafka.EventRecords;
import dev.pitstop.runtime.kafka.KafkaSettings;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import dev.pitstop.sandbox.kafka.SharedKafka;
import dev.pitstop.sandbox.sim.SimulatorOptions;
import dev.pitstop.sandbox.sim.TektonSimulator;
import dev.pitstop.tekton.model.TaskRun;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pitstop up --kubeconfig FILE} against an API server it did not start: the sandbox's,
 * reached only through a kubeconfig file written here, as a real cluster would be. The command
 * starts no simulator of its own; runs created in the watched namespace are observed, runs
 * elsewhere are not.
 */
class UpKubeconfigIT {
  @TempDir Path dir;

  @Test
  void upWithAKubeconfigWatchesThatClusterInTheGivenNamespaceOnly() throws Exception {
    String prefix = "up-kubeconfig-it-" + UUID.randomUUID() + ".";
    Topics topics = new Topics(prefix);
    try (SandboxApiServer server = SandboxApiServer.start();
        TektonSimulator sim =
            TektonSimulator.start(
                server, SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(150)));
        KubernetesClient client = server.newClient();
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                new HashMap<String, Object>(
                    KafkaSettings.of(SharedKafka.bootstrapServers(), topics)
                        .consumerConfig("up-it-" + UUID.randomUUID(), "up-it")))) {
      Path kubeconfig = server.writeKubeconfig(dir.resolve("cluster.kubeconfig"));
      UpCommand up = new UpCommand();
      new CommandLine(up)
          .parseArgs(
              "--kubeconfig",
              kubeconfig.toString(),
              "--namespace",
              "team-a",
              "--engine-port",
              "0",
              "--topic-prefix",
              prefix,
              "--kafka-bootstrap-servers",
              SharedKafka.bootstrapServers());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CountDownLatch stop = new CountDownLatch(1);
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return up.run(
                      stop,
                      new PrintStream(out, true, StandardCharsets.UTF_8),
                      new PrintStream(err, true, StandardCharsets.UTF_8));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try {
        await()
            .atMost(60, TimeUnit.SECONDS)
            .until(() -> exit.isDone() || out.toString(StandardCharsets.UTF_8).contains("Ctrl-C"));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isNotDone();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed)
            .contains("Kubernetes API       " + server.masterUrl().replaceAll("/$", ""))
            .contains("kubeconfig: " + kubeconfig)
            .contains("namespaces [team-a]")
            .contains(UpCommand.WEBHOOK_NOTE)
            .doesNotContain("pitstop-sandbox.kubeconfig");

        consumer.subscribe(List.of(topics.observations()));
        String watched = create(sim, "team-a");
        String ignored = create(sim, "team-b");
        List<PitstopEvent> received = new CopyOnWriteArrayList<>();
        await()
            .atMost(60, TimeUnit.SECONDS)
            .untilAsserted(
                () -> {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    received.add(EventRecords.decode(r.headers(), r.value()));
                  }
                  assertThat(
                          received.stream()
                              .filter(e -> e.data().run().name().equals(watched))
                              .map(PitstopEvent::type))
                      .contains(
                          EventType.TASKRUN_STARTED,
                          EventType.STEP_STARTED,
                          EventType.STEP_FINISHED,
                          EventType.TASKRUN_FINISHED);
                });
        // team-b's run finished too (same simulator); the watcher never looked at it.
        await()
            .atMost(30, TimeUnit.SECONDS)
            .until(
                () -> {
                  TaskRun tr =
                      client.resources(TaskRun.class).inNamespace("team-b").withName(ignored).get();
                  return tr.getStatus() != null && tr.getStatus().isDone();
                });
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          received.add(EventRecords.decode(r.headers(), r.value()));
        }
        Set<String> namespaces =
            received.stream().map(e -> e.data().run().namespace()).collect(Collectors.toSet());
        assertThat(namespaces).containsExactly("team-a");
      } finally {
        stop.countDown();
      }
      assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    }
  }

  private static String create(TektonSimulator sim, String namespace) {
    return sim.apply(
            """
            apiVersion: tekton.dev/v1
            kind: TaskRun
            metadata:
              generateName: up-
              namespace: %s
            spec:
              taskSpec:
                steps:
                  - name: hello
                    image: busybox
                    script: echo hello
            """
                .formatted(namespace))
        .created(TaskRun.class)
        .get(0)
        .getMetadata()
        .getName();
  }
}
