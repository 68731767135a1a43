package dev.relaybox.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.examples.orders.events.OrderPlaced;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.EventTooLargeException;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** OrderService through a HikariCP pool against the devstack's Postgres and schema registry. */
@ExtendWith(DevStackExtension.class)
class OrderServiceIT {
  private static final int THREADS = 8;
  private static final List<OrderLineItem> LINES =
      List.of(new OrderLineItem("SKU-1", 2, 1_250), new OrderLineItem("SKU-2", 1, 499));

  private final String schema = "orders_it_" + UUID.randomUUID().toString().substring(0, 8);
  private DevStack stack;
  private HikariDataSource pool;
  private Outbox outbox;
  private OrderService orders;

  @BeforeEach
  void setUp(DevStack stack) {
    this.stack = stack;
    HikariConfig config = new HikariConfig();
    config.setDataSource(stack.postgres().dataSource());
    config.setMaximumPoolSize(THREADS);
    // application_name lets the chaos test find exactly this pool's backends. These tests check
    // atomicity and counts, not crash durability: commits need not wait for the WAL flush (on a
    // loaded 2-core machine with fsync on, 16,000 orders otherwise take over two minutes).
    config.setConnectionInitSql(
        "SET application_name = '" + schema + "'; SET synchronous_commit = off");
    pool = new HikariDataSource(config);
    outbox =
        Outbox.builder()
            .schema(schema)
            .cleanupMode(CleanupMode.RETAIN)
            .schemaRegistryUrl(stack.schemaRegistry().url())
            .warmUp(OrderPlaced.getClassSchema())
            .build();
    orders = new OrderService(pool, outbox, schema);
    orders.migrate();
  }

