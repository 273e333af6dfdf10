package dev.pitstop.notifier.routing;

import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.notifier.cdevents.CdEventsProjection;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which endpoints get an event: pure, no I/O.
 *
 * <p>The notifier tells people about what they act on: a step paused at a breakpoint, continued, or
 * whose pause ended without a release, and a run that finished. Only root runs' finishes are
 * delivered (a {@code pipelinerun.finished}, and a {@code taskrun.finished} of a standalone TaskRun
 * only): a PipelineRun's TaskRuns finishing one by one would be noise, and the PipelineRun's own
 * finish follows. Everything else the watcher observes (starts, steps) is not delivered.
 */
public final class Router {
  /** The event types the notifier delivers. */
  public static final Set<EventType> NOTABLE =
      Set.copyOf(
          EnumSet.of(
              EventType.BREAKPOINT_PAUSED,
              EventType.BREAKPOINT_CONTINUED,
              EventType.BREAKPOINT_ENDED,
              EventType.PIPELINERUN_FINISHED,
              EventType.TASKRUN_FINISHED));

  private final List<Subscription> subscriptions;

  public Router(List<Subscription> subscriptions) {
    this.subscriptions = List.copyOf(subscriptions);
  }

  /**
   * True for the events the notifier delivers: the {@link #NOTABLE} types, except a {@code
   * taskrun.finished} of a TaskRun that belongs to a PipelineRun ({@link RunRef#pipelineRun()}
   * set).
   */
  public static boolean isNotable(PitstopEvent e) {
    if (!NOTABLE.contains(e.type())) {
      return false;
    }
    return e.type() != EventType.TASKRUN_FINISHED || e.data().run().pipelineRun() == null;
  }

  /**
   * The endpoints that get the event, each once (a {@link Endpoint.Format#CDEVENTS} webhook gets
   * the run starts and finishes {@link CdEventsProjection} projects, child TaskRuns' included, and
   * nothing else), in the order subscriptions were given; empty when the event is not notable or
   * nobody subscribed.
   */
  public List<Endpoint> route(PitstopEvent e) {
    boolean notable = isNotable(e);
    boolean projected = CdEventsProjection.projects(e.type());
    if (!notable && !projected) {
      return List.of();
    }
    Set<Endpoint> out = new LinkedHashSet<>();
    for (Subscription s : subscriptions) {
      boolean wanted = s.endpoint().format() == Endpoint.Format.CDEVENTS ? projected : notable;
      if (wanted && s.matches(e)) {
        out.add(s.endpoint());
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The Slack channels whose subscription matches the event, whether notable or not: a Slack
   * channel gets a run's status card, which follows every event of the run (a Slack route selects
   * runs by namespace and pipeline; {@code NotifierConfig} refuses types and outcomes on it).
   */
  public List<Endpoint> routeSlack(PitstopEvent e) {
    Set<Endpoint> out = new LinkedHashSet<>();
    for (Subscription s : subscriptions) {
      if (s.endpoint().isSlack() && s.matches(e)) {
        out.add(s.endpoint());
      }
    }
    return new ArrayList<>(out);
  }

  /** Every endpoint some subscription names, each once. */
  public List<Endpoint> endpoints() {
    Set<Endpoint> out = new LinkedHashSet<>();
    subscriptions.forEach(s -> out.add(s.endpoint()));
    return List.copyOf(out);
  }
}
