package dev.pitstop.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code pitstop bench jmh [JMH args...]}: the JMH benchmarks of the pure hot parts (mapper,
 * decisions on a large DAG, event serde, span building) through JMH's {@link Runner}. Arguments are
 * JMH's own ({@code java -jar benchmarks.jar -h}: an include regex, {@code -f}, {@code -wi}, ...);
 * defaults are modest ({@value #DEFAULTS}) and apply where the arguments say nothing; with no regex
 * every benchmark of {@code dev.pitstop.bench.jmh} runs. Exits 0, 1 when a benchmark failed, 2 on
 * bad arguments.
 */
@Command(
    name = "jmh",
    mixinStandardHelpOptions = true,
    description = {
      "Run the JMH benchmarks of the pure hot parts (mapper, decisions, serde, spans).",
      "Arguments are JMH's (e.g. `Serde -f 1 -i 5`); defaults: " + JmhCommand.DEFAULTS + "."
    })
public final class JmhCommand implements Callable<Integer> {
  /** The defaults, JMH's syntax. */
  static final String DEFAULTS = "-f 1 -wi 2 -i 3 -w 1s -r 1s";

  @Spec CommandSpec spec;

  /** Everything after {@code jmh}: JMH's own arguments, which picocli does not interpret. */
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws RunnerException {
    Options options;
    try {
      options = options(args);
    } catch (CommandLineOptionException e) {
      throw new ParameterException(spec.commandLine(), "JMH arguments: " + e.getMessage());
    }
    java.util.Collection<RunResult> results = new Runner(options).run();
    return results.isEmpty() ? 1 : 0;
  }

  /**
   * JMH options from its command line, with {@link #DEFAULTS} where it sets nothing and this
   * package's benchmarks when it names none.
   */
  static Options options(List<String> args) throws CommandLineOptionException {
    CommandLineOptions given = new CommandLineOptions(args.toArray(String[]::new));
    CommandLineOptions defaults = new CommandLineOptions(DEFAULTS.split(" "));
    OptionsBuilder b = new OptionsBuilder();
    if (given.getIncludes().isEmpty()) {
      b.include(JmhCommand.class.getPackageName() + "\\..*Benchmark");
    }
    // Defaults first, then what was given overrides them (OptionsBuilder.parent is consulted for
    // what the builder leaves unset).
    b.forks(given.getForkCount().orElse(defaults.getForkCount().get()))
        .warmupIterations(given.getWarmupIterations().orElse(defaults.getWarmupIterations().get()))
        .measurementIterations(
            given.getMeasurementIterations().orElse(defaults.getMeasurementIterations().get()))
        .warmupTime(given.getWarmupTime().orElse(defaults.getWarmupTime().get()))
        .measurementTime(given.getMeasurementTime().orElse(defaults.getMeasurementTime().get()));
    return b.parent(given).build();
  }
}
