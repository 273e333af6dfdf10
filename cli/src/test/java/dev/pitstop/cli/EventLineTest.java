package dev.pitstop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitstop.cli.demo.EventLine;
import dev.pitstop.events.EventType;
import dev.pitstop.events.SampleEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventLineTest {
  @ParameterizedTest
  @EnumSource(EventType.class)
  void everyTypeHasALineNamingItsRun(EventType type) {
    String line = EventLine.of(SampleEvents.of(type));
    assertThat(line).containsAnyOf("build-x7k2p", "compile/test");
  }

  @Test
  void aPauseShowsTheStepTheBreakpointAndTheShellCommand() {
    String line = EventLine.of(SampleEvents.of(EventType.BREAKPOINT_PAUSED));
    assertThat(line).contains("PAUSED compile/test at onFailure").contains("kubectl exec -it");
  }

  @Test
  void aFinishedRunShowsTektonsReason() {
    assertThat(EventLine.of(SampleEvents.of(EventType.PIPELINERUN_FINISHED)))
        .contains("finished: Completed")
        .contains("in 95.0s");
  }
}
