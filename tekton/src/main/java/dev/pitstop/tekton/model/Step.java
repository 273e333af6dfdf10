package dev.pitstop.tekton.model;

import java.util.List;

/**
 * One step of a Task. Runs as container {@code step-<name>} (or {@code step-unnamed-<i>} when
 * unnamed) inside the TaskRun's Pod. {@code onError} is {@code continue} or {@code stopAndFail}
 * (default).
 */
public class Step extends Extensible {
  public String name;
  public String image;
  public String script;
  public List<String> command;
  public List<String> args;
  public String workingDir;
  public String onError;
  public String timeout;
}
