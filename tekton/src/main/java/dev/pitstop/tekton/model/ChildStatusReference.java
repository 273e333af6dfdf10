package dev.pitstop.tekton.model;

import java.util.List;

/** An entry of {@code PipelineRun.status.childReferences}: names a child run; carries no status. */
public class ChildStatusReference extends Extensible {
  public String apiVersion;
  public String kind;
  public String name;
  public String pipelineTaskName;
  public String displayName;
  public List<WhenExpression> whenExpressions;
}
