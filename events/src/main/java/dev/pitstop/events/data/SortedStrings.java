package dev.pitstop.events.data;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An unmodifiable map of strings ordered by key ({@link String#compareTo}), as {@link RunRef}'s
 * labels and annotations are: the same entries, order, equality and text as an unmodifiable {@link
 * java.util.TreeMap}, held in one array of keys and values instead of an entry object per pair (a
 * TaskRun's Tekton labels take ~0.3 KB less per run kept: issue #7's engine heap per live run).
 * Lookups are binary searches. Null keys are refused (as a {@code TreeMap} refuses them); null
 * values are kept.
 */
final class SortedStrings extends AbstractMap<String, String> {
  private static final SortedStrings EMPTY = new SortedStrings(new String[0]);

  /** key 0, value 0, key 1, value 1, ... with the keys ascending. */
  private final String[] pairs;

  private SortedStrings(String[] pairs) {
    this.pairs = pairs;
  }

  /**
   * @return {@code m}'s entries ordered by key (an empty map for null)
   * @throws NullPointerException when a key is null
   */
  static Map<String, String> of(Map<String, String> m) {
    if (m instanceof SortedStrings s) {
      return s;
    }
    if (m == null || m.isEmpty()) {
      return EMPTY;
    }
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] entries = m.entrySet().toArray(new Map.Entry[0]);
    for (Map.Entry<String, String> e : entries) {
      Objects.requireNonNull(e.getKey(), "a null key");
    }
    Arrays.sort(entries, Map.Entry.comparingByKey());
    String[] pairs = new String[2 * entries.length];
    for (int i = 0; i < entries.length; i++) {
      if (i > 0 && entries[i].getKey().equals(entries[i - 1].getKey())) {
        throw new IllegalArgumentException("key " + entries[i].getKey() + " twice");
      }
      pairs[2 * i] = entries[i].getKey();
      pairs[2 * i + 1] = entries[i].getValue();
    }
    return new SortedStrings(pairs);
  }

  private int indexOf(Object key) {
    Objects.requireNonNull(key, "a null key");
    if (!(key instanceof String k)) {
      return -1;
    }
    int low = 0;
    int high = pairs.length / 2 - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = pairs[2 * mid].compareTo(k);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  @Override
  public String get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : pairs[2 * i + 1];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return pairs.length / 2;
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < pairs.length;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (i >= pairs.length) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, String> e = new SimpleImmutableEntry<>(pairs[i], pairs[i + 1]);
            i += 2;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return pairs.length / 2;
      }
    };
  }
}
