package dev.pitstop.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

  @Test
  void aNegativeWarmupIsRefusedNamingTheOptionBeforeAnythingRuns() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err, true));

    int code = cli.execute("--warmup-runs", "-1", "--part", "e2e");

    assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--warmup-runs must be >= 0, was -1");
  }
}
