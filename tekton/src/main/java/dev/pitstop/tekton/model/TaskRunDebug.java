package dev.pitstop.tekton.model;

/** {@code TaskRun.spec.debug}: alpha, needs {@code enable-api-fields: alpha}. */
public class TaskRunDebug extends Extensible {
  public Breakpoints breakpoints;
}
