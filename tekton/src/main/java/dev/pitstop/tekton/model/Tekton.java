package dev.pitstop.tekton.model;

/** API group and version of the Tekton resources modelled here. */
public final class Tekton {
  public static final String GROUP = "tekton.dev";
  public static final String VERSION = "v1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  private Tekton() {}
}
