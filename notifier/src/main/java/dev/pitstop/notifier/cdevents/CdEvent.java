package dev.pitstop.notifier.cdevents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Objects;

/**
 * One CDEvent, projected from a Pitstop event by {@link CdEventsProjection}.
 *
 * @param id the context id, also the CloudEvent's {@code id}
 * @param type the CDEvents type, e.g. {@code dev.cdevents.pipelinerun.finished.0.2.0}
 * @param source the context source (= the subject's source), also the CloudEvent's {@code source}
 * @param partitionKey the root run's UID, as on Pitstop's events
 * @param json the whole CDEvent: {@code {context: {...}, subject: {...}}}
 */
public record CdEvent(String id, String type, URI source, String partitionKey, ObjectNode json) {
  public CdEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(json, "json");
  }
}
