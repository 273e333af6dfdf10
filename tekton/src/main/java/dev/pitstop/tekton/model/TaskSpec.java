package dev.pitstop.tekton.model;

import java.util.ArrayList;
import java.util.List;

/** The spec of a Task, also found inline as {@code taskSpec} in TaskRuns and PipelineTasks. */
public class TaskSpec extends Extensible {
  public String displayName;
  public String description;
  public List<ParamSpec> params = new ArrayList<>();
  public List<Step> steps = new ArrayList<>();
  public List<Sidecar> sidecars = new ArrayList<>();
  public List<ResultSpec> results = new ArrayList<>();
}
