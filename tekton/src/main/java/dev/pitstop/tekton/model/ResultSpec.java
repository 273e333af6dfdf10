package dev.pitstop.tekton.model;

/** A declared result of a Task ({@code type}: string, array or object) or a Pipeline result. */
public class ResultSpec extends Extensible {
  public String name;
  public String type;
  public String description;

  /** Only for Pipeline results: the expression, e.g. {@code $(tasks.t.results.r)}. */
  public Object value;
}
