package dev.pitstop.runtime.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of events a consumer has handled, bounded (least recently seen ids are forgotten first),
 * so a re-emitted event (a relist, a producer retry) is dropped. Not thread-safe: one consumer
 * context uses it. Lost on restart: consumers whose side effects must not repeat across restarts
 * also check their own state (e.g. the engine's breakpoint state).
 */
public final class HandledIds {
  private final Map<String, Boolean> ids;

  /**
   * @param capacity how many ids to remember (e.g. 100,000, about 10 MB)
   */
  public HandledIds(int capacity) {
    this.ids =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Records the id; true when it was new, false when it was seen before. */
  public boolean firstTime(String id) {
    return ids.put(id, Boolean.TRUE) == null;
  }

  public int size() {
    return ids.size();
  }
}
