package dev.pitstop.events.data;

import java.time.Instant;
import java.util.List;

/**
 * A TaskRun's Pod has all its containers ready ({@code ContainersReady} True) and, when it has
 * sidecars, Tekton marked them ready with the annotation {@code tekton.dev/ready=READY} (the
 * entrypoint of the first step waits for it). Data of {@code dev.pitstop.pod.ready.v1}.
 *
 * @param run the TaskRun attempt the Pod runs
 * @param pod the Pod's name
 * @param initializedAt the {@code Initialized} condition's {@code lastTransitionTime}, or null
 * @param readyAt the {@code ContainersReady} condition's {@code lastTransitionTime}
 * @param sidecars the sidecar containers ({@code sidecar-<name>}), in Pod order (never null)
 * @param waitingReasons container waiting reasons ({@code ContainerCreating} while images pull,
 *     {@code ErrImagePull}, {@code PodInitializing}, ...) on the Pod status the watcher saw just
 *     before and on the ready one, distinct, in order (never null; Kubernetes keeps no times for
 *     image pulls in the Pod)
 */
public record PodReady(
    RunRef run,
    String pod,
    Instant initializedAt,
    Instant readyAt,
    List<String> sidecars,
    List<String> waitingReasons)
    implements EventData {
  public PodReady {
    sidecars = sidecars == null ? List.of() : List.copyOf(sidecars);
    waitingReasons = waitingReasons == null ? List.of() : List.copyOf(waitingReasons);
  }
}
