package dev.pitstop.watcher.mapping;

import dev.pitstop.events.EventFactory;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.PodContainer;
import dev.pitstop.events.data.PodInitialized;
import dev.pitstop.events.data.PodReady;
import dev.pitstop.events.data.PodScheduled;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.tekton.TektonLabels;
import dev.pitstop.tekton.TektonNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a TaskRun's Pod into the observations its status implies: pure, no I/O, no clock.
 *
 * <ul>
 *   <li>{@code dev.pitstop.pod.scheduled.v1}: condition {@code PodScheduled} True; times = {@code
 *       creationTimestamp} and the condition's {@code lastTransitionTime};
 *   <li>{@code dev.pitstop.pod.initialized.v1}: condition {@code Initialized} True; time = its
 *       {@code lastTransitionTime}, with every init container's {@code terminated.startedAt} and
 *       {@code finishedAt} (Tekton's {@code prepare}, {@code place-scripts}; at most {@link
 *       #MAX_CONTAINERS});
 *   <li>{@code dev.pitstop.pod.ready.v1}: condition {@code ContainersReady} True and, when the Pod
 *       has sidecars ({@code sidecar-*} containers), the annotation {@code tekton.dev/ready=READY}
 *       Tekton sets once they are ready (the first step waits for it); time = {@code
 *       ContainersReady}'s {@code lastTransitionTime}, or for a Pod first seen past that (it ran or
 *       ended) the latest container start ({@link #allStartedAt}); with the waiting reasons ({@code
 *       ContainerCreating} while images pull, {@code ErrImagePull}, ...) on the status before and
 *       on this one.
 * </ul>
 *
 * A condition's time missing or not RFC 3339 means the fact is not known yet: nothing is emitted.
 * Ids come from {@link EventFactory} (the TaskRun's UID, the transition and the attempt), so a
 * relist yields the same ids and consumers drop repeats. The run comes from the TaskRun when the
 * caller has it (same {@link RunRef} as the TaskRun's own events), else from the Pod's labels
 * ({@link RunRefs#pod}).
 */
public final class PodObservations {
  /** At most this many init containers, sidecars and waiting reasons are reported. */
  public static final int MAX_CONTAINERS = 50;

  private static final int MAX_REASON = 128;

  private final EventFactory events;
  private final RunRefs refs;

  public PodObservations(EventFactory events, RunRefs refs) {
    this.events = events;
    this.refs = refs;
  }

  /** The observations {@code now} implies and {@code old} (null: nothing seen) did not. */
  public List<PitstopEvent> pod(Pod old, Pod now, RunRef run) {
    List<PitstopEvent> after =
        observations(
            now, run, old == null || old.getStatus() == null ? List.of() : waitingReasons(old));
    if (old == null || after.isEmpty()) {
      return after;
    }
    Set<String> seen = new HashSet<>();
    observations(old, run, List.of()).forEach(e -> seen.add(e.id()));
    return after.stream().filter(e -> !seen.contains(e.id())).toList();
  }

  /**
   * Every observation the Pod's status implies, in order (scheduled, initialized, ready).
   *
   * @param run the TaskRun attempt's reference, or null to derive it from the Pod's labels
   * @return empty when the Pod is not a TaskRun's Pod or has no status
   */
  public List<PitstopEvent> observations(Pod pod, RunRef run) {
    return observations(pod, run, List.of());
  }

  private List<PitstopEvent> observations(Pod pod, RunRef run, List<String> earlierReasons) {
    List<PitstopEvent> out = new ArrayList<>();
    if (pod == null || pod.getMetadata() == null || pod.getStatus() == null) {
      return out;
    }
    RunRef ref = run != null ? run : refs.pod(pod);
    if (ref == null) {
      return out;
    }
    String name = pod.getMetadata().getName();
    Instant scheduled = trueSince(pod, "PodScheduled");
    if (scheduled != null) {
      Instant created = KubeTimes.parse(pod.getMetadata().getCreationTimestamp());
      String node = pod.getSpec() == null ? null : bounded(pod.getSpec().getNodeName());
      out.add(
          events.create(
              EventType.POD_SCHEDULED,
              new PodScheduled(ref, name, created, scheduled, node),
              scheduled));
    }
    Instant initialized = trueSince(pod, "Initialized");
    if (initialized != null) {
      out.add(
          events.create(
              EventType.POD_INITIALIZED,
              new PodInitialized(ref, name, initialized, initContainers(pod)),
              initialized));
    }
    Instant ready = first(trueSince(pod, "ContainersReady"), allStartedAt(pod));
    List<String> sidecars = sidecars(pod);
    boolean sidecarsReady =
        sidecars.isEmpty() || "READY".equals(annotation(pod, TektonLabels.READY_ANNOTATION));
    if (ready != null && sidecarsReady) {
      out.add(
          events.create(
              EventType.POD_READY,
              new PodReady(ref, name, initialized, ready, sidecars, reasons(earlierReasons, pod)),
              ready));
    }
    return out;
  }

  /**
   * The {@code lastTransitionTime} of condition {@code type} when its status is True, else null.
   */
  static Instant trueSince(Pod pod, String type) {
    if (pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if (c != null && type.equals(c.getType())) {
        return "True".equals(c.getStatus()) ? KubeTimes.parse(c.getLastTransitionTime()) : null;
      }
    }
    return null;
  }

  private static Instant first(Instant a, Instant b) {
    return a != null ? a : b;
  }

  /**
   * For a Pod seen only after its containers were ready (a fast step ends before the kubelet
   * reports {@code ContainersReady} True, or the watcher missed that status): when the Pod is
   * {@code Running}, {@code Succeeded} or {@code Failed} and every container started, the latest
   * container start ({@code running.startedAt} or {@code terminated.startedAt}); else null.
   */
  static Instant allStartedAt(Pod pod) {
    String phase = pod.getStatus().getPhase();
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (!List.of("Running", "Succeeded", "Failed").contains(String.valueOf(phase))
        || statuses == null
        || statuses.isEmpty()) {
      return null;
    }
    Instant latest = null;
    for (ContainerStatus cs : statuses) {
      if (cs == null || cs.getState() == null) {
        return null;
      }
      String started =
          cs.getState().getRunning() != null
              ? cs.getState().getRunning().getStartedAt()
              : cs.getState().getTerminated() != null
                  ? cs.getState().getTerminated().getStartedAt()
                  : null;
      Instant t = KubeTimes.parse(started);
      if (t == null) {
        return null;
      }
      latest = latest == null || t.isAfter(latest) ? t : latest;
    }
    return latest;
  }

  private static List<PodContainer> initContainers(Pod pod) {
    List<PodContainer> out = new ArrayList<>();
    List<ContainerStatus> statuses = pod.getStatus().getInitContainerStatuses();
    if (statuses == null) {
      return out;
    }
    for (ContainerStatus cs : statuses) {
      if (out.size() >= MAX_CONTAINERS) {
        break;
      }
      if (cs == null || cs.getName() == null || cs.getState() == null) {
        continue;
      }
      ContainerStateTerminated t = cs.getState().getTerminated();
      if (t == null) {
        continue;
      }
      out.add(
          new PodContainer(
              bounded(cs.getName()),
              KubeTimes.parse(t.getStartedAt()),
              KubeTimes.parse(t.getFinishedAt()),
              t.getExitCode() == null ? 0 : t.getExitCode(),
              bounded(t.getReason())));
    }
    return out;
  }

  private static List<String> sidecars(Pod pod) {
    List<String> out = new ArrayList<>();
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return out;
    }
    for (Container c : pod.getSpec().getContainers()) {
      if (c != null
          && c.getName() != null
          && c.getName().startsWith(TektonNames.SIDECAR_PREFIX)
          && out.size() < MAX_CONTAINERS) {
        out.add(bounded(c.getName()));
      }
    }
    return out;
  }

  private static List<String> reasons(List<String> earlier, Pod pod) {
    Set<String> out = new LinkedHashSet<>(earlier);
    out.addAll(waitingReasons(pod));
    return out.stream().limit(MAX_CONTAINERS).toList();
  }

  /** Waiting reasons of the Pod's containers on this status, distinct, in order. */
  private static List<String> waitingReasons(Pod pod) {
    Set<String> out = new LinkedHashSet<>();
    for (List<ContainerStatus> list :
        List.of(
            nonNull(pod.getStatus().getInitContainerStatuses()),
            nonNull(pod.getStatus().getContainerStatuses()))) {
      for (ContainerStatus cs : list) {
        if (cs != null
            && cs.getState() != null
            && cs.getState().getWaiting() != null
            && cs.getState().getWaiting().getReason() != null
            && out.size() < MAX_CONTAINERS) {
          out.add(bounded(cs.getState().getWaiting().getReason()));
        }
      }
    }
    return List.copyOf(out);
  }

  private static List<ContainerStatus> nonNull(List<ContainerStatus> l) {
    return l == null ? List.of() : l;
  }

  private static String annotation(Pod pod, String key) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  private static String bounded(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON);
  }
}
