package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.debezium.pipeline.Sizeable;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IdleWaitQueueTest {
  private static final Sizeable CHANGE = () -> 1L;

  private final IdleWaitQueue<Sizeable> queue = new IdleWaitQueue<>();

  @Test
  void aWaitingPollerWakesWhenAChangeIsQueued() throws Exception {
    AtomicReference<Thread> poller = new AtomicReference<>();
    CompletableFuture<Void> waited =
        CompletableFuture.runAsync(
            () -> {
              poller.set(Thread.currentThread());
              try {
                queue.awaitChange(Duration.ofMinutes(5));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> poller.get() != null && poller.get().getState() == Thread.State.TIMED_WAITING);
    assertThat(waited).isNotDone();

    queue.enqueue(CHANGE);

    waited.get(10, TimeUnit.SECONDS);
    assertThat(queue.poll()).isSameAs(CHANGE);
    assertThat(queue.poll()).isNull();
  }

  @Test
  void returnsAtOnceWhileChangesAreQueuedAndWaitsOnceTheyAreTaken() throws Exception {
    queue.enqueue(CHANGE);
    queue.awaitChange(Duration.ofMinutes(5)); // would hang the test if it waited
    assertThat(queue.size()).isEqualTo(1);

    queue.poll();
    long start = System.nanoTime();
    queue.awaitChange(Duration.ofMillis(200));
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
  }

  @Test
  void anInterruptEndsTheWait() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> queue.awaitChange(Duration.ofMinutes(5)))
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void theEngineFindsItByNameAndTheTaskByItsRunKey() {
    assertThat(ServiceLoader.load(io.debezium.connector.base.QueueProvider.class).stream())
        .anyMatch(p -> p.get().name().equals(IdleWaitQueue.NAME));

    queue.configure(Map.of(IdleWaitQueue.KEY, "run-1", "max.queue.size", "16"));
    assertThat(IdleWaitQueue.of("run-1")).isSameAs(queue);
    assertThat(IdleWaitQueue.of("run-2")).isNull();
    assertThat(IdleWaitQueue.of(null)).isNull();

    queue.close();
    assertThat(IdleWaitQueue.of("run-1")).isNull();
  }
}
