package dev.pitstop.events;

/**
 * CloudEvents {@code subject} values: {@code <namespace>/<plural>/<name>[/steps/<step>]}, e.g.
 * {@code ci/taskruns/build-x7k2p/steps/compile}.
 */
public final class Subjects {
  public static final String TASKRUNS = "taskruns";
  public static final String PIPELINERUNS = "pipelineruns";
  public static final String PODS = "pods";

  private Subjects() {}

  public static String of(String namespace, String plural, String name) {
    return namespace + "/" + plural + "/" + name;
  }

  public static String step(String namespace, String taskRun, String step) {
    return of(namespace, TASKRUNS, taskRun) + "/steps/" + step;
  }
}
