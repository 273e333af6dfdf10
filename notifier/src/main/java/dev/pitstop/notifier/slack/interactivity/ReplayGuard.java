package dev.pitstop.notifier.slack.interactivity;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses a signed request seen before: a captured request stays valid for Slack's 5-minute window,
 * so without this a replay would publish a second command. Keyed by the request's signature (one
 * per timestamp and body); remembered for the window, at most {@code capacity} at once (the oldest
 * forgotten first). Pure; not thread-safe.
 */
public final class ReplayGuard {
  private final Map<String, Instant> seen = new LinkedHashMap<>();
  private final Duration window;
  private final int capacity;

  /**
   * @param window how long a request is remembered (the signature's tolerance)
   * @param capacity requests remembered at once (at least 1)
   */
  public ReplayGuard(Duration window, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.window = window;
    this.capacity = capacity;
  }

  /**
   * Records a verified request.
   *
   * @param signature its {@code X-Slack-Signature}
   * @return true the first time, false for a replay within the window
   */
  public boolean firstTime(String signature, Instant now) {
    Instant oldest = now.minus(window);
    for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
      if (it.next().isBefore(oldest)) {
        it.remove();
      } else {
        break;
      }
    }
    if (seen.containsKey(signature)) {
      return false;
    }
    seen.put(signature, now);
    if (seen.size() > capacity) {
      Iterator<String> it = seen.keySet().iterator();
      it.next();
      it.remove();
    }
    return true;
  }
}
