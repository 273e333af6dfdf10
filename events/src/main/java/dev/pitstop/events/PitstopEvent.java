package dev.pitstop.events;

import dev.pitstop.events.data.EventData;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * One Pitstop CloudEvent, decoded: the attributes Pitstop sets and the typed {@code data}.
 *
 * @param id derived from what happened ({@link EventIds}), so a re-emission has the same id
 * @param type the event type; {@code data} is an instance of {@code type.dataClass()}
 * @param source {@code /pitstop/<cluster>/<service>}
 * @param subject {@code <namespace>/<plural>/<name>[/steps/<step>]} ({@link Subjects})
 * @param time for observations the cluster's time of the fact; for decisions the time decided
 * @param partitionKey the root run's UID (CloudEvents {@code partitionkey}, also the Kafka key)
 * @param data the payload
 */
public record PitstopEvent(
    String id,
    EventType type,
    URI source,
    String subject,
    Instant time,
    String partitionKey,
    EventData data) {

  /**
   * @throws IllegalArgumentException when {@code data} is not of the type's data class, or a
   *     required attribute is missing
   */
  public PitstopEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(data, "data");
    if (!type.dataClass().isInstance(data)) {
      throw new IllegalArgumentException(
          type.type()
              + " carries "
              + type.dataClass().getSimpleName()
              + ", not "
              + data.getClass().getSimpleName());
    }
    if (partitionKey == null || partitionKey.isBlank()) {
      throw new IllegalArgumentException(type.type() + " needs a partition key (root run UID)");
    }
  }

  /** The CloudEvents source of a service: {@code /pitstop/<cluster>/<service>}. */
  public static URI source(String cluster, String service) {
    return URI.create("/pitstop/" + cluster + "/" + service);
  }

  /** The data, cast to what the caller expects. */
  public <T extends EventData> T data(Class<T> type) {
    return type.cast(data);
  }
}
