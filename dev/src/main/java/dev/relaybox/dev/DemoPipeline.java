package dev.relaybox.dev;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.host.HostConfig;
import dev.relaybox.consumers.host.ServiceHost;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.peers.Fault;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.examples.orders.OrderLineItem;
import dev.relaybox.examples.orders.OrderService;
import dev.relaybox.examples.orders.events.OrderPlaced;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.relay.Relay;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.runtime.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The whole pipeline on a dev stack, wired once for {@code relaybox demo} and the acceptance tests:
 * the example order service writes orders and outbox events, the relay publishes them, the service
 * host runs the order-fulfilment saga ({@code orders}) and its participants (payments, email,
 * fulfillment) against the stack's fake third parties. {@link #thirdParties()} reads the effects at
 * those third parties, the sources of truth.
 *
 * <p>By default the pipeline uses the services' default names (schema {@code public}, topics {@code
 * outbox.event.*}, groups {@code payments}, ...), as {@code relaybox devstack --config-dir} writes
 * them. {@link DemoPipelineBuilder#isolated()} gives it names of its own (schema, topics, groups,
 * slot), so several pipelines share one stack.
 *
 * <p>Like {@code relaybox relay} and {@code relaybox consumers}, the first pipeline of a JVM
 * installs the OpenTelemetry SDK when {@code OTEL_*} asks for traces ({@link Tracing}), so the
 * demo's orders show up as traces in a collector; a global OpenTelemetry set before (a test's) is
 * kept.
 */
public final class DemoPipeline implements AutoCloseable {

  /** The aggregate types of the order domain (events, saga commands, replies), one topic each. */
  public static final List<String> AGGREGATES =
      List.of(
          "order",
          "payment",
          "fulfillment",
          "payment-command",
          "warehouse-command",
          "email-command");

  /** The services of the order domain, one consumer group each. */
  public static final List<String> SERVICES = List.of("orders", "payments", "email", "fulfillment");

  /** The SKU the warehouse never has. */
  public static final String RARE_SKU = "SKU-RARE";

  private static final long UNIT_PRICE_MINOR = 2_500;

  private final DevStack stack;
  private final DemoPipelineBuilder settings;
  private final String id;
  private final String schema;
  private final HikariDataSource dataSource;
  private final Outbox outbox;
  private final OrderService orders;
  private final MeterRegistry relayMeters = new SimpleMeterRegistry();
  private final Map<String, String> relayProperties;
  private final RelayConfig relayConfig;
  private final ThirdParties thirdParties;
  private Relay relay;
  private ServiceHost services;

  /** A pipeline on {@code stack} with the defaults listed on the builder's setters. */
  public static DemoPipelineBuilder builder(DevStack stack) {
    return new DemoPipelineBuilder(stack);
  }

  /**
   * Readies {@code stack} for the relay and the services with their default names: creates the
   * outbox table and the outbox and dead-letter topics. Idempotent.
   */
  public static void prepare(DevStack stack) {
    createTopics(stack, "outbox.event.", "");
    try (Outbox outbox = Outbox.builder().schemaRegistryUrl(stack.schemaRegistry().url()).build()) {
      outbox.migrate(stack.postgres().dataSource());
    }
  }

  private static void createTopics(DevStack stack, String topicPrefix, String groupSuffix) {
    AGGREGATES.forEach(a -> stack.kafka().createTopic(topicPrefix + a, 3));
    SERVICES.forEach(s -> stack.kafka().createTopic(s + groupSuffix + ".dlq", 1));
  }

