package dev.pitstop.tekton.model;

/**
 * A reference to a Task ({@code kind} Task by default) or a Pipeline by name in the same namespace.
 */
public class TaskRef extends Extensible {
  public String name;
  public String kind;
  public String apiVersion;
  public String resolver;

  public TaskRef() {}

  public TaskRef(String name) {
    this.name = name;
  }
}
