package dev.pitstop.watcher;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store ({@link
 * io.fabric8.kubernetes.client.informers.SharedIndexInformer#itemStore}) that keeps of each object
 * only what {@code keep} returns (e.g. {@link dev.pitstop.watcher.mapping.CachedFields#pod}), keyed
 * {@code namespace/name} as fabric8's default store. fabric8's {@code ReducedStateItemStore} keeps
 * whole sub-trees by path as raw maps and rebuilds an object on every read; here a kept object is
 * the typed skeleton holding only the fields read, built once per change.
 *
 * <p>What handlers see: {@code onUpdate}'s old object and the objects of the initial list and of
 * resyncs come from this store (kept fields only); the new object of an add or update is the full
 * one from the watch. Every entry is remembered until deleted ({@link #isFullState()}), so the
 * informer's event semantics are those of its default store.
 */
final class KeptItemStore<T extends HasMetadata> implements ItemStore<T> {
  private final ConcurrentHashMap<String, T> store = new ConcurrentHashMap<>();
  private final UnaryOperator<T> keep;

  KeptItemStore(UnaryOperator<T> keep) {
    this.keep = keep;
  }

  @Override
  public String getKey(T obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  @Override
  public T put(String key, T obj) {
    return store.put(key, keep.apply(obj));
  }

  @Override
  public T remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return store.values().stream();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public T get(String key) {
    return store.get(key);
  }
}
