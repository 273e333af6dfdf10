package dev.pitstop.sandbox.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The simulator's view of one kind of run (TaskRuns or PipelineRuns), in place of listing them
 * every tick: fed by an informer's watch events and by the objects the simulator's own writes
 * return, so a tick sees its own last write at once, without waiting for the watch event.
 *
 * <p>Rules: an object replaces the one held under its {@code namespace/name} only when its {@code
 * resourceVersion} is not older (the mock API's versions are one counter for all objects, as etcd's
 * revision is), so a late watch event never hides a newer write; a deleted object's uid is
 * remembered so that a write answered after the delete event does not bring it back. Objects from
 * the informer are copied on arrival: the simulation core sets statuses on the objects it is given,
 * and the informer's cache must not change under it.
 *
 * <p>Thread-safe: events arrive on the informer's thread, snapshots and writes on the simulator's.
 */
final class RunView<T extends HasMetadata> implements ResourceEventHandler<T> {
  /** At most this many deleted uids are remembered (a bounded set, oldest dropped first). */
  static final int TOMBSTONES = 10_000;

  private final UnaryOperator<T> copy;
  private final Map<String, T> byKey = new LinkedHashMap<>();
  private final Set<String> deletedUids =
      java.util.Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > TOMBSTONES;
            }
          });

  /**
   * @param copy a deep copy (e.g. {@code KubernetesSerialization::clone}), applied to every object
   *     the informer hands over
   */
  RunView(UnaryOperator<T> copy) {
    this.copy = copy;
  }

  @Override
  public void onAdd(T obj) {
    offer(copy.apply(obj));
  }

  @Override
  public void onUpdate(T oldObj, T newObj) {
    offer(copy.apply(newObj));
  }

  @Override
  public synchronized void onDelete(T obj, boolean deletedFinalStateUnknown) {
    String uid = obj.getMetadata().getUid();
    if (uid != null) {
      deletedUids.add(uid);
    }
    String key = key(obj);
    T held = byKey.get(key);
    if (held != null && (uid == null || uid.equals(held.getMetadata().getUid()))) {
      byKey.remove(key);
    }
  }

  /**
   * Holds {@code obj} (not copied: the caller gives up its reference) unless the view holds a newer
   * version of it or it was deleted.
   */
  synchronized void offer(T obj) {
    if (obj == null || obj.getMetadata() == null) {
      return;
    }
    String uid = obj.getMetadata().getUid();
    if (uid != null && deletedUids.contains(uid)) {
      return;
    }
    String key = key(obj);
    T held = byKey.get(key);
    if (held == null || version(obj) >= version(held) || version(held) == UNKNOWN) {
      byKey.put(key, obj);
    }
  }

  /** The objects held now, in the order they were first seen; the list is the caller's. */
  synchronized List<T> snapshot() {
    return new ArrayList<>(byKey.values());
  }

  /** Number of objects held. */
  synchronized int size() {
    return byKey.size();
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private static final long UNKNOWN = Long.MAX_VALUE;

  /** The numeric resourceVersion, or {@link #UNKNOWN} when absent or not a number. */
  private static long version(HasMetadata o) {
    String rv = o.getMetadata().getResourceVersion();
    if (rv == null) {
      return UNKNOWN;
    }
    try {
      return Long.parseLong(rv);
    } catch (NumberFormatException e) {
      return UNKNOWN;
    }
  }
}
