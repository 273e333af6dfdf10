package dev.pitstop.events.data;

import java.time.Instant;
import java.util.List;

/**
 * A TaskRun's Pod got its {@code Initialized} condition True: every init container terminated. Data
 * of {@code dev.pitstop.pod.initialized.v1}.
 *
 * @param run the TaskRun attempt the Pod runs
 * @param pod the Pod's name
 * @param initializedAt the {@code Initialized} condition's {@code lastTransitionTime}
 * @param initContainers the init containers in Pod order, with their terminated times (never null)
 */
public record PodInitialized(
    RunRef run, String pod, Instant initializedAt, List<PodContainer> initContainers)
    implements EventData {
  public PodInitialized {
    initContainers = initContainers == null ? List.of() : List.copyOf(initContainers);
  }
}
