package dev.pitstop.notifier.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The waiting line of one endpoint: a FIFO lane per key (the run's partition key), so one run's
 * events reach the endpoint in order while other runs' events pass a run whose delivery is waiting
 * to be retried. At most {@code concurrency} lanes have an item in flight, and at most {@code
 * capacity} items are held (queued plus in flight). Pure and not thread-safe: one Vert.x context
 * owns it.
 *
 * @param <T> the item (a pending delivery)
 */
public final class Lanes<T> {
  /**
   * An item taken for delivery, with its lane's key for {@link #release}.
   *
   * @param key the lane
   * @param item the item
   */
  public record Taken<T>(String key, T item) {}

  private final int capacity;
  private final int concurrency;
  private final Map<String, ArrayDeque<T>> queued = new HashMap<>();
  private final ArrayDeque<String> ready = new ArrayDeque<>();
  private final Set<String> busy = new HashSet<>();
  private int size;

  /**
   * @param capacity the most items held, at least 1
   * @param concurrency the most lanes in flight at once, at least 1
   */
  public Lanes(int capacity, int concurrency) {
    if (capacity < 1 || concurrency < 1) {
      throw new IllegalArgumentException("capacity and concurrency must be at least 1");
    }
    this.capacity = capacity;
    this.concurrency = concurrency;
  }

  /**
   * Appends an item to its key's lane.
   *
   * @return false, holding nothing, when {@code capacity} items are held already
   */
  public boolean offer(String key, T item) {
    if (size >= capacity) {
      return false;
    }
    ArrayDeque<T> lane = queued.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (lane.isEmpty() && !busy.contains(key)) {
      ready.add(key);
    }
    lane.add(item);
    size++;
    return true;
  }

  /**
   * Takes the head of the lane that has waited longest and has nothing in flight, marking that lane
   * busy until {@link #release}; empty when {@code concurrency} lanes are busy or none is ready.
   */
  public Optional<Taken<T>> take() {
    if (busy.size() >= concurrency || ready.isEmpty()) {
      return Optional.empty();
    }
    String key = ready.poll();
    T item = queued.get(key).poll();
    busy.add(key);
    return Optional.of(new Taken<>(key, item));
  }

  /**
   * The lane's item in flight is finished (delivered or given up): the lane may deliver its next.
   *
   * @throws IllegalStateException when the lane has nothing in flight
   */
  public void release(String key) {
    if (!busy.remove(key)) {
      throw new IllegalStateException("lane " + key + " has nothing in flight");
    }
    size--;
    ArrayDeque<T> lane = queued.get(key);
    if (lane.isEmpty()) {
      queued.remove(key);
    } else {
      ready.add(key);
    }
  }

  /** Removes and returns every queued item not in flight, lane by lane, each lane in order. */
  public List<T> drainQueued() {
    List<T> out = new ArrayList<>();
    queued.values().forEach(out::addAll);
    queued.values().forEach(ArrayDeque::clear);
    size -= out.size();
    ready.clear();
    queued.entrySet().removeIf(e -> e.getValue().isEmpty() && !busy.contains(e.getKey()));
    return out;
  }

  /** Items held: queued plus in flight. */
  public int size() {
    return size;
  }

  /** Lanes with an item in flight. */
  public int inFlight() {
    return busy.size();
  }
}
