package dev.pitstop.tekton.model;

import java.util.List;

/** A sidecar container of a Task; runs as container {@code sidecar-<name>}. */
public class Sidecar extends Extensible {
  public String name;
  public String image;
  public String script;
  public List<String> command;
  public List<String> args;
}
