package dev.pitstop.watcher.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.events.data.RunRef;
import dev.pitstop.tekton.model.TaskRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllowlistTest {
  final Allowlist allow = new Allowlist(List.of("pitstop.dev/", "tekton.dev/", "example.com/"));

  /** A JSON policy of exactly {@code length} characters. */
  static String policy(int length) {
    String head = "{\"onFailure\":\"enabled\",\"note\":\"";
    String tail = "\"}";
    return head + "x".repeat(length - head.length() - tail.length()) + tail;
  }

  @Test
  void aLongBreakpointPolicyTravelsWholeUpToTheEnginesBound() {
    String json = policy(Allowlist.MAX_STRUCTURED_VALUE);
    Map<String, String> out = allow.filter(Map.of("pitstop.dev/breakpoints", json));
    assertThat(out).containsExactly(Map.entry("pitstop.dev/breakpoints", json));
  }

  @Test
  void aStructuredValueOverItsBoundIsDroppedNotCutAndTheResultSaysSo() {
    String json = policy(Allowlist.MAX_STRUCTURED_VALUE + 1);
    String span = "{\"traceparent\":\"" + "0".repeat(9_000) + "\"}";
    Map<String, String> out =
        allow.filter(
            Map.of(
                "pitstop.dev/breakpoints", json,
                "tekton.dev/pipelinerunSpanContext", span,
                "example.com/owner", "team-a"));
    assertThat(out)
        .doesNotContainKeys("pitstop.dev/breakpoints", "tekton.dev/pipelinerunSpanContext");
    assertThat(out).containsEntry("example.com/owner", "team-a");
    assertThat(out.get(Allowlist.DROPPED))
        .isEqualTo(
            "pitstop.dev/breakpoints (8193 characters, over 8192); "
                + "tekton.dev/pipelinerunSpanContext ("
                + span.length()
                + " characters, over 8192)");
  }

  @Test
  void plainValuesAreStillCutAndARunCannotClaimPitstopsDroppedEntry() {
    Map<String, String> out =
        allow.filter(
            Map.of(
                "example.com/long",
                "y".repeat(1_000),
                Allowlist.DROPPED,
                "nothing, honest",
                "pitstop.dev/breakpoints",
                "{\"onFailure\":\"enabled\"}"));
    assertThat(out.get("example.com/long")).hasSize(Allowlist.MAX_VALUE);
    assertThat(out).doesNotContainKey(Allowlist.DROPPED);
    assertThat(out).containsEntry("pitstop.dev/breakpoints", "{\"onFailure\":\"enabled\"}");
  }

  @Test
  void theNoteOfDroppedValuesIsItselfBounded() {
    Map<String, String> many = new java.util.HashMap<>();
    String big = "z".repeat(Allowlist.MAX_STRUCTURED_VALUE + 1);
    for (String run : List.of("pipelinerun", "taskrun", "a-very-long-custom-run-kind", "another")) {
      many.put("tekton.dev/" + run + "x".repeat(40) + "SpanContext", big);
    }
    String note = allow.filter(many).get(Allowlist.DROPPED);
    assertThat(note).isNotEmpty();
    assertThat(note.length()).isLessThanOrEqualTo(Allowlist.MAX_VALUE);
  }

  @Test
  void aTaskRunsEventNamesItsDroppedPolicy() {
    RunRefs refs = new RunRefs(new Allowlist(List.of("tekton.dev/")), allow);
    TaskRun tr = Runs.taskRun("build-x", "tr-uid", Map.of());
    tr.getMetadata()
        .setAnnotations(
            Map.of("pitstop.dev/breakpoints", policy(Allowlist.MAX_STRUCTURED_VALUE + 10)));
    RunRef run = refs.taskRun(tr, 0);
    assertThat(run.annotations()).doesNotContainKey("pitstop.dev/breakpoints");
    assertThat(run.annotations().get(Allowlist.DROPPED))
        .startsWith("pitstop.dev/breakpoints (8202 characters");
  }
}
