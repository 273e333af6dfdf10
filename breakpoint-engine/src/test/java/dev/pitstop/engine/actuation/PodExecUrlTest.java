package dev.pitstop.engine.actuation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.engine.breakpoint.Action;
import dev.pitstop.engine.breakpoint.BreakpointKey;
import io.fabric8.kubernetes.client.dsl.internal.PodOperationContext;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exec URL {@link PodExec} asks for: the query kube-apiserver reads, as fabric8 writes it. */
class PodExecUrlTest {
  @Test
  void theUrlCarriesEachArgumentEncodedTheContainerAndTheStreams() {
    Action.Exec x =
        new Action.Exec(
            new BreakpointKey("ns-a", "tr-1", "build"),
            "cmd-1",
            "ns-a",
            "tr-1-pod",
            "step-build",
            List.of("/tekton/debug/scripts/debug-continue", "a b&c"));
    PodOperationContext context =
        PodOperationContext.builder()
            .containerId("step-build")
            .output(new PodOperationContext.StreamContext(new ByteArrayOutputStream()))
            .error(new PodOperationContext.StreamContext(new ByteArrayOutputStream()))
            .build();

    String u = PodExec.execUri("https://api.example:6443/", x, context).toString();

    assertThat(u).startsWith("https://api.example:6443/api/v1/namespaces/ns-a/pods/tr-1-pod/exec?");
    assertThat(u)
        .contains(
            "command=%2Ftekton%2Fdebug%2Fscripts%2Fdebug-continue",
            "container=step-build", "stdout=true", "stderr=true")
        .doesNotContain("stdin=true", "tty=true", "a b&c");
    assertThat(u).containsPattern("command=a(\\+|%20)b%26c");
  }
}
