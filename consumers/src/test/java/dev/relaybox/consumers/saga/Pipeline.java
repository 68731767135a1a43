package dev.relaybox.consumers.saga;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.app.ConsumersApplication;
import dev.relaybox.consumers.app.ConsumersConfig;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.peers.MailServer;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.examples.OrderLineItem;
import dev.relaybox.examples.OrderService;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.relay.Relay;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.schemas.events.OrderPlaced;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The whole order saga on the dev stack, isolated from other tests: its own Postgres schema
 * (orders, outbox, processed keys, service tables), its own topics ({@code <prefix>.order}, ...),
 * consumer groups and replication slot. OrderService writes orders; the real relay publishes the
 * outbox; the service host runs payments, email and fulfillment against the stack's peers.
 */
public final class Pipeline implements AutoCloseable {

  public final DevStack stack;
  public final String id;
  public final String schema;
  public final HikariDataSource dataSource;
  public final Outbox outbox;
  public final OrderService orders;
  private final Relay relay;
  private final Path relayOffsets;
  private final Consumer<Map<String, String>> tweak;
  private ConsumersApplication.Running services;

  private Pipeline(DevStack stack, Consumer<Map<String, String>> tweak) throws Exception {
    this.stack = stack;
    this.tweak = tweak;
    this.id = "p" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    this.schema = id;
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(stack.postgres().jdbcUrl());
    pool.setUsername(stack.postgres().username());
    pool.setPassword(stack.postgres().password());
    pool.setMaximumPoolSize(8);
    this.dataSource = new HikariDataSource(pool);
    execute("CREATE SCHEMA " + schema);
    for (String aggregate : List.of("order", "payment", "fulfillment")) {
      stack.kafka().createTopic(topic(aggregate), 3);
    }
    for (String group : List.of("payments", "email", "fulfillment")) {
      stack.kafka().createTopic(group(group) + ".dlq", 1);
    }
    this.outbox =
        Outbox.builder()
            .schema(schema)
            .schemaRegistryUrl(stack.schemaRegistry().url())
            .topicPattern(id + ".${aggregatetype}")
            .warmUp(OrderPlaced.getClassSchema())
            .build();
    this.orders = new OrderService(dataSource, outbox, schema);
    orders.migrate();
    this.relayOffsets = Files.createTempFile("relay-offsets-" + id, ".dat");
    Files.delete(relayOffsets);
    this.relay =
        Relay.create(
            RelayConfig.builder()
                .name("relay-" + id)
                .postgres(
                    stack.postgres().host(),
                    stack.postgres().port(),
                    stack.postgres().database(),
                    stack.postgres().username(),
                    stack.postgres().password())
                .outboxTable(schema, "outbox")
                .slotAndPublication("slot_" + id, "pub_" + id)
                .kafkaBootstrapServers(stack.kafka().bootstrapServers())
                .topicPattern(id + ".${aggregatetype}")
                .dlqTopic(id + ".relay.dlq")
                .offsetsFile(relayOffsets)
                .set(RelayConfig.OFFSETS_FLUSH_INTERVAL_MS, "200")
                .build());
    relay.start();
    // Rows written before the slot exists are never streamed: wait for it.
    org.awaitility.Awaitility.await().atMost(deadline()).until(relay::isReady);
  }

  /** Starts the relay; the services start with {@link #startServices()}. */
  public static Pipeline create(DevStack stack, Consumer<Map<String, String>> tweak)
      throws Exception {
    return new Pipeline(stack, tweak);
  }

  public String topic(String aggregate) {
    return id + "." + aggregate;
  }

  public String group(String service) {
    return service + "_" + id;
  }

  /** The service host properties of this pipeline (HTTP endpoints on a free port). */
  /** Whether {@code orders} orders have their shipment requested and their email recorded. */
  public boolean shippedAndEmailed(int orders) throws SQLException {
    return count(
                "SELECT count(*) FROM "
                    + schema
                    + ".fulfillment_orders WHERE status = 'SHIPMENT_REQUESTED'")
            == orders
        && count("SELECT count(*) FROM " + schema + ".emails") == orders;
  }

