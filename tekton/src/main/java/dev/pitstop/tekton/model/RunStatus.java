package dev.pitstop.tekton.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of a TaskRun's and a PipelineRun's status they share (knative {@code duck.Status}):
 * conditions (Tekton uses one, type {@code Succeeded}), start and completion times (RFC 3339).
 */
public abstract class RunStatus extends Extensible {
  public static final String SUCCEEDED = "Succeeded";

  public Long observedGeneration;
  public List<Condition> conditions = new ArrayList<>();
  public String startTime;
  public String completionTime;
  public Map<String, String> spanContext;

  /** The {@code Succeeded} condition, or null when there is none yet. */
  public Condition succeeded() {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> SUCCEEDED.equals(c.getType())).findFirst().orElse(null);
  }

  /** True when the {@code Succeeded} condition is {@code True} or {@code False}. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isDone() {
    Condition c = succeeded();
    return c != null && ("True".equals(c.getStatus()) || "False".equals(c.getStatus()));
  }
}
