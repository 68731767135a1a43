package dev.relaybox.relay.internal;

import io.debezium.annotation.ConnectorSpecific;
import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.connector.postgresql.snapshot.lock.NoSnapshotLock;
import io.debezium.connector.postgresql.snapshot.query.SelectAllSnapshotQuery;
import org.apache.kafka.connect.connector.Task;

/**
 * Debezium's Postgres connector with the {@link IdleWaitPostgresTask}. Debezium picks its
 * connector-specific services by the exact {@code connector.class}; the relay's two (snapshot query
 * and lock: the relay never snapshots, but the engine looks them up at start) are Debezium's
 * Postgres ones declared for this class, so they are found without a fallback warning.
 */
public final class IdleWaitPostgresConnector extends PostgresConnector {
  @Override
  public Class<? extends Task> taskClass() {
    return IdleWaitPostgresTask.class;
  }

  /** Debezium's Postgres {@code select_all} snapshot query, for this connector. */
  @ConnectorSpecific(connector = IdleWaitPostgresConnector.class)
  public static final class SelectAll extends SelectAllSnapshotQuery {}

  /** Debezium's Postgres {@code none} snapshot lock, for this connector. */
  @ConnectorSpecific(connector = IdleWaitPostgresConnector.class)
  public static final class NoLock extends NoSnapshotLock {}
}
