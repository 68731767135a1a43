package dev.relaybox.relay.internal;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's Postgres task, except that an empty queue is waited on ({@link IdleWaitQueue}) instead
 * of polled every {@code poll.interval.ms}: an idle relay wakes when a change (or Debezium's
 * heartbeat) arrives, or every {@link #IDLE_WAIT} to let the engine see a stop or a failure. With
 * changes queued it polls exactly as Debezium does, so batching and latency are unchanged. Its
 * start also gives Debezium's streaming metrics a cheap {@code LastEvent} ({@code
 * LastEventSummary}).
 */
public final class IdleWaitPostgresTask extends PostgresConnectorTask {
  /** The longest an idle poll waits; Debezium's own default poll interval. */
  static final Duration IDLE_WAIT = Duration.ofMillis(500);

  private volatile IdleWaitQueue<?> queue;

  @Override
  public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(
      Configuration config) {
    ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> coordinator =
        super.start(config);
    // Debezium configured this start's queue in super.start; null with another provider.
    queue = IdleWaitQueue.of(config.getString(IdleWaitQueue.KEY));
    LastEventSummary.cheapen(coordinator);
    return coordinator;
  }

  @Override
  public List<SourceRecord> doPoll() throws InterruptedException {
    IdleWaitQueue<?> current = queue;
    if (current != null) {
      current.awaitChange(IDLE_WAIT);
    }
    return super.doPoll();
  }
}
