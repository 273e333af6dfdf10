package dev.pitstop.tekton.model;

/** A result produced by a TaskRun or PipelineRun: {@code value} is a String, List or Map. */
public class RunResult extends Extensible {
  public String name;
  public String type;
  public Object value;

  public RunResult() {}

  public RunResult(String name, String type, Object value) {
    this.name = name;
    this.type = type;
    this.value = value;
  }
}
