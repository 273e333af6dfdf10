package dev.pitstop.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.TimeValue;

class JmhCommandTest {

  @Test
  void noArgumentsRunEveryBenchmarkOfThePackageWithModestDefaults() throws Exception {
    Options o = JmhCommand.options(List.of());
    assertThat(o.getIncludes()).containsExactly("dev.pitstop.bench.jmh\\..*Benchmark");
    assertThat(o.getForkCount().get()).isEqualTo(1);
    assertThat(o.getWarmupIterations().get()).isEqualTo(2);
    assertThat(o.getMeasurementIterations().get()).isEqualTo(3);
    assertThat(o.getWarmupTime().get()).isEqualTo(TimeValue.seconds(1));
    assertThat(o.getMeasurementTime().get()).isEqualTo(new TimeValue(1, TimeUnit.SECONDS));
  }

  @Test
  void givenArgumentsOverrideTheDefaultsAndNameTheBenchmarks() throws Exception {
    Options o =
        JmhCommand.options(List.of("Serde", "-i", "5", "-f", "2", "-p", "type=STEP_FINISHED"));
    assertThat(o.getIncludes()).containsExactly("Serde");
    assertThat(o.getMeasurementIterations().get()).isEqualTo(5);
    assertThat(o.getForkCount().get()).isEqualTo(2);
    assertThat(o.getWarmupIterations().get()).isEqualTo(2);
    assertThat(o.getParameter("type").get()).containsExactly("STEP_FINISHED");
  }

  @Test
  void isRegisteredUnderBenchAndPassesJmhOptionsThrough() {
    picocli.CommandLine cli =
        new picocli.CommandLine(new dev.pitstop.bench.BenchCommandAccess().bench())
            .addSubcommand(new JmhCommand());
    picocli.CommandLine.ParseResult r = cli.parseArgs("jmh", "Mapper", "-wi", "1", "-f", "0");
    JmhCommand jmh = (JmhCommand) r.subcommand().commandSpec().userObject();
    assertThat(jmh.args).containsExactly("Mapper", "-wi", "1", "-f", "0");
  }
}
