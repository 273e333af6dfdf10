package dev.pitstop.tekton.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The spec of a PipelineRun; {@code status} may be {@code PipelineRunPending}, {@code Cancelled},
 * ...
 */
public class PipelineRunSpec extends Extensible {
  public static final String STATUS_PENDING = "PipelineRunPending";

  public TaskRef pipelineRef;
  public PipelineSpec pipelineSpec;
  public List<Param> params = new ArrayList<>();
  public String status;
  public Timeouts timeouts;
}
