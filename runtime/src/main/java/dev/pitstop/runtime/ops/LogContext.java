package dev.pitstop.runtime.ops;

import dev.pitstop.events.PitstopEvent;
import dev.pitstop.events.data.RunRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.MDC;

/**
 * The per-event log context (SLF4J MDC), set by {@link dev.pitstop.runtime.kafka.EventConsumer}
 * while a handler runs, so every line logged meanwhile on that thread carries it (the JSON log
 * format, {@code PITSTOP_LOG_FORMAT=json}, writes MDC entries as fields; the text format does not).
 * Lines logged later by the handler's asynchronous continuations (other callbacks) do not carry it;
 * those name the event id in their message (style.md).
 *
 * <ul>
 *   <li>{@value #EVENT_ID}: the CloudEvent id; {@value #EVENT_TYPE}: its type;
 *   <li>{@value #RUN}: {@code <namespace>/<name>} of the run the event is about (bounded to 253
 *       characters);
 *   <li>{@value #ROOT_UID}: the root run's UID (the partition key);
 *   <li>{@value #TRACE_ID}: the trace id the tracer gives the root run by default (first 16 bytes
 *       of SHA-256 of the root UID, as the tracer's {@code SpanIds.traceId}); a run that joined
 *       Tekton's own trace ({@code traceparent}) is exported under that trace id instead.
 * </ul>
 */
public final class LogContext implements AutoCloseable {
  public static final String EVENT_ID = "event_id";
  public static final String EVENT_TYPE = "event_type";
  public static final String RUN = "run";
  public static final String ROOT_UID = "root_uid";
  public static final String TRACE_ID = "trace_id";
  private static final int MAX = 253;

  private LogContext() {}

  /** Puts {@code e}'s keys into the MDC; {@link #close()} removes them. */
  public static LogContext of(PitstopEvent e) {
    MDC.put(EVENT_ID, bound(e.id()));
    MDC.put(EVENT_TYPE, e.type().type());
    RunRef run = e.data().run();
    if (run != null) {
      MDC.put(RUN, bound(run.namespace() + "/" + run.name()));
    }
    MDC.put(ROOT_UID, bound(e.partitionKey()));
    MDC.put(TRACE_ID, traceId(e.partitionKey()));
    return new LogContext();
  }

  /** The tracer's default trace id of a root run (32 lowercase hex characters). */
  public static String traceId(String rootUid) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(rootUid.getBytes(StandardCharsets.UTF_8));
      byte[] id = java.util.Arrays.copyOf(d, 16);
      boolean zero = true;
      for (byte b : id) {
        zero &= b == 0;
      }
      if (zero) {
        id[15] = 1;
      }
      return HexFormat.of().formatHex(id);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }

  private static String bound(String s) {
    return s == null || s.length() <= MAX ? s : s.substring(0, MAX);
  }

  @Override
  public void close() {
    MDC.remove(EVENT_ID);
    MDC.remove(EVENT_TYPE);
    MDC.remove(RUN);
    MDC.remove(ROOT_UID);
    MDC.remove(TRACE_ID);
  }
}
