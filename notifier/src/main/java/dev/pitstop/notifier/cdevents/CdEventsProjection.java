package dev.pitstop.notifier.cdevents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.events.EventCodec;
import dev.pitstop.events.EventType;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.RunFinished;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.data.RunStarted;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Projects Pitstop's run events onto CDEvents (spec v0.4.1, core events): pure, no I/O.
 *
 * <table>
 *   <caption>Pitstop type → CDEvents type</caption>
 *   <tr><td>{@code dev.pitstop.pipelinerun.started.v1}</td>
 *       <td>{@code dev.cdevents.pipelinerun.started.0.2.0}</td></tr>
 *   <tr><td>{@code dev.pitstop.pipelinerun.finished.v1}</td>
 *       <td>{@code dev.cdevents.pipelinerun.finished.0.2.0}</td></tr>
 *   <tr><td>{@code dev.pitstop.taskrun.started.v1}</td>
 *       <td>{@code dev.cdevents.taskrun.started.0.2.0}</td></tr>
 *   <tr><td>{@code dev.pitstop.taskrun.finished.v1}</td>
 *       <td>{@code dev.cdevents.taskrun.finished.0.2.0}</td></tr>
 * </table>
 *
 * Every other Pitstop type (breakpoints, steps, pods, holds, commands, deliveries) has no CDEvents
 * counterpart and is not projected: {@link #project} returns empty.
 *
 * <p>The CDEvent: {@code context} = {@code version} {@value #SPEC_VERSION}, {@code id} (a UUID
 * derived from the Pitstop event id, so a redelivery or re-emission carries the same id), {@code
 * source}, {@code type}, {@code timestamp} (the Pitstop event's time, RFC 3339 UTC); {@code
 * subject} = {@code id} (the run's name), {@code source} ({@code
 * /pitstop/<cluster>/<namespace>/pipelineruns} or {@code .../taskruns}: names are unique per
 * namespace and kind), {@code type} ({@code pipelineRun} or {@code taskRun}) and {@code content}:
 *
 * <ul>
 *   <li>pipelineRun: {@code pipelineName} (the Pipeline's name, {@code tekton.dev/pipeline}; absent
 *       for an embedded spec), and on finish {@code outcome} ({@link CdEventsOutcome}) and, unless
 *       it succeeded, {@code errors} (the condition's reason and message, at most {@value
 *       #MAX_ERRORS} characters);
 *   <li>taskRun: {@code taskName} (the Task's name, else the PipelineTask's; absent when neither),
 *       {@code pipelineRun} ({@code id}, {@code source}) for a TaskRun of a PipelineRun, and on
 *       finish {@code outcome} and {@code errors} as above.
 * </ul>
 *
 * {@code url} is not set: Pitstop knows no dashboard for a run. The {@code context.source} is the
 * subject's source, so the CloudEvent's {@code source} (which the CDEvents CloudEvents binding
 * takes from {@code context.source}) names where the run lives.
 */
public final class CdEventsProjection {
  /** The CDEvents spec version written in {@code context.version}. */
  public static final String SPEC_VERSION = "0.4.1";

  /** The longest {@code errors} text, in characters. */
  public static final int MAX_ERRORS = 1000;

  /** The Pitstop types that have a CDEvents projection. */
  public static final Set<EventType> PROJECTED =
      Set.copyOf(
          EnumSet.of(
              EventType.PIPELINERUN_STARTED,
              EventType.PIPELINERUN_FINISHED,
              EventType.TASKRUN_STARTED,
              EventType.TASKRUN_FINISHED));

  private static final ObjectMapper MAPPER = EventCodec.mapper();

  private CdEventsProjection() {}

  /** True when the type has a CDEvents projection. */
  public static boolean projects(EventType type) {
    return PROJECTED.contains(type);
  }

  /**
   * The CDEvent of a Pitstop event.
   *
   * @return empty for a type without a projection (see the class comment)
   */
  public static Optional<CdEvent> project(PitstopEvent e) {
    if (!projects(e.type())) {
      return Optional.empty();
    }
    RunRef run = e.data().run();
    boolean pipelineRun =
        e.type() == EventType.PIPELINERUN_STARTED || e.type() == EventType.PIPELINERUN_FINISHED;
    boolean finished = e.data() instanceof RunFinished;
    String cluster = clusterOf(e.source());
    URI source = subjectSource(cluster, run.namespace(), pipelineRun);
    String type =
        "dev.cdevents."
            + (pipelineRun ? "pipelinerun" : "taskrun")
            + (finished ? ".finished" : ".started")
            + ".0.2.0";
    String id =
        UUID.nameUUIDFromBytes(("cdevents/" + e.id()).getBytes(StandardCharsets.UTF_8)).toString();

    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode context = root.putObject("context");
    context.put("version", SPEC_VERSION);
    context.put("id", id);
    context.put("source", source.toString());
    context.put("type", type);
    context.put("timestamp", timeOf(e).atOffset(ZoneOffset.UTC).toString());
    ObjectNode subject = root.putObject("subject");
    subject.put("id", run.name());
    subject.put("source", source.toString());
    subject.put("type", pipelineRun ? "pipelineRun" : "taskRun");
    ObjectNode content = subject.putObject("content");
    if (pipelineRun) {
      putIfSet(content, "pipelineName", run.pipeline());
    } else {
      putIfSet(content, "taskName", run.task() != null ? run.task() : run.pipelineTask());
      if (run.pipelineRun() != null) {
        ObjectNode parent = content.putObject("pipelineRun");
        parent.put("id", run.pipelineRun());
        parent.put("source", subjectSource(cluster, run.namespace(), true).toString());
      }
    }
    if (e.data() instanceof RunFinished f) {
      CdEventsOutcome outcome = CdEventsOutcome.of(f);
      content.put("outcome", outcome.value());
      if (outcome != CdEventsOutcome.SUCCESS) {
        content.put("errors", errorsOf(f));
      }
    }
    return Optional.of(new CdEvent(id, type, source, e.partitionKey(), root));
  }

  /**
   * The CloudEvent carrying a CDEvent: {@code id}, {@code type} and {@code source} of the CDEvent's
   * context, {@code time} its timestamp, {@code partitionkey} the root run's UID, the CDEvent JSON
   * as data ({@code application/json}).
   */
  public static CloudEvent toCloudEvent(CdEvent cd) {
    byte[] data;
    try {
      data = MAPPER.writeValueAsBytes(cd.json());
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("a CDEvent tree did not serialize", ex);
    }
    CloudEventBuilder b =
        CloudEventBuilder.v1()
            .withId(cd.id())
            .withType(cd.type())
            .withSource(cd.source())
            .withTime(
                java.time.OffsetDateTime.parse(
                    cd.json().path("context").path("timestamp").asText()))
            .withDataContentType(EventCodec.JSON)
            .withData(data);
    if (cd.partitionKey() != null) {
      b.withExtension(EventCodec.PARTITION_KEY, cd.partitionKey());
    }
    return b.build();
  }

  /** {@code /pitstop/<cluster>/<namespace>/pipelineruns} or {@code .../taskruns}. */
  static URI subjectSource(String cluster, String namespace, boolean pipelineRun) {
    return URI.create(
        "/pitstop/" + cluster + "/" + namespace + (pipelineRun ? "/pipelineruns" : "/taskruns"));
  }

  /** The cluster of a Pitstop source {@code /pitstop/<cluster>/<service>}. */
  static String clusterOf(URI source) {
    String[] parts = source.getPath() == null ? new String[0] : source.getPath().split("/");
    if (parts.length >= 3 && parts[1].equals("pitstop") && !parts[2].isEmpty()) {
      return parts[2];
    }
    throw new IllegalArgumentException(
        "not a Pitstop source /pitstop/<cluster>/<service>: " + source);
  }

  private static Instant timeOf(PitstopEvent e) {
    if (e.time() != null) {
      return e.time();
    }
    Instant t = null;
    if (e.data() instanceof RunFinished f) {
      t = f.completionTime();
    } else if (e.data() instanceof RunStarted s) {
      t = s.startTime();
    }
    if (t == null) {
      throw new IllegalArgumentException(e.id() + " has no time: no CDEvents timestamp");
    }
    return t;
  }

  private static String errorsOf(RunFinished f) {
    String reason = f.reason() == null ? "" : f.reason();
    String message = f.message() == null ? "" : f.message();
    String text = message.isEmpty() ? reason : reason + ": " + message;
    return text.length() <= MAX_ERRORS ? text : text.substring(0, MAX_ERRORS - 1) + "…";
  }

  private static void putIfSet(ObjectNode n, String key, String value) {
    if (value != null && !value.isEmpty()) {
      n.put(key, value);
    }
  }
}