  DemoPipeline(DemoPipelineBuilder b) throws Exception {
    // Before the relay and the services look up their tracers.
    Tracing.installIfConfigured("relaybox-demo");
    this.stack = b.stack;
    this.settings = b;
    this.id =
        b.isolated
            ? "p" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL)
            : "";
    this.schema = b.isolated ? id : "public";
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(stack.postgres().jdbcUrl());
    pool.setUsername(stack.postgres().username());
    pool.setPassword(stack.postgres().password());
    pool.setMaximumPoolSize(4);
    pool.setPoolName("demo-orders" + id);
    this.dataSource = new HikariDataSource(pool);
    if (b.isolated) {
      execute("CREATE SCHEMA " + schema);
    }
    createTopics(stack, topic(""), b.isolated ? "_" + id : "");
    this.outbox =
        Outbox.builder()
            .schema(schema)
            .schemaRegistryUrl(stack.schemaRegistry().url())
            .topicPattern(topic("${aggregatetype}"))
            .warmUp(OrderPlaced.getClassSchema())
            .cleanupMode(b.cleanup)
            .build();
    outbox.migrate(dataSource);
    this.orders = new OrderService(dataSource, outbox, schema);
    orders.migrate();
    stack.peers().fulfillment().markOutOfStock(RARE_SKU);
    this.thirdParties = new ThirdParties(stack.peers(), id);
    Map<String, String> relay = new LinkedHashMap<>(stack.relayProperties());
    relay.put("relay.name", b.isolated ? "relay-" + id : "relaybox-demo");
    // Exactly-once: the offsets live in Kafka, written in the relay's transactions; a topic of
    // this pipeline's own, so a demo never resumes from another run's offsets.
    relay.put(
        "offsets.topic",
        (b.isolated ? id : "relaybox-demo-" + Long.toHexString(System.nanoTime())) + ".offsets");
    relay.put("poll.interval.ms", "20");
    relay.put("offsets.flush.interval.ms", "200");
    if (b.isolated) {
      relay.put("outbox.schema", schema);
      relay.put("outbox.table", "outbox");
      relay.put("slot.name", "slot_" + id);
      relay.put("publication.name", "pub_" + id);
      relay.put("topic.pattern", topic("${aggregatetype}"));
      relay.put("dlq.topic", id + ".relay.dlq");
    }
    b.relayTweak.accept(relay);
    this.relayProperties = Map.copyOf(relay);
    this.relayConfig = RelayConfig.builder().setAll(relay).build();
    try {
      startRelay();
      if (b.startServices) {
        startServices();
        awaitServices(b.readyTimeout);
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private void awaitRelay(Duration timeout) throws InterruptedException {
    // Rows written before the slot exists are never streamed: wait until it streams.
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!relay.isReady()) {
      if (System.nanoTime() > deadline || !relay.isHealthy()) {
        throw new IllegalStateException(
            "the relay was not streaming within "
                + timeout
                + relay.failure().map(f -> ": " + f.getMessage()).orElse(""));
      }
      Thread.sleep(50);
    }
  }

  private void awaitServices(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!services.isReady()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the consumer services were not ready within " + timeout);
      }
      Thread.sleep(50);
    }
  }

  /** This pipeline's name suffix; empty for the default names. */
  public String id() {
    return id;
  }

  /** The schema of the orders, outbox, processed keys and service tables. */
  public String schema() {
    return schema;
  }

  /** The topic of {@code aggregateType}. */
  public String topic(String aggregateType) {
    return (settings.isolated ? id + "." : "outbox.event.") + aggregateType;
  }

  /** The consumer group of {@code service}. */
  public String group(String service) {
    return settings.isolated ? service + "_" + id : service;
  }

  /** The relay's replication slot. */
  public String slotName() {
    return relayConfig.slotName();
  }

  /**
   * The relay's properties (they contain passwords), e.g. to write a file for {@code relaybox
   * outbox reconcile --config}.
   */
  public Map<String, String> relayProperties() {
    return relayProperties;
  }

  /**
   * The service host's properties for this pipeline (they contain passwords); for a host in another
   * process, write them to a file for {@code relaybox consumers --config}.
   */
  public Map<String, String> hostProperties() {
    Map<String, String> p = new LinkedHashMap<>(stack.consumersProperties());
    p.put("services", String.join(",", SERVICES));
    p.put("db.schema", schema);
    p.put("topic.pattern", topic("${aggregatetype}"));
    SERVICES.forEach(s -> p.put(s + ".group", group(s)));
    // The saga orchestrator's handler holds a connection per event in flight (and its poller one).
    p.put("pg.pool.size", "8");
    p.put("consumer.initial.backoff.ms", "100");
    p.put("consumer.max.backoff.ms", "1000");
    p.put("consumer.max.attempts", "30");
    p.put("consumer.poll.timeout.ms", "200");
    p.put("http.host", "127.0.0.1");
    p.put("http.port", settings.http ? "0" : "-1");
    p.put("kafka.consumer.session.timeout.ms", "6000");
    p.put("kafka.consumer.heartbeat.interval.ms", "1000");
    // The relay publishes in transactions: read only what it committed.
    p.put("kafka.consumer.isolation.level", "read_committed");
    settings.hostTweak.accept(p);
    return p;
  }

  /** Starts the service host after {@link #stopServices()} (or when the builder did not). */
  public synchronized ServiceHost startServices() {
    if (services == null) {
      services = ServiceHost.start(HostConfig.builder().setAll(hostProperties()).build());
    }
    return services;
  }

  /** Stops the service host; its groups become empty (e.g. for a replay). */
  public synchronized void stopServices() {
    if (services != null) {
      services.close();
      services = null;
    }
  }

  /** The running service host, or null. */
  public synchronized ServiceHost services() {
    return services;
  }

  /** Stops the relay; the slot keeps the WAL of everything committed meanwhile. */
  public synchronized void stopRelay() {
    relay.close();
  }

  /**
   * Starts a relay from the stored offsets (after {@link #stopRelay()}); waits until it streams.
   */
  public synchronized void startRelay() throws InterruptedException {
    startRelay(Map.of());
  }

  /**
   * Starts a relay with these properties changed (e.g. {@code startup.allow.missing.slot=true}),
   * from the stored offsets, and waits until it streams: a new slot sees only what commits after.
   *
   * @throws dev.relaybox.relay.RelayException if it cannot start
   */
  public synchronized void startRelay(Map<String, String> overrides) throws InterruptedException {
    relay =
        Relay.create(
            RelayConfig.builder().setAll(relayProperties).setAll(overrides).build(), relayMeters);
    relay.start();
    awaitRelay(settings.readyTimeout);
  }

  /** Places the {@code index}-th demo order of the given kind through the order service. */
  public UUID placeOrder(int index, OrderKind kind) throws SQLException {
    String customer =
        (kind == OrderKind.DECLINED ? PaymentGatewayServer.DECLINED_PREFIX : "c") + index;
    String sku = kind == OrderKind.OUT_OF_STOCK ? RARE_SKU : "SKU-" + (index % 5);
    UUID order =
        orders.placeOrder(
            customer,
            thirdParties.email(customer),
            "EUR",
            List.of(new OrderLineItem(sku, 1 + index % 3, UNIT_PRICE_MINOR)));
    thirdParties.placed(order, kind);
    return order;
  }

  /** Places an order of one line of {@code sku}, expected to be fulfilled unless it is rare. */
  public UUID placeOrder(String customer, String sku, long unitPriceMinor) throws SQLException {
    UUID order =
        orders.placeOrder(
            customer,
            thirdParties.email(customer),
            "EUR",
            List.of(new OrderLineItem(sku, 1, unitPriceMinor)));
    thirdParties.placed(order, sku.equals(RARE_SKU) ? OrderKind.OUT_OF_STOCK : OrderKind.FULFILLED);
    return order;
  }

  /** The effects at the fake third parties, and their verification. */
  public ThirdParties thirdParties() {
    return thirdParties;
  }

  /** Makes the payment gateway answer 500 for {@code duration}; it recovers by itself. */
  public void paymentOutage(Duration duration) {
    stack.peers().paymentGateway().setFault(Fault.crash().lastingFor(duration));
  }

  /** The counts for the live progress line. */
  public Progress progress() {
    MeterRegistry consumers = consumerMeters();
    return new Progress(
        thirdParties.placedCount(),
        (long) count(relayMeters, "relaybox.relay.events.published"),
        thirdParties.captured(),
        thirdParties.emailed(),
        thirdParties.shipped(),
        thirdParties.refunded(),
        (long) count(consumers, ConsumerMetrics.RETRIED),
        (long)
            Search.in(consumers).name(ConsumerMetrics.PARKED_KEYS).gauges().stream()
                .mapToDouble(g -> g.value())
                .sum(),
        (long) count(consumers, ConsumerMetrics.DEAD_LETTERED)
            + (long) count(relayMeters, "relaybox.relay.events.dead.lettered"));
  }

  private synchronized MeterRegistry consumerMeters() {
    // counters restart with the services; while they are stopped there is nothing to count
    return services != null ? services.meterRegistry() : new SimpleMeterRegistry();
  }

  private static double count(MeterRegistry registry, String name) {
    return Search.in(registry).name(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** Runs {@code sql} (a statement without result) on the stack's database. */
  public void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Runs {@code sql}, a query of one number, e.g. {@code SELECT count(*) FROM ...}. */
  public long count(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public synchronized void close() {
    stopServices();
    if (relay != null) {
      relay.close();
    }
    outbox.close();
    if (settings.isolated) {
      try {
        execute("SELECT pg_drop_replication_slot('slot_" + id + "')");
        execute("DROP PUBLICATION IF EXISTS pub_" + id);
      } catch (SQLException e) {
        // The slot is gone already (a failed relay) or the stack is down: nothing holds WAL.
      }
    }
    dataSource.close();
  }
}
