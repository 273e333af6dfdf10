package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pitstop.sandbox.k8s.LogLine;
import dev.pitstop.sandbox.k8s.SandboxApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A simulator running late stamps a log line with the time it really appends it, as the kubelet
 * stamps a line when the container runtime reads it -- not with the earlier time the step became
 * ready. Driven tick by tick with a clock that jumps 5 s per tick (a tick far behind plan), so the
 * planned time and the append time differ.
 */
class LogStampIT {
  private static final Duration TICK = Duration.ofSeconds(5);

  private SandboxApiServer server;
  private KubernetesClient client;
  private TektonSimulator sim;
  private volatile Instant now = Instant.parse("2026-11-21T09:00:00.123Z");

  @BeforeEach
  void start() {
    server = SandboxApiServer.start();
    client = server.newClient();
    Clock clock =
        new Clock() {
          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("not needed by the simulator");
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    sim =
        new TektonSimulator(
            client,
            server.podLogs(),
            SimulatorOptions.defaults().withStepDuration(Duration.ofMillis(100)),
            clock);
    sim.installFeatureFlags();
  }

  @AfterEach
  void stop() {
    sim.close();
    client.close();
    server.close();
  }

  @Test
  void aBreakpointMarkerAppendedLateCarriesItsAppendTimeInItsTimestampAndGoLogPrefix() {
    sim.apply(
        """
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata:
          name: stamped
          namespace: default
        spec:
          debug:
            breakpoints:
              onFailure: enabled
              beforeSteps: ["two"]
          taskSpec:
            steps:
              - name: one
                image: busybox
                script: echo one
              - name: two
                image: busybox
                script: echo two
        """);

    LogLine marker =
        await()
            .atMost(30, TimeUnit.SECONDS)
            .until(
                () -> {
                  Optional<LogLine> m = marker();
                  if (m.isEmpty()) {
                    now = now.plus(TICK);
                    sim.tick();
                  }
                  return marker();
                },
                Optional::isPresent)
            .orElseThrow();

    // The clock has not moved since the tick that appended it: that tick's time is the stamp.
    assertThat(marker.time()).isEqualTo(now);
    assertThat(marker.text()).startsWith(Times.goLogPrefix(now));
  }

  private Optional<LogLine> marker() {
    String pod = podName();
    if (pod == null) {
      return Optional.empty();
    }
    return server.podLogs().lines("default", pod, "step-two").stream()
        .filter(l -> l.text().contains("before step breakpoint has taken effect"))
        .findFirst();
  }

  private String podName() {
    var pods = client.pods().inNamespace("default").list().getItems();
    return pods.isEmpty() ? null : pods.get(0).getMetadata().getName();
  }
}