  @AfterEach
  void tearDown() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
    pool.close();
    outbox.close();
  }

  @Test
  void placesTheOrderItsLinesAndOneOrderPlacedEventThatDecodesFromTheRegistry()
      throws SQLException {
    UUID orderId = orders.placeOrder("c-1", "c1@example.com", "EUR", LINES);

    assertThat(queryLong("SELECT amount_minor FROM %s.orders WHERE id = '" + orderId + "'"))
        .isEqualTo(2 * 1_250 + 499);
    assertThat(queryLong("SELECT count(*) FROM %s.order_lines WHERE order_id = '" + orderId + "'"))
        .isEqualTo(2);
    try (Connection c = pool.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT id, aggregatetype, type, payload FROM "
                    + schema
                    + ".outbox WHERE aggregateid = ?")) {
      select.setString(1, orderId.toString());
      ResultSet rs = select.executeQuery();
      assertThat(rs.next()).isTrue();
      UUID eventId = rs.getObject(1, UUID.class);
      assertThat(rs.getString(2)).isEqualTo(OrderService.AGGREGATE_TYPE);
      assertThat(rs.getString(3)).isEqualTo("OrderPlaced");
      byte[] payload = rs.getBytes(4);
      assertThat(payload[0]).as("Confluent magic byte").isZero();
      assertThat(rs.next()).isFalse();

      AvroDeserializer deserializer =
          new AvroDeserializer(
              SchemaRegistryClient.builder().urls(stack.schemaRegistry().url()).build(),
              SerdeConfig.builder().specificAvroReader(true).build());
      OrderPlaced event = (OrderPlaced) deserializer.deserialize(outbox.topicFor("order"), payload);
      assertThat(event.getEventId()).isEqualTo(eventId);
      assertThat(event.getOrderId()).isEqualTo(orderId.toString());
      assertThat(event.getAmountMinor()).isEqualTo(2 * 1_250 + 499);
      assertThat(event.getLines()).hasSize(2);
      assertThat(event.getLines().get(0).getSku()).isEqualTo("SKU-1");
    }
  }

  @Test
  void anOrderWhoseEventCannotBeWrittenIsRolledBackEntirely() throws SQLException {
    Outbox tiny =
        Outbox.builder()
            .schema(schema)
            .cleanupMode(CleanupMode.RETAIN)
            .schemaRegistryUrl(stack.schemaRegistry().url())
            .maxEventBytes(200)
            .build();
    OrderService small = new OrderService(pool, tiny, schema);
    List<OrderLineItem> many =
        IntStream.range(0, 20).mapToObj(i -> new OrderLineItem("SKU-" + i, 1, 100)).toList();

    assertThatThrownBy(() -> small.placeOrder("c-1", "c1@example.com", "EUR", many))
        .isInstanceOf(EventTooLargeException.class);

    assertThat(queryLong("SELECT count(*) FROM %s.orders")).isZero();
    assertThat(queryLong("SELECT count(*) FROM %s.order_lines")).isZero();
    assertThat(queryLong("SELECT count(*) FROM %s.outbox")).isZero();
  }

  @Test
  void concurrentOrdersEachGetExactlyOneEvent() throws Exception {
    int perThread = 2_000;
    ExecutorService executor = Executors.newFixedThreadPool(THREADS);
    List<Future<List<UUID>>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            executor.submit(
                () -> {
                  List<UUID> ids = new ArrayList<>(perThread);
                  for (int i = 0; i < perThread; i++) {
                    ids.add(
                        orders.placeOrder("c-" + thread + "-" + i, "c@example.com", "EUR", LINES));
                  }
                  return ids;
                }));
      }
      List<UUID> placed = new ArrayList<>();
      for (Future<List<UUID>> future : futures) {
        placed.addAll(future.get(5, TimeUnit.MINUTES));
      }
      assertThat(placed).hasSize(THREADS * perThread).doesNotHaveDuplicates();
    } finally {
      executor.shutdownNow();
    }

    assertThat(queryLong("SELECT count(*) FROM %s.orders")).isEqualTo(THREADS * perThread);
    assertOneEventPerOrderAndNoOther();
  }

  /**
   * Terminates the pool's busy backends again and again while 8 threads place orders: a transaction
   * that loses its connection must lose its order and its event together.
   */
  @Test
  void killedConnectionsNeverSplitAnOrderFromItsEvent() throws Exception {
    int perThread = 250;
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger killed = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        boolean killer = t == 0;
        writers.add(
            executor.submit(
                () -> {
                  try (Connection admin = stack.postgres().dataSource().getConnection();
                      PreparedStatement kill =
                          admin.prepareStatement(
                              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                  + " WHERE application_name = ? AND state <> 'idle'")) {
                    kill.setString(1, schema);
                    for (int i = 0; i < perThread; i++) {
                      if (killer && i % 5 == 0) {
                        ResultSet rs = kill.executeQuery();
                        rs.next();
                        killed.addAndGet(rs.getInt(1));
                      }
                      try {
                        orders.placeOrder("c", "c@example.com", "EUR", LINES);
                        succeeded.incrementAndGet();
                      } catch (SQLException e) {
                        failed.incrementAndGet();
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> writer : writers) {
        writer.get(5, TimeUnit.MINUTES);
      }
    } finally {
      executor.shutdownNow();
    }

    assertThat(killed.get()).as("backends terminated").isPositive();
    assertThat(failed.get()).as("orders that failed on a killed connection").isPositive();
    assertThat(succeeded.get()).as("orders that committed").isPositive();
    // A kill during COMMIT can commit an order whose caller saw an error, never the reverse.
    assertThat(queryLong("SELECT count(*) FROM %s.orders"))
        .isBetween((long) succeeded.get(), (long) THREADS * perThread);
    assertOneEventPerOrderAndNoOther();
  }

  private void assertOneEventPerOrderAndNoOther() throws SQLException {
    assertThat(
            queryLong(
                "SELECT count(*) FROM %1$s.orders o WHERE (SELECT count(*) FROM %1$s.outbox e"
                    + " WHERE e.aggregateid = o.id::text) <> 1"))
        .as("orders without exactly one event")
        .isZero();
    assertThat(
            queryLong(
                "SELECT count(*) FROM %1$s.outbox e WHERE NOT EXISTS (SELECT 1 FROM %1$s.orders o"
                    + " WHERE o.id::text = e.aggregateid)"))
        .as("events without an order")
        .isZero();
    assertThat(queryLong("SELECT count(*) FROM %s.outbox"))
        .isEqualTo(queryLong("SELECT count(*) FROM %s.orders"));
  }

  /** Runs a single-value query; {@code %s} / {@code %1$s} stand for this test's schema. */
  private long queryLong(String sqlTemplate) throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(String.format(sqlTemplate, schema))) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
