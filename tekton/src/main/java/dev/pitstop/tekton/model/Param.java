package dev.pitstop.tekton.model;

/**
 * A parameter value passed to a Task or Pipeline: {@code value} is a String, a List of Strings or a
 * Map of String to String (Tekton's {@code ParamValue}, {@code
 * pkg/apis/pipeline/v1/param_types.go}).
 */
public class Param extends Extensible {
  public String name;
  public Object value;

  public Param() {}

  public Param(String name, Object value) {
    this.name = name;
    this.value = value;
  }
}
