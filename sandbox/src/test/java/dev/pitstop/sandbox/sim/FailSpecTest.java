package dev.pitstop.sandbox.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailSpecTest {
  @Test
  void parsesFailSpecs() {
    assertThat(FailSpec.parseList("build/compile=2, -/unnamed-0"))
        .containsExactly(new FailSpec("build", "compile", 2), new FailSpec("-", "unnamed-0", 1));
    assertThatThrownBy(() -> FailSpec.parse("nostep")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FailSpec.parse("a/b=x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(SimulatorOptions.parseResults(List.of("fetch/commit=abc=1")))
        .containsEntry("fetch/commit", "abc=1");
  }
}
