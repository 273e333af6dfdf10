package dev.pitstop.tekton.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A declared parameter of a Task or Pipeline; {@code type} is string, array or object. */
public class ParamSpec extends Extensible {
  public String name;
  public String type;
  public String description;

  @JsonProperty("default")
  public Object defaultValue;
}
