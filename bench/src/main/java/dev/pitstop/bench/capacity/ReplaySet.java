package dev.pitstop.bench.capacity;

import dev.pitstop.bench.Recording;
import dev.pitstop.events.EventFactory;
import dev.pitstop.events.MalformedEventException;
import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.EventData;
import dev.pitstop.events.data.RunRef;
import dev.pitstop.events.kafka.EventRecords;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records part 2 replays: whole copies of a {@link Recording}, each copy with its runs' UIDs
 * rewritten (so fresh CloudEvent ids, partition keys and traces: the services drop ids they have
 * already handled) and re-encoded through the events module ({@link EventFactory} derives id,
 * subject and partition key; {@link EventRecords} writes the binary-mode record). Encoded once,
 * before anything is timed, so producing costs the broker and the client only.
 *
 * @param events the encoded records, copy after copy, each copy in the recording's order
 * @param copies how many copies of the recording
 * @param perCopy valid events per copy (the recording's records that decode)
 * @param skipped records of the recording that do not decode as Pitstop events (not replayed)
 * @param repeats events of one copy whose id an earlier event of it already had (the watcher
 *     re-emits a fact with the same id, e.g. after a resync): replayed, and dropped by the services
 * @param bytes total key + value + header bytes of {@code events}
 */
public record ReplaySet(
    List<Encoded> events, int copies, int perCopy, int skipped, int repeats, long bytes) {
  /** One record, ready to send: key (the root run's UID), value, headers. */
  public record Encoded(byte[] key, byte[] value, Header[] headers) {
    public ProducerRecord<byte[], byte[]> to(String topic) {
      return new ProducerRecord<>(topic, null, key, value, new RecordHeaders(headers));
    }

    long size() {
      long n = (key == null ? 0 : key.length) + value.length;
      for (Header h : headers) {
        n += h.key().length() + (h.value() == null ? 0 : h.value().length);
      }
      return n;
    }
  }

  /**
   * Whole copies of the recording covering at least {@code minEvents} events (at least one copy).
   *
   * @throws IllegalArgumentException when no record of the recording decodes
   */
  public static ReplaySet of(Recording recording, long minEvents) {
    List<Source> decoded = new ArrayList<>();
    int skipped = 0;
    for (Recording.Record r : recording.records()) {
      RecordHeaders h = new RecordHeaders();
      r.headers().forEach((k, v) -> h.add(k, v));
      try {
        PitstopEvent e = EventRecords.decode(h, r.value());
        decoded.add(new Source(e, encode(e)));
      } catch (MalformedEventException e) {
        skipped++;
      }
    }
    if (decoded.isEmpty()) {
      throw new IllegalArgumentException(
          "the recording holds no Pitstop event ("
              + recording.records().size()
              + " records, none decodes): nothing to replay");
    }
    int copies = (int) Math.max(1, (minEvents + decoded.size() - 1) / decoded.size());
    List<List<Encoded>> perCopy =
        IntStream.range(0, copies)
            .parallel()
            .mapToObj(c -> decoded.stream().map(src -> src.encodedCopy(c)).toList())
            .toList();
    List<Encoded> all = new ArrayList<>(copies * decoded.size());
    perCopy.forEach(all::addAll);
    long bytes = 0;
    for (Encoded e : all) {
      bytes += e.size();
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    int repeats = 0;
    for (Source src : decoded) {
      if (!ids.add(src.event().id())) {
        repeats++;
      }
    }
    return new ReplaySet(List.copyOf(all), copies, decoded.size(), skipped, repeats, bytes);
  }

  /** A recorded event, decoded, and as the events module encodes it. */
  record Source(PitstopEvent event, Encoded encoded) {
    /**
     * Copy {@code c} of the record, as {@link #encode}{@code (}{@link #copy}{@code (event, c))}
     * would write it, without serializing again: the UIDs replaced in the value bytes (they are
     * ASCII), {@code ce_id} and {@code ce_partitionkey} and the key set to the copy's.
     */
    Encoded encodedCopy(int c) {
      if (c == 0) {
        return encoded;
      }
      PitstopEvent copy = copy(event, c);
      String value = new String(encoded.value(), StandardCharsets.ISO_8859_1);
      RunRef run = event.data().run();
      for (String uid : new String[] {run.uid(), run.pipelineRunUid()}) {
        if (uid != null && !uid.isEmpty()) {
          value = value.replace("\"" + uid + "\"", "\"" + uidOf(uid, c) + "\"");
        }
      }
      Header[] headers = new Header[encoded.headers().length];
      for (int i = 0; i < headers.length; i++) {
        Header h = encoded.headers()[i];
        headers[i] =
            switch (h.key()) {
              case "ce_id" -> new RecordHeader(h.key(), utf8(copy.id()));
              case "ce_partitionkey" -> new RecordHeader(h.key(), utf8(copy.partitionKey()));
              default -> h;
            };
      }
      return new Encoded(
          utf8(copy.partitionKey()), value.getBytes(StandardCharsets.ISO_8859_1), headers);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public int size() {
    return events.size();
  }

  /**
   * The event of copy {@code c}: its run's (and root run's) UID rewritten to copy {@code c}'s (copy
   * 0 keeps them), with id, subject and partition key derived again by {@link EventFactory}.
   */
  static PitstopEvent copy(PitstopEvent e, int c) {
    if (c == 0) {
      return e;
    }
    EventData data = (EventData) withCopyUids(e.data(), c);
    return new PitstopEvent(
        EventFactory.idOf(e.type(), data),
        e.type(),
        e.source(),
        EventFactory.subjectOf(data),
        e.time(),
        EventFactory.partitionKeyOf(data),
        data);
  }

  /** The record with every {@link RunRef} in it (nested records too) given copy c's UIDs. */
  private static Object withCopyUids(Object value, int c) {
    if (value instanceof RunRef r) {
      return new RunRef(
          r.kind(),
          r.namespace(),
          r.name(),
          r.uid() == null ? null : uidOf(r.uid(), c),
          r.pipelineRun(),
          r.pipelineRunUid() == null ? null : uidOf(r.pipelineRunUid(), c),
          r.pipeline(),
          r.pipelineTask(),
          r.task(),
          r.retry(),
          r.labels(),
          r.annotations());
    }
    if (value == null || !value.getClass().isRecord()) {
      return value;
    }
    RecordComponent[] components = value.getClass().getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        args[i] = withCopyUids(components[i].getAccessor().invoke(value), c);
      }
      return value.getClass().getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException ex) {
      throw new IllegalStateException("cannot copy " + value.getClass().getSimpleName(), ex);
    }
  }

  /**
   * Copy {@code c}'s UID: for a UUID, the name-based (MD5, version 3) UUID of {@code
   * <uid>/copy/<c>}, else the UID suffixed with {@code -c}.
   *
   * <p>Not the UID with its low bits xor-ed with {@code c}: the sandbox hands out sequential UIDs
   * ({@code 00000000-...-000000000001}, {@code ...02}), so {@code u1 ^ c1 == u2 ^ c2} for most
   * pairs of copies, and 95 % of a 400,000-event replay were repeats of another copy's ids, dropped
   * unhandled by every service (pitstop bench part 2 before 2026-11-21).
   */
  static String uidOf(String uid, int c) {
    try {
      UUID.fromString(uid);
      return UUID.nameUUIDFromBytes((uid + "/copy/" + c).getBytes(StandardCharsets.UTF_8))
          .toString();
    } catch (IllegalArgumentException notUuid) {
      return uid + "-" + c;
    }
  }

  static Encoded encode(PitstopEvent e) {
    ProducerRecord<String, byte[]> r = EventRecords.toRecord("replay", e);
    Header[] headers = r.headers().toArray();
    Header[] copy = new Header[headers.length];
    for (int i = 0; i < headers.length; i++) {
      copy[i] = new RecordHeader(headers[i].key(), headers[i].value());
    }
    return new Encoded(
        r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), copy);
  }
}
