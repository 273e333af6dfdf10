package dev.pitstop.tekton.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A task of a Pipeline ({@code tasks} or {@code finally}). {@code onError} is {@code continue} or
 * {@code stopAndFail} (default); {@code runAfter} names other PipelineTasks.
 */
public class PipelineTask extends Extensible {
  public String name;
  public String displayName;
  public TaskRef taskRef;
  public TaskSpec taskSpec;
  public List<String> runAfter = new ArrayList<>();
  public List<Param> params = new ArrayList<>();
  public List<WhenExpression> when = new ArrayList<>();
  public String onError;
  public Integer retries;
  public String timeout;
}
