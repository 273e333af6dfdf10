package dev.pitstop.tekton.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** The spec of a Pipeline, also inline as {@code pipelineSpec} in a PipelineRun. */
public class PipelineSpec extends Extensible {
  public String displayName;
  public String description;
  public List<ParamSpec> params = new ArrayList<>();
  public List<PipelineTask> tasks = new ArrayList<>();

  @JsonProperty("finally")
  public List<PipelineTask> finallyTasks = new ArrayList<>();

  public List<ResultSpec> results = new ArrayList<>();
}
