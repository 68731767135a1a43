package dev.relaybox.spring.internal;

import dev.relaybox.consumers.ConsumedEvent;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The handler calls of one listener in progress, and when one last finished: what tells a stalled
 * group (a call that never returns, records that wait while nothing settles) from an idle one.
 */
public final class GroupActivity {

  /** A handler call in progress. */
  public record Call(ConsumedEvent event, long startedNanos) {}

  /** Work run while tracked. */
  @FunctionalInterface
  interface Work<T> {
    T run() throws Exception;
  }

  private final Map<Long, Call> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private volatile long lastFinishedNanos = System.nanoTime();

  <T> T track(ConsumedEvent event, Work<T> work) throws Exception {
    long token = calls.incrementAndGet();
    inFlight.put(token, new Call(event, System.nanoTime()));
    try {
      return work.run();
    } finally {
      inFlight.remove(token);
      lastFinishedNanos = System.nanoTime();
    }
  }

  /** The call running the longest, if any. */
  public Optional<Call> oldestCall() {
    return inFlight.values().stream().min(Comparator.comparingLong(Call::startedNanos));
  }

  /** When the last call finished (or the group was created). */
  public long lastFinishedNanos() {
    return lastFinishedNanos;
  }
}
