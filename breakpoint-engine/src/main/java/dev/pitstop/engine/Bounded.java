package dev.pitstop.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory with a cap: what the engine remembers of finished runs, released holds and command
 * outcomes, so a late or replayed event can be answered without keeping per-run state forever.
 */
public final class Bounded {
  private Bounded() {}

  /**
   * A map that forgets its oldest insertion once it holds more than {@code capacity} entries. Not
   * thread-safe.
   *
   * @throws IllegalArgumentException when {@code capacity} is below 1
   */
  public static <V> Map<String, V> map(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
