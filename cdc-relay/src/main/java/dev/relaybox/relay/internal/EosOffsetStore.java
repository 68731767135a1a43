package dev.relaybox.relay.internal;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

/**
 * The engine's offset store in exactly-once mode: the relay writes its offsets itself, in the same
 * Kafka transaction as the events (see {@link TransactionalChangeConsumer}), so this store only
 * serves the last committed position from memory and ignores the engine's writes. Debezium's
 * Postgres task reads it when it (re)starts, and after each offset flush to confirm the slot up to
 * it: so the slot is never confirmed past what Kafka committed. Instantiated by the engine through
 * {@code offset.storage}, hence public with a no-argument constructor; finds its run through the
 * {@value #HANDLE} engine property.
 */
public final class EosOffsetStore implements OffsetBackingStore {
  static final String HANDLE = "relaybox.eos.handle";

  private static final Map<String, TransactionalChangeConsumer> RUNS = new ConcurrentHashMap<>();

  private TransactionalChangeConsumer run;

  static void register(String handle, TransactionalChangeConsumer consumer) {
    RUNS.put(handle, consumer);
  }

  static void unregister(String handle) {
    RUNS.remove(handle);
  }

  @Override
  public void configure(WorkerConfig config) {
    String handle = config.originalsStrings().get(HANDLE);
    run = handle == null ? null : RUNS.get(handle);
    if (run == null) {
      throw new IllegalStateException(
          "EosOffsetStore serves the relay's exactly-once runs only (no run for handle "
              + handle
              + ")");
    }
  }

  @Override
  public void start() {
    // nothing to start: the run read the offsets topic before the engine started
  }

  @Override
  public void stop() {
    // nothing to stop
  }

  @Override
  public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
    Map<ByteBuffer, ByteBuffer> result = new HashMap<>();
    run.offsetRead();
    byte[] value = run.committedOffset();
    for (ByteBuffer key : keys) {
      byte[] bytes = new byte[key.remaining()];
      key.duplicate().get(bytes);
      if (value != null && run.codec().isOwnKey(bytes)) {
        result.put(key, ByteBuffer.wrap(value));
      }
    }
    return CompletableFuture.completedFuture(result);
  }

  @Override
  public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
    // Committed with the events already; the engine's flush only triggers the slot flush.
    if (callback != null) {
      callback.onCompletion(null, null);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    return run.committedOffset() == null ? Set.of() : Set.of(run.codec().partition());
  }
}
