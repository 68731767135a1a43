package dev.relaybox.console.internal;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaFuture;

/** Waits for admin-client results with a deadline, unwrapping their failures. */
public final class Futures {
  /** How long the console waits for one Kafka answer. */
  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  private Futures() {}

  /**
   * The future's value.
   *
   * @throws IllegalStateException with the broker's message as its message and error as its cause,
   *     or when Kafka does not answer within {@link #TIMEOUT}
   */
  public static <T> T get(KafkaFuture<T> future) {
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
