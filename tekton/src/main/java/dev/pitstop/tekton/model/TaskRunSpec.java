package dev.pitstop.tekton.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The spec of a TaskRun. Only {@code status} ({@code TaskRunCancelled}, {@code TaskRunPending}) and
 * {@code statusMessage} may change once the TaskRun exists; {@code timeout} is a Go duration string
 * (default 60m).
 */
public class TaskRunSpec extends Extensible {
  public static final String STATUS_CANCELLED = "TaskRunCancelled";
  public static final String STATUS_PENDING = "TaskRunPending";

  public TaskRef taskRef;
  public TaskSpec taskSpec;
  public List<Param> params = new ArrayList<>();
  public TaskRunDebug debug;
  public String status;
  public String statusMessage;
  public String timeout;
  public String serviceAccountName;
  public Integer retries;

  /** The declared breakpoints, or null when the TaskRun has no {@code debug.breakpoints}. */
  public Breakpoints breakpoints() {
    return debug == null ? null : debug.breakpoints;
  }
}
