package dev.pitstop.watcher.logs;

/**
 * A step container whose log may show a breakpoint marker now.
 *
 * @param namespace the TaskRun's and Pod's namespace
 * @param taskRun the TaskRun's name
 * @param pod the Pod's name
 * @param container the step container, {@code step-<name>}
 * @param stepIndex the step's 0-based index
 */
public record FollowTarget(
    String namespace, String taskRun, String pod, String container, int stepIndex) {
  /** {@code namespace/pod/container}: one follower per key. */
  public String key() {
    return namespace + "/" + pod + "/" + container;
  }
}
