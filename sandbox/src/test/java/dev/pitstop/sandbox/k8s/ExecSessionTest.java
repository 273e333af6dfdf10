package dev.pitstop.sandbox.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecSessionTest {

  @Test
  void statusForExitZeroIsSuccess() {
    assertThat(Serialization.asJson(ExecSession.status(List.of("true"), 0)))
        .contains("\"status\":\"Success\"")
        .doesNotContain("reason");
  }

  @Test
  void statusForNonZeroExitCarriesTheCodeAsExitCodeCause() {
    var status = ExecSession.status(List.of("false"), 7);
    assertThat(status.getStatus()).isEqualTo("Failure");
    assertThat(status.getReason()).isEqualTo("NonZeroExitCode");
    assertThat(status.getDetails().getCauses())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getReason()).isEqualTo("ExitCode");
              assertThat(c.getMessage()).isEqualTo("7");
            });
  }

  @Test
  void nullStreamsOfAResultReadAsEmpty() {
    assertThat(new ExecResult(1, null, null)).isEqualTo(new ExecResult(1, "", ""));
  }
}
