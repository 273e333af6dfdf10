package dev.pitstop.cli;

import picocli.CommandLine;

/** Entry point of the {@code pitstop} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = new CommandLine(new PitstopCommand()).execute(args);
    System.exit(code);
  }
}
