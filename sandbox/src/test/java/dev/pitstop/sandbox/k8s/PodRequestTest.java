package dev.pitstop.sandbox.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodRequestTest {

  @Test
  void parsesExecWithRepeatedCommandsAndEncodedValues() {
    PodRequest r =
        PodRequest.parse(
                "/api/v1/namespaces/ci/pods/run-1-pod/exec?command=sh&command=-c&command=echo%20hi"
                    + "&container=step-build&stdout=true&stderr=1")
            .orElseThrow();
    assertThat(r.namespace()).isEqualTo("ci");
    assertThat(r.pod()).isEqualTo("run-1-pod");
    assertThat(r.subresource()).isEqualTo("exec");
    assertThat(r.params("command")).containsExactly("sh", "-c", "echo hi");
    assertThat(r.param("container")).contains("step-build");
    assertThat(r.flag("stdout")).isTrue();
    assertThat(r.flag("stderr")).isTrue();
    assertThat(r.flag("stdin")).isFalse();
  }

  @Test
  void ignoresPathsThatAreNotPodSubresources() {
    assertThat(PodRequest.parse("/api/v1/namespaces/ci/pods/p")).isEmpty();
    assertThat(PodRequest.parse("/api/v1/namespaces/ci/pods?labelSelector=a%3Db")).isEmpty();
    assertThat(PodRequest.parse("/apis/tekton.dev/v1/namespaces/ci/taskruns/t/status")).isEmpty();
    assertThat(PodRequest.parse("/api/v1/namespaces/ci/pods/p/log")).isPresent();
  }

  @Test
  void logOptionsSelectSinceTimeThenTailAndRenderTimestamps() {
    Instant t = Instant.parse("2026-11-21T09:00:00Z");
    List<LogLine> lines =
        List.of(
            new LogLine(t, "a"),
            new LogLine(t.plusSeconds(1), "b"),
            new LogLine(t.plusSeconds(2), "c"));
    LogOptions options =
        LogOptions.from(
            PodRequest.parse(
                    "/api/v1/namespaces/n/pods/p/log?follow=true&timestamps=true&tailLines=1"
                        + "&sinceTime=2026-11-21T09:00:01Z")
                .orElseThrow(),
            t);
    assertThat(options.follow()).isTrue();
    assertThat(options.select(lines)).extracting(LogLine::text).containsExactly("c");
    assertThat(options.accepts(lines.get(0))).isFalse();
    assertThat(options.render(lines.get(1))).isEqualTo("2026-11-21T09:00:01Z b\n");
  }

  @Test
  void containerIsResolvedAsTheApiServerDoes() {
    var one = new PodLookup.PodContainers(List.of("step-a"), List.of("prepare"), List.of());
    var two = new PodLookup.PodContainers(List.of("step-a", "step-b"), List.of(), List.of());
    assertThat(one.resolve("p", Optional.empty()).container()).isEqualTo("step-a");
    assertThat(one.resolve("p", Optional.of("prepare")).container()).isEqualTo("prepare");
    assertThat(one.resolve("p", Optional.of("nope")).error())
        .isEqualTo("container nope is not valid for pod p");
    assertThat(two.resolve("p", Optional.empty()).error())
        .isEqualTo("a container name must be specified for pod p, choose one of: [step-a step-b]");
  }
}
