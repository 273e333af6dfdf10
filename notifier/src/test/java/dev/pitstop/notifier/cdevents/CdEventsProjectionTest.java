package dev.pitstop.notifier.cdevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.SampleEvents;
import dev.pitstop.events.data.RunFinished;
import io.cloudevents.CloudEvent;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CdEventsProjectionTest {
  private static JsonNode project(PitstopEvent e) {
    return CdEventsProjection.project(e).orElseThrow().json();
  }

  private static PitstopEvent finished(EventType type, String succeeded, String reason) {
    PitstopEvent s = SampleEvents.of(type);
    RunFinished f = s.data(RunFinished.class);
    return new PitstopEvent(
        s.id(),
        s.type(),
        s.source(),
        s.subject(),
        s.time(),
        s.partitionKey(),
        new RunFinished(
            f.run(),
            succeeded,
            reason,
            "why: " + reason,
            f.startTime(),
            f.completionTime(),
            f.skippedTasks()));
  }

  @Test
  void aPipelineRunStartIsAPipelineRunStartedCdEvent() {
    PitstopEvent e = SampleEvents.of(EventType.PIPELINERUN_STARTED);
    JsonNode j = project(e);
    assertThat(j.at("/context/version").asText()).isEqualTo("0.4.1");
    assertThat(j.at("/context/type").asText()).isEqualTo("dev.cdevents.pipelinerun.started.0.2.0");
    assertThat(j.at("/context/source").asText()).isEqualTo("/pitstop/prod-eu/ci/pipelineruns");
    assertThat(j.at("/context/timestamp").asText()).isEqualTo("2026-11-21T09:00Z");
    assertThat(UUID.fromString(j.at("/context/id").asText())).isNotNull();
    assertThat(j.at("/subject/id").asText()).isEqualTo("build-x7k2p");
    assertThat(j.at("/subject/source").asText()).isEqualTo("/pitstop/prod-eu/ci/pipelineruns");
    assertThat(j.at("/subject/type").asText()).isEqualTo("pipelineRun");
    assertThat(j.at("/subject/content/pipelineName").asText()).isEqualTo("build");
    assertThat(j.at("/subject/content").has("outcome")).isFalse();
  }

  @Test
  void aSucceededPipelineRunHasOutcomeSuccessAndNoErrors() {
    JsonNode j = project(SampleEvents.of(EventType.PIPELINERUN_FINISHED));
    assertThat(j.at("/context/type").asText()).isEqualTo("dev.cdevents.pipelinerun.finished.0.2.0");
    assertThat(j.at("/subject/content/outcome").asText()).isEqualTo("success");
    assertThat(j.at("/subject/content").has("errors")).isFalse();
    assertThat(j.at("/subject/content/pipelineName").asText()).isEqualTo("build");
  }

  @Test
  void aFailedPipelineRunCarriesItsReasonAndMessageAsErrors() {
    JsonNode j = project(finished(EventType.PIPELINERUN_FINISHED, "False", "Failed"));
    assertThat(j.at("/subject/content/outcome").asText()).isEqualTo("failure");
    assertThat(j.at("/subject/content/errors").asText()).isEqualTo("Failed: why: Failed");
  }

  @Test
  void aTaskRunStartNamesItsTaskAndPipelineRun() {
    JsonNode j = project(SampleEvents.of(EventType.TASKRUN_STARTED));
    assertThat(j.at("/context/type").asText()).isEqualTo("dev.cdevents.taskrun.started.0.2.0");
    assertThat(j.at("/context/source").asText()).isEqualTo("/pitstop/prod-eu/ci/taskruns");
    assertThat(j.at("/subject/type").asText()).isEqualTo("taskRun");
    assertThat(j.at("/subject/id").asText()).isEqualTo("build-x7k2p-compile");
    assertThat(j.at("/subject/content/taskName").asText()).isEqualTo("maven");
    assertThat(j.at("/subject/content/pipelineRun/id").asText()).isEqualTo("build-x7k2p");
    assertThat(j.at("/subject/content/pipelineRun/source").asText())
        .isEqualTo("/pitstop/prod-eu/ci/pipelineruns");
  }

  @Test
  void aTaskRunFinishHasAnOutcome() {
    JsonNode ok = project(SampleEvents.of(EventType.TASKRUN_FINISHED));
    assertThat(ok.at("/context/type").asText()).isEqualTo("dev.cdevents.taskrun.finished.0.2.0");
    assertThat(ok.at("/subject/content/outcome").asText()).isEqualTo("success");
    assertThat(ok.at("/subject/content/pipelineRun/id").asText()).isEqualTo("build-x7k2p");
    JsonNode timeout = project(finished(EventType.TASKRUN_FINISHED, "False", "TaskRunTimeout"));
    assertThat(timeout.at("/subject/content/outcome").asText()).isEqualTo("failure");
    assertThat(timeout.at("/subject/content/errors").asText()).startsWith("TaskRunTimeout");
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "True, Succeeded, success",
    "True, Completed, success",
    "False, Failed, failure",
    "False, StepFailed, failure",
    "False, StepOOM, failure",
    "False, TaskRunTimeout, failure",
    "False, PipelineRunTimeout, failure",
    "False, Cancelled, cancel",
    "False, TaskRunCancelled, cancel",
    "False, StoppedRunningFinally, cancel",
    "False, CancelledRunningFinally, cancel",
    "Unknown, Deleted, cancel",
    "False, CouldntGetTask, error",
    "False, PipelineValidationFailed, error",
    "False, TaskRunImagePullFailed, error",
    "False, ExceededResourceQuota, error",
    "Unknown, Whatever, error",
  })
  void tektonReasonsMapToCdEventsOutcomes(String succeeded, String reason, String outcome) {
    assertThat(
            CdEventsOutcome.of(
                    finished(EventType.TASKRUN_FINISHED, succeeded, reason).data(RunFinished.class))
                .value())
        .isEqualTo(outcome);
    assertThat(
            project(finished(EventType.PIPELINERUN_FINISHED, succeeded, reason))
                .at("/subject/content/outcome")
                .asText())
        .isEqualTo(outcome);
  }

  @Test
  void theIdIsDerivedFromThePitstopIdSoARedeliveryKeepsIt() {
    PitstopEvent a = SampleEvents.of(EventType.PIPELINERUN_FINISHED);
    PitstopEvent b = SampleEvents.of(EventType.PIPELINERUN_STARTED);
    String idA = CdEventsProjection.project(a).orElseThrow().id();
    assertThat(CdEventsProjection.project(a).orElseThrow().id()).isEqualTo(idA);
    assertThat(CdEventsProjection.project(b).orElseThrow().id()).isNotEqualTo(idA);
    assertThat(project(a).at("/context/id").asText()).isEqualTo(idA);
  }

  @Test
  void pitstopOnlyEventsAreNotProjected() {
    List<EventType> projected =
        Arrays.stream(EventType.values())
            .filter(t -> CdEventsProjection.project(SampleEvents.of(t)).isPresent())
            .toList();
    assertThat(projected)
        .containsExactlyInAnyOrder(
            EventType.PIPELINERUN_STARTED,
            EventType.PIPELINERUN_FINISHED,
            EventType.TASKRUN_STARTED,
            EventType.TASKRUN_FINISHED);
    assertThat(CdEventsProjection.project(SampleEvents.of(EventType.BREAKPOINT_PAUSED))).isEmpty();
  }

  @Test
  void longErrorsAreBounded() {
    PitstopEvent s = finished(EventType.TASKRUN_FINISHED, "False", "Failed");
    RunFinished f = s.data(RunFinished.class);
    PitstopEvent big =
        new PitstopEvent(
            s.id(),
            s.type(),
            s.source(),
            s.subject(),
            s.time(),
            s.partitionKey(),
            new RunFinished(
                f.run(),
                "False",
                "Failed",
                "x".repeat(10_000),
                f.startTime(),
                f.completionTime(),
                List.of()));
    assertThat(project(big).at("/subject/content/errors").asText())
        .hasSize(CdEventsProjection.MAX_ERRORS);
  }

  @Test
  void theCloudEventCarriesTheCdEventsAttributesAndTheCdEventAsData() throws Exception {
    PitstopEvent e = SampleEvents.of(EventType.PIPELINERUN_FINISHED);
    CdEvent cd = CdEventsProjection.project(e).orElseThrow();
    CloudEvent ce = CdEventsProjection.toCloudEvent(cd);
    assertThat(ce.getType()).isEqualTo("dev.cdevents.pipelinerun.finished.0.2.0");
    assertThat(ce.getId()).isEqualTo(cd.id());
    assertThat(ce.getSource().toString()).isEqualTo("/pitstop/prod-eu/ci/pipelineruns");
    assertThat(ce.getDataContentType()).isEqualTo("application/json");
    assertThat(ce.getExtension("partitionkey")).isEqualTo(e.partitionKey());
    assertThat(ce.getTime().toInstant()).isEqualTo(e.time());
    assertThat(EventCodec.mapper().readTree(ce.getData().toBytes())).isEqualTo(cd.json());
  }
}
