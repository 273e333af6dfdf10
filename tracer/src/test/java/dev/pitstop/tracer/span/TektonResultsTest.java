package dev.pitstop.tracer.span;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TektonResultsTest {
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "True, Succeeded, success",
    "True, Completed, success",
    "False, Failed, failure",
    "False, StepFailed, failure",
    "False, FailureIgnored, failure",
    "False, SomethingNewInTekton, failure",
    "False, TaskRunTimeout, timeout",
    "False, PipelineRunTimeout, timeout",
    "False, TaskRunCancelled, cancellation",
    "False, Cancelled, cancellation",
    "False, StoppedRunningFinally, cancellation",
    "False, TaskRunImagePullFailed, error",
    "False, PodEvicted, error",
    "False, CouldntGetPipeline, error",
    "False, ExceededResourceQuota, error",
  })
  void mapsTektonReasonsToCicdResults(String succeeded, String reason, String result) {
    assertThat(TektonResults.of(succeeded, reason)).isEqualTo(result);
  }

  @ParameterizedTest
  @CsvSource({"success, false", "skip, false", "failure, true", "timeout, true", "error, true"})
  void onlySuccessAndSkipAreNotErrors(String result, boolean error) {
    assertThat(TektonResults.isError(result)).isEqualTo(error);
  }
}
