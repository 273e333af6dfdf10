package dev.pitstop.tekton.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code PipelineRun.spec.timeouts}: Go duration strings; {@code pipeline} defaults to 60m. */
public class Timeouts extends Extensible {
  public String pipeline;
  public String tasks;

  @JsonProperty("finally")
  public String finallyTimeout;
}
