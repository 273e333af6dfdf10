package dev.pitstop.sandbox.sim;

/**
 * What a command exec'd into a simulated container produced (the core's own type; the adapter maps
 * it to the API server's exec result).
 */
record ScriptResult(int exitCode, String stdout, String stderr) {
  static ScriptResult ok(String stdout) {
    return new ScriptResult(0, stdout, "");
  }

  static ScriptResult failed(int code, String stderr) {
    return new ScriptResult(code, "", stderr);
  }
}
