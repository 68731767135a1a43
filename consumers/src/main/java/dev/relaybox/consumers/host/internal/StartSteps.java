package dev.relaybox.consumers.host.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one start step of the service host (preparing the services, starting the runners) for every
 * item at once, at most {@code parallelism} at a time, and waits for all of them: a cold start
 * spends most of its time in Postgres round trips and class loading, which overlap.
 */
public final class StartSteps {

  private StartSteps() {}

  /**
   * Applies {@code step} to every item and returns the results in the items' order, after every
   * step has ended (so whatever a failed step's siblings started is there to close).
   *
   * @throws RuntimeException the first failure in the items' order, as thrown by the step
   * @throws InterruptedException if interrupted while waiting; the steps are interrupted and
   *     awaited
   */
  public static <T, R> List<R> run(String name, int parallelism, List<T> items, Function<T, R> step)
      throws InterruptedException {
    if (items.size() <= 1 || parallelism <= 1) {
      List<R> results = new ArrayList<>();
      for (T item : items) {
        results.add(step.apply(item));
      }
      return results;
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            Math.min(parallelism, items.size()),
            r -> {
              Thread t =
                  new Thread(
                      r,
                      "relaybox-consumers-"
                          + name.replace(' ', '-')
                          + "-"
                          + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(executor.submit(() -> step.apply(item)));
      }
      List<R> results = new ArrayList<>();
      RuntimeException failure = null;
      for (Future<R> future : futures) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = unwrap(name, e.getCause());
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      return results;
    } finally {
      executor.shutdownNow();
      // A step interrupted mid-way finishes (or fails) before its resources are closed.
      executor.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  /** Milliseconds between two {@link System#nanoTime()} readings. */
  public static long millis(long fromNanos, long toNanos) {
    return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
  }

  private static RuntimeException unwrap(String name, Throwable cause) {
    if (cause instanceof RuntimeException e) {
      return e;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(name + " failed: " + cause, cause);
  }
}
