package dev.pitstop.cli;

import picocli.CommandLine.Command;

/** {@code pitstop}: breakpoints, notifications and traces for Tekton runs. */
@Command(
    name = "pitstop",
    mixinStandardHelpOptions = true,
    version = "pitstop 0.1.0-SNAPSHOT",
    description = "Breakpoints, notifications and execution traces for Tekton runs.",
    subcommands = {
      UpCommand.class,
      DemoCommand.class,
      BreakpointsCommand.class,
      ReleaseCommand.Continue.class,
      ReleaseCommand.FailContinue.class
    })
public final class PitstopCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }
}
