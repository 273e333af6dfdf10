package dev.pitstop.tekton.model;

import java.util.List;

/** An entry of {@code PipelineRun.status.skippedTasks}; reasons in {@code pipelinerun_types.go}. */
public class SkippedTask extends Extensible {
  public String name;
  public String reason;
  public List<WhenExpression> whenExpressions;
}
