package dev.pitstop.tekton.model;

import java.util.ArrayList;
import java.util.List;

/** {@code PipelineRun.status} (tekton-facts.md §4). */
public class PipelineRunStatus extends RunStatus {
  public PipelineSpec pipelineSpec;
  public List<ChildStatusReference> childReferences = new ArrayList<>();
  public List<SkippedTask> skippedTasks = new ArrayList<>();
  public List<RunResult> results = new ArrayList<>();
  public String finallyStartTime;
}
