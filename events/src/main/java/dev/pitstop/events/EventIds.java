package dev.pitstop.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Event ids derived from what happened, never from a resourceVersion or the time of processing, so
 * a relist or a restart re-emits the same id and consumers can drop repeats (architecture.md, "At
 * least once, idempotent everywhere").
 */
public final class EventIds {
  private EventIds() {}

  /**
   * The id of a transition: the first 128 bits of SHA-256 over {@code uid}, {@code transition},
   * {@code step} (or empty) and {@code retry}, as 32 lowercase hex characters.
   *
   * @param uid the Kubernetes UID of the object the transition happened to
   * @param transition what happened, e.g. {@code taskrun.finished} or {@code paused:onFailure}
   * @param step the step name, or null for run-level transitions
   * @param retry the TaskRun attempt (0 for the first), 0 for PipelineRuns
   */
  public static String of(String uid, String transition, String step, int retry) {
    String key = uid + '\n' + transition + '\n' + (step == null ? "" : step) + '\n' + retry;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }
}
