package dev.relaybox.spring.app;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.spring.RelayboxListener;
import dev.relaybox.spring.test.events.TestOrderPlaced;
import java.sql.Connection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A two-phase bean listener: "sends" a notice outside any transaction, then records the receipt
 * with JdbcTemplate in the framework's transaction.
 */
@Component
@RelayboxListener(
    group = "${test.id}-notices",
    topics = "${test.id}.order",
    kind = RelayboxListener.Kind.TWO_PHASE)
public class Notifier implements TwoPhaseEventHandler<String> {

  private final JdbcTemplate jdbc;

  public Notifier(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public String call(ConsumedEvent event) {
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("the call phase must run outside any transaction");
    }
    return "receipt-" + event.value(TestOrderPlaced.class).getOrderId();
  }

  @Override
  public void record(ConsumedEvent event, String receipt, Connection tx) {
    jdbc.update(
        "INSERT INTO test_notices (order_id, event_id, receipt) VALUES (?, ?, ?)",
        event.value(TestOrderPlaced.class).getOrderId(),
        event.eventId(),
        receipt);
  }
}
