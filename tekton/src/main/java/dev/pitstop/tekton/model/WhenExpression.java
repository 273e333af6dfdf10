package dev.pitstop.tekton.model;

import java.util.List;

/**
 * A guard on a PipelineTask: {@code input operator values} ({@code in}/{@code notin}), or {@code
 * cel}.
 */
public class WhenExpression extends Extensible {
  public String input;
  public String operator;
  public List<String> values;
  public String cel;
}
