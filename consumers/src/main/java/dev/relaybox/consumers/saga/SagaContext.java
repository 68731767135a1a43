package dev.relaybox.consumers.saga;

import dev.relaybox.outbox.OutboxEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * What an action or compensation sees of its saga. Valid only during the call.
 *
 * @param <D> the saga's data
 */
public interface SagaContext<D> {

  /** The saga's type ({@link SagaDefinition#type()}). */
  String type();

  /** The saga's id, unique within its type; put it in commands so replies can name it. */
  String sagaId();

  /** The step being run or compensated. */
  String step();

  /** 1 for the first run of this action, incremented by each retry. */
  int attempt();

  /** The saga's data as stored. */
  D data();

  /** Replaces the saga's data; stored with the step's outcome. */
  void data(D data);

  /**
   * Publishes {@code event} through the outbox in the saga's transaction.
   *
   * @return the event id
   */
  UUID publish(OutboxEvent event) throws SQLException;

  /** The saga's transaction: write with it, never commit, roll back or close it. */
  Connection tx();
}
