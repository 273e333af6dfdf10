package dev.pitstop.runtime.kafka;

/**
 * The ids of events a consumer has handled, bounded (least recently seen ids are forgotten first),
 * so a re-emitted event (a relist, a producer retry) is dropped. Not thread-safe: one consumer
 * context uses it. Lost on restart: consumers whose side effects must not repeat across restarts
 * also check their own state (e.g. the engine's breakpoint state).
 *
 * <p>Memory: an id of 32 lowercase hex characters (what {@link dev.pitstop.events.EventIds} derives
 * for every observation and decision) is kept as its 128 bits in two {@code long}s; any other id (a
 * command's {@code requestId}) is kept as its {@code String}. The ids sit in parallel primitive
 * arrays (a doubly linked least-recently-seen order over them) indexed by an open-addressing table,
 * which grow by doubling up to the capacity: about 35 bytes per hex id when full, where a {@code
 * LinkedHashMap<String, Boolean>} took about 120 (its entry, the {@code String} and its bytes;
 * issue #7's engine heap per live run).
 */
public final class HandledIds {
  private static final int NONE = -1;
  private static final int FIRST = 16;

  private final int capacity;
  private long[] hi = new long[0];
  private long[] lo = new long[0];

  /** Null until an id that is not 32 lowercase hex characters shows up; then that id per slot. */
  private String[] other;

  private int[] prev = new int[0];
  private int[] next = new int[0];
  private int eldest = NONE;
  private int newest = NONE;
  private int size;

  /** Open addressing, linear probing: slot + 1, 0 when empty; at most half full. */
  private int[] table = new int[0];

  /**
   * @param capacity how many ids to remember (e.g. 100,000: about 3.5 MB of 32-character hex ids
   *     when full); 0 remembers none
   * @throws IllegalArgumentException when capacity is negative
   */
  public HandledIds(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Records the id; true when it was new, false when it was seen before. */
  public boolean firstTime(String id) {
    if (capacity == 0) {
      return true;
    }
    boolean hex = isHex(id);
    long h = hex ? parseHex(id, 0) : id.hashCode();
    long l = hex ? parseHex(id, 16) : 0;
    String s = hex ? null : id;
    int mask = table.length - 1;
    if (table.length > 0) {
      for (int i = bucket(h, l, mask); table[i] != 0; i = (i + 1) & mask) {
        int slot = table[i] - 1;
        if (matches(slot, h, l, s)) {
          touch(slot);
          return false;
        }
      }
    }
    int slot;
    if (size == capacity) {
      slot = eldest;
      unlink(slot);
      removeFromTable(slot);
    } else {
      if (size == hi.length) {
        grow();
      }
      slot = size++;
    }
    hi[slot] = h;
    lo[slot] = l;
    if (s != null && other == null) {
      other = new String[hi.length];
    }
    if (other != null) {
      other[slot] = s;
    }
    linkNewest(slot);
    insertIntoTable(slot);
    return true;
  }

  public int size() {
    return size;
  }

  private boolean matches(int slot, long h, long l, String s) {
    String o = other == null ? null : other[slot];
    if (s == null) {
      return o == null && hi[slot] == h && lo[slot] == l;
    }
    return s.equals(o);
  }

  private static int bucket(long h, long l, int mask) {
    long x = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL;
    x ^= x >>> 29;
    x *= 0xBF58476D1CE4E5B9L;
    x ^= x >>> 32;
    return (int) x & mask;
  }

  private int bucketOf(int slot, int mask) {
    return bucket(hi[slot], lo[slot], mask);
  }

  private void grow() {
    int n = (int) Math.min(capacity, Math.max(FIRST, 2L * hi.length));
    hi = java.util.Arrays.copyOf(hi, n);
    lo = java.util.Arrays.copyOf(lo, n);
    prev = java.util.Arrays.copyOf(prev, n);
    next = java.util.Arrays.copyOf(next, n);
    if (other != null) {
      other = java.util.Arrays.copyOf(other, n);
    }
    int t = Integer.highestOneBit(Math.max(1, n - 1)) << 2; // a power of two >= 2n
    table = new int[t];
    for (int slot = 0; slot < size; slot++) {
      insertIntoTable(slot);
    }
  }

  private void insertIntoTable(int slot) {
    int mask = table.length - 1;
    int i = bucketOf(slot, mask);
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = slot + 1;
  }

  /** Removes the slot from the table, shifting later entries of its probe run back (no markers). */
  private void removeFromTable(int slot) {
    int mask = table.length - 1;
    int i = bucketOf(slot, mask);
    while (table[i] != slot + 1) {
      i = (i + 1) & mask;
    }
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (table[j] == 0) {
        break;
      }
      int k = bucketOf(table[j] - 1, mask);
      // The entry at j may move to the hole at i unless its home k lies cyclically in (i, j].
      boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        table[i] = table[j];
        i = j;
      }
    }
    table[i] = 0;
  }

  private void touch(int slot) {
    if (slot != newest) {
      unlink(slot);
      linkNewest(slot);
    }
  }

  private void unlink(int slot) {
    int p = prev[slot];
    int n = next[slot];
    if (p == NONE) {
      eldest = n;
    } else {
      next[p] = n;
    }
    if (n == NONE) {
      newest = p;
    } else {
      prev[n] = p;
    }
  }

  private void linkNewest(int slot) {
    prev[slot] = newest;
    next[slot] = NONE;
    if (newest == NONE) {
      eldest = slot;
    } else {
      next[newest] = slot;
    }
    newest = slot;
  }

  private static boolean isHex(String id) {
    if (id.length() != 32) {
      return false;
    }
    for (int i = 0; i < 32; i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static long parseHex(String id, int from) {
    long v = 0;
    for (int i = from; i < from + 16; i++) {
      char c = id.charAt(i);
      v = v << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
  }
}
