package dev.pitstop.bench;

import dev.pitstop.bench.jmh.JmhCommand;
import dev.pitstop.cli.PitstopCommand;
import picocli.CommandLine;

/**
 * Entry point of the {@code pitstop} launcher: the CLI's commands plus {@code bench}, which lives
 * in this module because it needs the whole stack and JMH (the CLI module cannot depend on it).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine cli =
        new CommandLine(new PitstopCommand())
            .addSubcommand(new CommandLine(new BenchCommand()).addSubcommand(new JmhCommand()));
    System.exit(cli.execute(args));
  }
}
