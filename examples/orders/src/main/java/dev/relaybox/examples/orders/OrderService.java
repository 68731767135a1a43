package dev.relaybox.examples.orders;

import dev.relaybox.config.SqlIdentifier;
import dev.relaybox.examples.orders.events.OrderLine;
import dev.relaybox.examples.orders.events.OrderPlaced;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An order service that writes an order, its lines and an {@code OrderPlaced} event in one
 * transaction: the event reaches Kafka (through the relay) if and only if the order is committed.
 *
 * <pre>{@code
 * HikariConfig pool = new HikariConfig();
 * pool.setJdbcUrl(jdbcUrl); pool.setUsername(user); pool.setPassword(password);
 * try (HikariDataSource dataSource = new HikariDataSource(pool);
 *     Outbox outbox = Outbox.builder().schemaRegistryUrl(registryUrl).build()) {
 *   OrderService orders = new OrderService(dataSource, outbox);
 *   orders.migrate();
 *   UUID orderId = orders.placeOrder("c-1", "c1@example.com", "EUR",
 *       List.of(new OrderLineItem("SKU-1", 2, 1_250)));
 * }
 * }</pre>
 *
 * <p>Thread-safe if the data source is (a pool, typically HikariCP): each call borrows one
 * connection for its transaction.
 */
public final class OrderService {
  /** The aggregate type of order events: they go to topic {@code outbox.event.order}. */
  public static final String AGGREGATE_TYPE = "order";

  /** Classpath location of the {@code orders} and {@code order_lines} migrations. */
  public static final String MIGRATIONS_LOCATION =
      "classpath:dev/relaybox/examples/orders/db/orders";

  private static final Logger log = LoggerFactory.getLogger(OrderService.class);

  private final DataSource dataSource;
  private final Outbox outbox;
  private final String schema;
  private final String insertOrder;
  private final String insertLine;

  /** An order service with its tables in schema {@code public}. */
  public OrderService(DataSource dataSource, Outbox outbox) {
    this(dataSource, outbox, "public");
  }

  /**
   * An order service with its tables in {@code schema}.
   *
   * @param schema a lower-case SQL identifier ({@code [a-z_][a-z0-9_]*}, at most 63 characters)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if schema is not a plain identifier
   */
  public OrderService(DataSource dataSource, Outbox outbox, String schema) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    this.outbox = Objects.requireNonNull(outbox, "outbox must not be null");
    this.schema = SqlIdentifier.require("schema", schema);
    // The schema is validated above, so quoting it is enough.
    this.insertOrder =
        "INSERT INTO \""
            + schema
            + "\".orders (id, customer_id, customer_email, currency, amount_minor)"
            + " VALUES (?, ?, ?, ?, ?)";
    this.insertLine =
        "INSERT INTO \""
            + schema
            + "\".order_lines (order_id, line_no, sku, quantity, unit_price_minor)"
            + " VALUES (?, ?, ?, ?, ?)";
  }

  /**
   * Creates or upgrades the outbox table ({@link Outbox#migrate}) and the {@code orders} and {@code
   * order_lines} tables in this service's schema (Flyway history: {@code orders_schema_history}).
   * Idempotent.
   */
  public void migrate() {
    outbox.migrate(dataSource);
    Flyway.configure(OrderService.class.getClassLoader())
        .dataSource(dataSource)
        .locations(MIGRATIONS_LOCATION)
        .schemas(schema)
        .table("orders_schema_history")
        // The schema may already hold the outbox table: keep V1 above the baseline.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /**
   * Places an order: inserts the order, its lines and an {@code OrderPlaced} event (aggregate id =
   * the order id) in one transaction on a connection from the data source, and commits.
   *
   * @return the new order's id
   * @throws IllegalArgumentException if an argument is blank, lines is empty or the currency is not
   *     three letters
   * @throws SQLException if the database fails; the transaction is rolled back
   */
  public UUID placeOrder(
      String customerId, String customerEmail, String currency, List<OrderLineItem> lines)
      throws SQLException {
    requireText("customerId", customerId);
    requireText("customerEmail", customerEmail);
    Objects.requireNonNull(currency, "currency must not be null");
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException(
          "currency must be an ISO 4217 code of three capital letters, was '" + currency + "'");
    }
    Objects.requireNonNull(lines, "lines must not be null");
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("lines must not be empty: an order needs a line");
    }
    UUID orderId = UUID.randomUUID();
    long amount = 0;
    List<OrderLine> eventLines = new ArrayList<>(lines.size());
    for (OrderLineItem line : lines) {
      amount = Math.addExact(amount, Math.multiplyExact(line.quantity(), line.unitPriceMinor()));
      eventLines.add(new OrderLine(line.sku(), line.quantity(), line.unitPriceMinor()));
    }
    OrderPlaced event =
        OrderPlaced.newBuilder()
            .setEventId(OutboxEvent.newEventId())
            .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .setOrderId(orderId.toString())
            .setCustomerId(customerId)
            .setCustomerEmail(customerEmail)
            .setLines(eventLines)
            .setAmountMinor(amount)
            .setCurrency(currency)
            .build();

    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      try {
        try (PreparedStatement order = tx.prepareStatement(insertOrder)) {
          order.setObject(1, orderId);
          order.setString(2, customerId);
          order.setString(3, customerEmail);
          order.setString(4, currency);
          order.setLong(5, amount);
          order.executeUpdate();
        }
        try (PreparedStatement line = tx.prepareStatement(insertLine)) {
          int lineNo = 1;
          for (OrderLineItem item : lines) {
            line.setObject(1, orderId);
            line.setInt(2, lineNo++);
            line.setString(3, item.sku());
            line.setInt(4, item.quantity());
            line.setLong(5, item.unitPriceMinor());
            line.addBatch();
          }
          line.executeBatch();
        }
        outbox.publish(tx, OutboxEvent.of(AGGREGATE_TYPE, orderId.toString(), event));
        tx.commit();
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    }
    log.debug(
        "order placed orderId={} eventId={} lines={}", orderId, event.getEventId(), lines.size());
    return orderId;
  }

  private static void requireText(String property, String value) {
    Objects.requireNonNull(value, () -> property + " must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(property + " must not be blank");
    }
  }
}
