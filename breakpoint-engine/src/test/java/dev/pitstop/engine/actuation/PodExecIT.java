package dev.pitstop.engine.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import dev.pitstop.engine.breakpoint.ExecOutcome;
import dev.pitstop.sandbox.k8s.ExecResult;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PodExec} against the sandbox's {@code pods/exec} (the {@code v4.channel.k8s.io} protocol
 * as kube-apiserver relays it): the command and container arrive as sent, exit codes and stderr
 * come back, a missing Pod is not run with the API server's reason. Guards the use of fabric8's
 * {@code dsl.internal} exec listener across fabric8 upgrades.
 */
class PodExecIT {
  private SandboxApiServer server;
  private KubernetesClient client;
  private Vertx vertx;
  private PodExec exec;
  private final List<List<String>> arrived = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    server = SandboxApiServer.start();
    client = server.newClient();
    client
        .pods()
        .inNamespace("ci")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("tr-1-pod")
                .withNamespace("ci")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("step-build")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build())
        .create();
    vertx = Vertx.vertx();
    exec = new PodExec(vertx, client, Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() {
    exec.close();
    vertx.close().await();
    client.close();
    server.close();
  }

  private static Action.Exec continueIn(String pod, String container) {
    return new Action.Exec(
        new BreakpointKey("ci", "tr-1", "build"),
        "cmd-1",
        "ci",
        pod,
        container,
        List.of("/tekton/debug/scripts/debug-continue", "a b&c"));
  }

  @Test
  void theCommandArrivesAsSentAndSuccessIsExitZero() {
    server.setExecHandler(
        (ns, pod, container, command) -> {
          arrived.add(List.of(ns, pod, container, String.join("|", command)));
          return ExecResult.success("continued");
        });

    ExecOutcome o = exec.apply(continueIn("tr-1-pod", "step-build")).await();

    assertThat(o.exitCode()).isZero();
    assertThat(arrived)
        .containsExactly(
            List.of("ci", "tr-1-pod", "step-build", "/tekton/debug/scripts/debug-continue|a b&c"));
  }

  @Test
  void aNonZeroExitCodeAndItsStderrComeBack() {
    server.setExecHandler(
        (ns, pod, container, command) ->
            ExecResult.failure(127, "exec: \"sh\": executable file not found in $PATH"));

    ExecOutcome o = exec.apply(continueIn("tr-1-pod", "step-build")).await();

    assertThat(o.exitCode()).isEqualTo(127);
    assertThat(o.stderr()).contains("executable file not found");
  }

  @Test
  void aMissingPodIsNotRunAndSaysWhy() {
    server.setExecHandler(
        (ns, pod, container, command) -> {
          arrived.add(command);
          return ExecResult.success("");
        });

    ExecOutcome o = exec.apply(continueIn("gone-pod", "step-build")).await();

    assertThat(o.exitCode()).isEqualTo(ExecOutcome.NOT_RUN);
    assertThat(o.stderr()).isNotBlank();
    assertThat(arrived).isEmpty();
  }
}
