package dev.relaybox.spring.app;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.spring.RelayboxListener;
import dev.relaybox.spring.test.events.TestOrderPlaced;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A bean listener: prints a label per order (a row written with JdbcTemplate, which joins the
 * framework's transaction). An order noted {@code stall} blocks until {@link #release()}.
 */
@Component
@RelayboxListener(group = "${test.id}-labels", topics = "${test.id}.order")
public class LabelPrinter implements EventHandler {

  private final JdbcTemplate jdbc;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final CountDownLatch stall = new CountDownLatch(1);

  public LabelPrinter(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void handle(ConsumedEvent event, Connection tx) throws Exception {
    TestOrderPlaced order = event.value(TestOrderPlaced.class);
    calls.computeIfAbsent(order.getOrderId(), k -> new AtomicInteger()).incrementAndGet();
    if (order.getNote().equals("stall") && !stall.await(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the test never released the stalled order");
    }
    jdbc.update(
        "INSERT INTO test_labels (order_id, event_id) VALUES (?, ?)",
        order.getOrderId(),
        event.eventId());
  }

  /** How many times the handler was called for an order. */
  public int calls(String orderId) {
    AtomicInteger n = calls.get(orderId);
    return n == null ? 0 : n.get();
  }

  /** Lets the stalled order through. */
  public void release() {
    stall.countDown();
  }
}
