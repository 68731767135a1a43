package dev.relaybox.examples.orders;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relaybox.outbox.Outbox;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Input validation, which happens before any connection is borrowed. */
class OrderServiceTest {
  private static final PGSimpleDataSource NO_SERVER = new PGSimpleDataSource();
  private static final Outbox OUTBOX =
      Outbox.builder().serializer((topic, data) -> new byte[0]).build();
  private static final List<OrderLineItem> LINES = List.of(new OrderLineItem("SKU-1", 1, 100));

  private final OrderService orders = new OrderService(NO_SERVER, OUTBOX);

  @Test
  void refusesBadOrdersBeforeTouchingTheDatabase() {
    assertThatThrownBy(() -> orders.placeOrder(" ", "c@example.com", "EUR", LINES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("customerId must not be blank");
    assertThatThrownBy(() -> orders.placeOrder("c-1", null, "EUR", LINES))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("customerEmail must not be null");
    assertThatThrownBy(() -> orders.placeOrder("c-1", "c@example.com", "eur", LINES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("currency must be an ISO 4217 code")
        .hasMessageContaining("'eur'");
    assertThatThrownBy(() -> orders.placeOrder("c-1", "c@example.com", "EUR", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lines must not be empty");
  }

  @Test
  void refusesBadLinesAndSchemas() {
    assertThatThrownBy(() -> new OrderLineItem("SKU-1", 0, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quantity of SKU-1 must be at least 1, was 0");
    assertThatThrownBy(() -> new OrderLineItem("SKU-1", 1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unitPriceMinor of SKU-1 must not be negative, was -1");
    assertThatThrownBy(() -> new OrderService(NO_SERVER, OUTBOX, "orders; drop table x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("schema must be a lower-case SQL identifier");
  }
}
