package dev.relaybox.runtime.internal;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaFuture;

/** Waits for admin-client results with a deadline, unwrapping their failures. */
final class KafkaFutures {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private KafkaFutures() {}

  /**
   * The future's value.
   *
   * @throws IllegalStateException with the broker's message as its message and error as its cause,
   *     or when Kafka does not answer within {@link #TIMEOUT}
   */
  static <T> T get(KafkaFuture<T> future) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within " + TIMEOUT, e);
    }
  }
}
