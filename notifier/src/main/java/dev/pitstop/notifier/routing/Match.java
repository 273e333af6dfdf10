package dev.pitstop.notifier.routing;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which events a subscription wants; every set that is empty matches anything. Pure.
 *
 * @param namespaces the runs' namespaces
 * @param pipelines the Pipelines' names ({@link RunRef#pipeline()}, Tekton's {@code
 *     tekton.dev/pipeline} label)
 * @param types the event types (each one of {@link Router#NOTABLE})
 * @param outcomes {@code succeeded} and/or {@code failed}: when set, only {@code *.finished} events
 *     match (other events have no outcome); {@code failed} is any finish that is not a success
 *     (Tekton's {@code Succeeded=False}, or a run deleted before it finished)
 */
public record Match(
    Set<String> namespaces, Set<String> pipelines, Set<EventType> types, Set<String> outcomes) {
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  /** Matches every notable event. */
  public static final Match ALL = new Match(Set.of(), Set.of(), Set.of(), Set.of());

  /**
   * @throws IllegalArgumentException for a type that is not delivered or an unknown outcome
   */
  public Match {
    namespaces = Set.copyOf(namespaces);
    pipelines = Set.copyOf(pipelines);
    types = types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
    for (EventType t : types) {
      if (!Router.NOTABLE.contains(t)) {
        throw new IllegalArgumentException(t.type() + " is not delivered by the notifier");
      }
    }
    outcomes = Set.copyOf(outcomes);
    for (String o : outcomes) {
      if (!o.equals(SUCCEEDED) && !o.equals(FAILED)) {
        throw new IllegalArgumentException("outcome \"" + o + "\" is not succeeded or failed");
      }
    }
  }

  /** A match on types only. */
  public static Match types(Set<EventType> types) {
    return new Match(Set.of(), Set.of(), types, Set.of());
  }

  /** True when the event passes every set given. */
  public boolean matches(PitstopEvent e) {
    RunRef run = e.data().run();
    if (!types.isEmpty() && !types.contains(e.type())) {
      return false;
    }
    if (!namespaces.isEmpty() && !namespaces.contains(run.namespace())) {
      return false;
    }
    if (!pipelines.isEmpty() && (run.pipeline() == null || !pipelines.contains(run.pipeline()))) {
      return false;
    }
    if (!outcomes.isEmpty()) {
      if (!(e.data() instanceof RunFinished f)) {
        return false;
      }
      return outcomes.contains(f.isSuccess() ? SUCCEEDED : FAILED);
    }
    return true;
  }

  /**
   * The event type named {@code pipelinerun.finished} or {@code
   * dev.pitstop.pipelinerun.finished.v1}.
   *
   * @throws IllegalArgumentException when it names no type
   */
  public static EventType typeNamed(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    String full = n.startsWith("dev.pitstop.") ? n : "dev.pitstop." + n + ".v1";
    return EventType.of(full)
        .orElseThrow(() -> new IllegalArgumentException("no event type " + name));
  }
}
