package dev.pitstop.sandbox.k8s;

/**
 * What a command run by {@code kubectl exec} produced.
 *
 * @param exitCode the command's exit code (0 = success; 126/127 = could not run, as a shell says)
 * @param stdout everything written to standard output (UTF-8 text; {@code null} is read as empty)
 * @param stderr everything written to standard error (UTF-8 text; {@code null} is read as empty)
 */
public record ExecResult(int exitCode, String stdout, String stderr) {

  public ExecResult {
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
  }

  /** A successful run (exit 0) with the given standard output and no standard error. */
  public static ExecResult success(String stdout) {
    return new ExecResult(0, stdout, "");
  }

  /** A failed run with the given exit code and standard error, and no standard output. */
  public static ExecResult failure(int exitCode, String stderr) {
    return new ExecResult(exitCode, "", stderr);
  }
}
