package dev.pitstop.tracer.span;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic trace and span ids, so a replay of the same events exports the same ids (and a
 * backend merges, rather than duplicates, a re-exported trace).
 *
 * <ul>
 *   <li>trace id: the first 16 bytes of SHA-256 of the root run's UID, as 32 lowercase hex
 *       characters (unless the run joins Tekton's own trace, {@link TraceParent});
 *   <li>span id: the first 8 bytes of SHA-256 of a key naming the object: the run's UID; for a
 *       retried TaskRun attempt {@code <uid>/retry/<n>}; for a step {@code <taskrun
 *       uid>/step/<index>} (plus {@code /retry/<n>}); for a breakpoint pause {@code <taskrun
 *       uid>/breakpoint/<mechanism>/<step index>} (plus {@code /retry/<n>}); for a pod phase {@code
 *       <taskrun uid>/pod/<phase>} (plus {@code /retry/<n>}); for a skipped PipelineTask {@code
 *       <pipelinerun uid>/skipped/<name>}.
 * </ul>
 *
 * An all-zero id is invalid in W3C trace context and OTLP; should a digest start with only zero
 * bytes, its last byte is set to 1.
 */
public final class SpanIds {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * Cloned per digest: {@code MessageDigest.getInstance} looks the provider up and builds the
   * digest reflectively on every call, which was 3 % of the tracer's CPU and 11 % of its allocation
   * in {@code pitstop bench} part 2 (JFR); a clone copies only the digest's state.
   */
  private static final MessageDigest SHA_256 = prototype();

  private SpanIds() {}

  private static MessageDigest prototype() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.clone(); // fail here, not per id, should the provider's digest not be cloneable
      return d;
    } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
      throw new IllegalStateException("every JVM has a cloneable SHA-256", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("checked at class initialization", e);
    }
  }

  /** The trace id of the root run with this UID (32 hex characters). */
  public static String traceId(String rootUid) {
    return HEX.formatHex(digest(rootUid, 16));
  }

  /**
   * The span id of a run attempt: its UID, with {@code /retry/<n>} for attempts after the first.
   */
  public static String runSpanId(String uid, int retry) {
    return spanId(runKey(uid, retry));
  }

  /** The span id of step {@code index} (0-based) of a TaskRun attempt. */
  public static String stepSpanId(String taskRunUid, int retry, int index) {
    return spanId(stepKey(taskRunUid, retry, index));
  }

  /** The span id of a breakpoint pause of a step, by mechanism ({@code onFailure}, ...). */
  public static String pauseSpanId(String taskRunUid, int retry, String mechanism, int stepIndex) {
    return spanId(pauseKey(taskRunUid, retry, mechanism, stepIndex));
  }

  /**
   * The span id of the hold of a TaskRun attempt before it started: {@code <taskrun uid>/hold}
   * (plus {@code /retry/<n>}).
   */
  public static String holdSpanId(String taskRunUid, int retry) {
    return spanId(holdKey(taskRunUid, retry));
  }

  /**
   * The span id of a pod phase of a TaskRun attempt: {@code <taskrun uid>/pod/<phase>} (plus {@code
   * /retry/<n>}), phase {@code scheduling}, {@code init/<index>} or {@code starting}.
   */
  public static String podPhaseSpanId(String taskRunUid, int retry, String phase) {
    return spanId(podPhaseKey(taskRunUid, retry, phase));
  }

  /** The span id of a PipelineTask the PipelineRun skipped: {@code <root uid>/skipped/<name>}. */
  public static String skippedSpanId(String rootUid, String pipelineTask) {
    return spanId(rootUid + "/skipped/" + pipelineTask);
  }

  /** The span id (16 hex characters) of any key. */
  public static String spanId(String key) {
    return HEX.formatHex(digest(key, 8));
  }

  /** The key of {@link #runSpanId}. */
  static String runKey(String uid, int retry) {
    return attemptKey(uid, retry);
  }

  /** The key of {@link #stepSpanId}. */
  static String stepKey(String taskRunUid, int retry, int index) {
    return attemptKey(taskRunUid, retry) + "/step/" + index;
  }

  /** The key of {@link #pauseSpanId}. */
  static String pauseKey(String taskRunUid, int retry, String mechanism, int stepIndex) {
    return attemptKey(taskRunUid, retry) + "/breakpoint/" + mechanism + "/" + stepIndex;
  }

  /** The key of {@link #holdSpanId}. */
  static String holdKey(String taskRunUid, int retry) {
    return attemptKey(taskRunUid, retry) + "/hold";
  }

  /** The key of {@link #podPhaseSpanId}. */
  static String podPhaseKey(String taskRunUid, int retry, String phase) {
    return attemptKey(taskRunUid, retry) + "/pod/" + phase;
  }

  private static String attemptKey(String uid, int retry) {
    return retry == 0 ? uid : uid + "/retry/" + retry;
  }

  private static byte[] digest(String key, int length) {
    byte[] full = sha256().digest(key.getBytes(StandardCharsets.UTF_8));
    byte[] id = java.util.Arrays.copyOf(full, length);
    boolean zero = true;
    for (byte b : id) {
      zero &= b == 0;
    }
    if (zero) {
      id[length - 1] = 1;
    }
    return id;
  }
}
