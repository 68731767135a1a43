package dev.relaybox.schemas.registry.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A map of at most {@code capacity} entries that drops the least recently used one: a long-running
 * client or serde meeting ever new subjects and schemas must not grow without bound. Thread-safe
 * (one lock; every operation is a map access).
 */
public final class BoundedCache<K, V> {

  private final Map<K, V> map;

  public BoundedCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.map =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > capacity;
          }
        };
  }

  public synchronized V get(K key) {
    return map.get(key);
  }

  public synchronized void put(K key, V value) {
    map.put(key, value);
  }

  /** The cached value, or {@code load}'s, cached; {@code load} runs outside the lock. */
  public V computeIfAbsent(K key, Function<K, V> load) {
    V cached = get(key);
    if (cached != null) {
      return cached;
    }
    V loaded = load.apply(key);
    synchronized (this) {
      V raced = map.putIfAbsent(key, loaded);
      return raced != null ? raced : loaded;
    }
  }

  public synchronized void removeIf(Predicate<K> key) {
    map.keySet().removeIf(key);
  }

  public synchronized int size() {
    return map.size();
  }
}