  public Map<String, String> settings() {
    Map<String, String> b = new java.util.LinkedHashMap<>(stack.consumersProperties());
    b.put(ConsumersConfig.PG_POOL_SIZE, "6");
    b.put(ConsumersConfig.DB_SCHEMA, schema);
    b.put(ConsumersConfig.TOPIC_PATTERN, id + ".${aggregatetype}");
    b.put(ConsumersConfig.PAYMENTS_GROUP, group("payments"));
    b.put(ConsumersConfig.EMAIL_GROUP, group("email"));
    b.put(ConsumersConfig.FULFILLMENT_GROUP, group("fulfillment"));
    b.put(ConsumersConfig.CONSUMER_INITIAL_BACKOFF_MS, "100");
    b.put(ConsumersConfig.CONSUMER_MAX_BACKOFF_MS, "1000");
    b.put(ConsumersConfig.CONSUMER_POLL_TIMEOUT_MS, "200");
    b.put(ConsumersConfig.HTTP_HOST, "127.0.0.1");
    b.put(ConsumersConfig.HTTP_PORT, "0");
    b.put(ConsumersConfig.KAFKA_CONSUMER_PREFIX + "session.timeout.ms", "6000");
    b.put(ConsumersConfig.KAFKA_CONSUMER_PREFIX + "heartbeat.interval.ms", "1000");
    tweak.accept(b);
    return b;
  }

  public ConsumersConfig.Builder config() {
    ConsumersConfig.Builder builder = ConsumersConfig.builder();
    settings().forEach(builder::set);
    return builder;
  }

  public ConsumersApplication.Running startServices() {
    services = ConsumersApplication.start(config().build());
    return services;
  }

  public void stopServices() {
    if (services != null) {
      services.close();
      services = null;
    }
  }

  public ConsumersApplication.Running services() {
    return services;
  }

  /** Places an order of one line of {@code sku} for a customer of this pipeline. */
  public UUID placeOrder(String customer, String sku, long unitPriceMinor) throws SQLException {
    return orders.placeOrder(
        customer, email(customer), "EUR", List.of(new OrderLineItem(sku, 1, unitPriceMinor)));
  }

  /** The address of a customer of this pipeline (unique to it). */
  public String email(String customer) {
    return customer + "." + id + "@example.test";
  }

  public long count(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Charges at the gateway for this order (its source of truth), captured or not. */
  public List<PaymentGatewayServer.Charge> charges(UUID orderId) {
    return stack.peers().paymentGateway().charges().stream()
        .filter(c -> c.orderId().equals(orderId.toString()))
        .toList();
  }

  public long shipments(UUID orderId) {
    return stack.peers().fulfillment().shipments().stream()
        .filter(s -> s.orderId().equals(orderId.toString()))
        .count();
  }

  /** Messages accepted by the mail server whose subject names this order. */
  public List<MailServer.Email> emails(UUID orderId) {
    return stack.peers().mail().messages().stream()
        .filter(m -> m.subject() != null && m.subject().contains(orderId.toString()))
        .toList();
  }

  public long refunds(UUID orderId) {
    List<String> chargeIds =
        charges(orderId).stream().map(PaymentGatewayServer.Charge::id).toList();
    return stack.peers().paymentGateway().refunds().stream()
        .filter(r -> chargeIds.contains(r.chargeId()))
        .count();
  }

  /** Kafka admin operations on this pipeline's groups, e.g. to replay. */
  public Map<String, String> groups() {
    return Map.of(
        "payments",
        group("payments"),
        "email",
        group("email"),
        "fulfillment",
        group("fulfillment"));
  }

  public static Duration deadline() {
    return Duration.ofSeconds(90);
  }

  @Override
  public void close() throws Exception {
    stopServices();
    relay.close();
    outbox.close();
    try {
      execute("SELECT pg_drop_replication_slot('slot_" + id + "')");
    } catch (SQLException e) {
      // Already gone with a failed relay: nothing holds WAL.
    }
    execute("DROP PUBLICATION IF EXISTS pub_" + id);
    dataSource.close();
    Files.deleteIfExists(relayOffsets);
  }
}
