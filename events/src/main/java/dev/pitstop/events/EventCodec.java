package dev.pitstop.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pitstop.events.data.EventData;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Converts between {@link PitstopEvent} and CloudEvents (cloudevents-sdk-java): data is JSON
 * ({@code application/json}); {@code partitionkey} is the CloudEvents Partitioning extension.
 * Thread-safe.
 */
public final class EventCodec {
  /** The CloudEvents Partitioning extension attribute. */
  public static final String PARTITION_KEY = "partitionkey";

  public static final String JSON = "application/json";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private EventCodec() {}

  /**
   * The JSON mapper used for event data (ISO-8601 times, nulls omitted, unknown fields ignored).
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The CloudEvent of a Pitstop event. */
  public static CloudEvent toCloudEvent(PitstopEvent e) {
    byte[] data;
    try {
      data = MAPPER.writeValueAsBytes(e.data());
    } catch (IOException ex) {
      throw new IllegalStateException("event data does not serialize: " + e.type(), ex);
    }
    CloudEventBuilder b =
        CloudEventBuilder.v1()
            .withId(e.id())
            .withType(e.type().type())
            .withSource(e.source())
            .withDataContentType(JSON)
            .withData(data)
            .withExtension(PARTITION_KEY, e.partitionKey());
    if (e.subject() != null) {
      b.withSubject(e.subject());
    }
    if (e.time() != null) {
      b.withTime(OffsetDateTime.ofInstant(e.time(), ZoneOffset.UTC));
    }
    return b.build();
  }

  /**
   * The Pitstop event of a CloudEvent.
   *
   * @throws MalformedEventException when the type is not Pitstop's, the partition key is missing,
   *     or the data is absent or does not decode to the type's data record
   */
  public static PitstopEvent fromCloudEvent(CloudEvent ce) throws MalformedEventException {
    EventType type =
        EventType.of(ce.getType())
            .orElseThrow(() -> new MalformedEventException("unknown event type " + ce.getType()));
    Object key = ce.getExtension(PARTITION_KEY);
    if (key == null || key.toString().isBlank()) {
      throw new MalformedEventException(ce.getType() + " " + ce.getId() + " has no partitionkey");
    }
    CloudEventData d = ce.getData();
    if (d == null) {
      throw new MalformedEventException(ce.getType() + " " + ce.getId() + " has no data");
    }
    EventData data;
    try {
      data = MAPPER.readValue(d.toBytes(), type.dataClass());
    } catch (IOException | IllegalArgumentException ex) {
      throw new MalformedEventException(
          ce.getType() + " " + ce.getId() + " data does not decode: " + firstLine(ex), ex);
    }
    if (data == null || data.run() == null) {
      throw new MalformedEventException(ce.getType() + " " + ce.getId() + " data names no run");
    }
    try {
      return new PitstopEvent(
          ce.getId(),
          type,
          ce.getSource(),
          ce.getSubject(),
          ce.getTime() == null ? null : ce.getTime().toInstant(),
          key.toString(),
          data);
    } catch (IllegalArgumentException | NullPointerException ex) {
      throw new MalformedEventException(
          ce.getType() + " " + ce.getId() + ": " + ex.getMessage(), ex);
    }
  }

  /** The event as structured-mode CloudEvents JSON (one object, data inline). */
  public static String toStructuredJson(PitstopEvent e) {
    return new String(structuredFormat().serialize(toCloudEvent(e)), StandardCharsets.UTF_8);
  }

  /**
   * Reads structured-mode CloudEvents JSON.
   *
   * @throws MalformedEventException when it is not a CloudEvent or not a Pitstop event
   */
  public static PitstopEvent fromStructuredJson(String json) throws MalformedEventException {
    CloudEvent ce;
    try {
      ce = structuredFormat().deserialize(json.getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException ex) {
      throw new MalformedEventException("not a structured CloudEvent: " + firstLine(ex), ex);
    }
    return fromCloudEvent(ce);
  }

  private static EventFormat structuredFormat() {
    EventFormat f = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
    return f != null ? f : new JsonFormat();
  }

  static String firstLine(Throwable t) {
    String m = String.valueOf(t.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
