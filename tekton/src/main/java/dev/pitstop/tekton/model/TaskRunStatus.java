package dev.pitstop.tekton.model;

import java.util.ArrayList;
import java.util.List;

/** {@code TaskRun.status} (tekton-facts.md §4). */
public class TaskRunStatus extends RunStatus {
  public String podName;
  public List<StepState> steps = new ArrayList<>();
  public List<StepState> sidecars = new ArrayList<>();
  public List<RunResult> results = new ArrayList<>();
  public List<TaskRunStatus> retriesStatus = new ArrayList<>();
  public TaskSpec taskSpec;
}
