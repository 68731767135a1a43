package dev.relaybox.schemas.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoundedCacheTest {

  @Test
  void keepsTheMostRecentlyUsedEntriesUpToItsCapacity() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(2);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.get("a");
    cache.put("c", 3);

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("a")).isEqualTo(1);
    assertThat(cache.get("b")).isNull();
    assertThat(cache.computeIfAbsent("d", k -> 4)).isEqualTo(4);
    assertThat(cache.get("c")).isNull();
    cache.removeIf(k -> k.equals("a"));
    assertThat(cache.get("a")).isNull();
  }
}
