package dev.relaybox.relay.internal;

import io.debezium.connector.base.QueueProvider;
import io.debezium.pipeline.Sizeable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Debezium's change-event queue storage ({@code queue.provider.type=relaybox-idle-wait}) that also
 * lets the engine's polling thread sleep until a change arrives.
 *
 * <p>Why by hand: Debezium 3.6.1's {@code ChangeEventQueue.poll()} waits a whole {@code
 * poll.interval.ms} for a batch to fill and then spins through the last millisecond (its timer
 * counts whole milliseconds and waits only while at least one remains), so an idle relay at a 10 ms
 * poll burns about a millisecond of CPU a hundred times a second. {@link IdleWaitPostgresTask}
 * waits here while the queue is empty and enters that poll only when there is something to take;
 * the engine offers no other hook. Storage is the same {@link ArrayDeque} as Debezium's default
 * provider; {@code enqueue} and {@code poll} are called under the queue's lock, as there.
 */
public final class IdleWaitQueue<T extends Sizeable> implements QueueProvider<T> {
  /** Its {@code queue.provider.type}. */
  static final String NAME = "relaybox-idle-wait";

  /** Engine property naming the run, so the task finds the queue of its own engine. */
  static final String KEY = "relaybox.idle-wait.key";

  private static final Map<String, IdleWaitQueue<?>> QUEUES = new ConcurrentHashMap<>();

  // The deque's size for the waiting thread, which reads it outside the queue's lock.
  private final AtomicInteger queued = new AtomicInteger();
  private ArrayDeque<T> deque = new ArrayDeque<>();
  private String key;
  private volatile Thread waiter;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void configure(Map<String, ?> config) {
    Object size = config.get("max.queue.size");
    deque = new ArrayDeque<>(size == null ? 8192 : Integer.parseInt(size.toString()));
    Object k = config.get(KEY);
    if (k != null) {
      key = k.toString();
      QUEUES.put(key, this);
    }
  }

  /** The queue the engine run named {@code key} created; null when it uses another provider. */
  static IdleWaitQueue<?> of(String key) {
    return key == null ? null : QUEUES.get(key);
  }

  @Override
  public void enqueue(T record) {
    deque.add(record);
    queued.incrementAndGet();
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  @Override
  public T poll() {
    T record = deque.poll();
    if (record != null) {
      queued.decrementAndGet();
    }
    return record;
  }

  @Override
  public int size() {
    return deque.size();
  }

  /**
   * Returns as soon as a change is queued, or after {@code max}; one waiting thread at a time (the
   * engine's polling thread).
   */
  void awaitChange(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    waiter = Thread.currentThread();
    try {
      long left = max.toNanos();
      while (queued.get() == 0 && left > 0) {
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting for changes");
        }
        left = deadline - System.nanoTime();
      }
    } finally {
      waiter = null;
    }
  }

  @Override
  public void close() {
    if (key != null) {
      QUEUES.remove(key, this);
    }
  }
}
