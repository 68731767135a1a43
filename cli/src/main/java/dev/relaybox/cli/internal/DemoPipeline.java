package dev.relaybox.cli.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.app.ConsumersApplication;
import dev.relaybox.consumers.app.ConsumersConfig;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.peers.Fault;
import dev.relaybox.devstack.peers.FulfillmentServer;
import dev.relaybox.devstack.peers.MailServer;
import dev.relaybox.devstack.peers.PaymentGatewayServer;
import dev.relaybox.examples.OrderLineItem;
import dev.relaybox.examples.OrderService;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.relay.Relay;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.schemas.events.OrderPlaced;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The whole pipeline on a dev stack, as {@code relaybox demo} runs it: the example order service
 * writes orders and outbox events, the relay publishes them, the payments, email and fulfillment
 * services apply their effects at the stack's fake third parties. Verification reads those third
 * parties, the sources of truth, never Relaybox's own tables.
 */
public final class DemoPipeline implements AutoCloseable {
  /** The SKU the warehouse never has. */
  public static final String RARE_SKU = "SKU-RARE";

  private static final long UNIT_PRICE_MINOR = 2_500;

  /** What the demo expects to happen to an order. */
  public enum Kind {
    FULFILLED,
    OUT_OF_STOCK,
    DECLINED
  }

  /** Counts for the live progress line. */
  public record Progress(
      long placed,
      long relayed,
      long charged,
      long emailed,
      long shipped,
      long refunded,
      long retried,
      long deadLettered) {}

  /** Effects of one kind of order at the sources of truth, against what was expected. */
  public record Row(
      Kind kind,
      long orders,
      long charges,
      long refunds,
      long shipments,
      long emails,
      long lost,
      long doubled) {}

  /** The verified outcome. */
  public record Verification(List<Row> rows, long lost, long doubled) {
    public boolean passed() {
      return lost == 0 && doubled == 0;
    }
  }

  private final DevStack stack;
  private final HikariDataSource dataSource;
  private final Outbox outbox;
  private final OrderService orders;
  private final MeterRegistry relayMeters = new SimpleMeterRegistry();
  private final RelayConfig relayConfig;
  private Relay relay;
  private final Path relayOffsets;
  private ConsumersApplication.Running services;
  private final Map<UUID, Kind> placed = new ConcurrentHashMap<>();

  /**
   * Readies a fresh {@code stack} for the relay and the services with their default settings:
   * creates the outbox table and the outbox and dead-letter topics. Idempotent. Returns an outbox
   * for the order domain in {@code cleanup} mode.
   */
  public static Outbox prepare(DevStack stack, CleanupMode cleanup) {
    for (String aggregate : List.of("order", "payment", "fulfillment")) {
      stack.kafka().createTopic("outbox.event." + aggregate, 3);
    }
    for (String group : ConsumersConfig.KNOWN_SERVICES) {
      stack.kafka().createTopic(group + ".dlq", 1);
    }
    Outbox outbox =
        Outbox.builder()
            .schemaRegistryUrl(stack.schemaRegistry().url())
            .warmUp(OrderPlaced.getClassSchema())
            .cleanupMode(cleanup)
            .build();
    outbox.migrate(stack.postgres().dataSource());
    return outbox;
  }

  /** Starts the relay and the services on {@code stack} and waits until both are streaming. */
  public DemoPipeline(DevStack stack, Duration readyTimeout) throws Exception {
    this(stack, readyTimeout, CleanupMode.DELETE_AFTER_INSERT);
  }

  /**
   * As {@link #DemoPipeline(DevStack, Duration)}, with the order service's outbox in {@code
   * cleanup} mode ({@link CleanupMode#RETAIN} keeps the rows for {@code relaybox outbox
   * republish}).
   */
  public DemoPipeline(DevStack stack, Duration readyTimeout, CleanupMode cleanup) throws Exception {
    this.stack = stack;
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(stack.postgres().jdbcUrl());
    pool.setUsername(stack.postgres().username());
    pool.setPassword(stack.postgres().password());
    pool.setMaximumPoolSize(4);
    pool.setPoolName("demo-orders");
    this.dataSource = new HikariDataSource(pool);
    this.outbox = prepare(stack, cleanup);
    this.orders = new OrderService(dataSource, outbox);
    orders.migrate();
    stack.peers().fulfillment().markOutOfStock(RARE_SKU);

    this.relayOffsets = Files.createTempFile("relaybox-demo-offsets", ".dat");
    Files.delete(relayOffsets);
    this.relayConfig =
        RelayConfig.builder()
            .name("relaybox-demo")
            .postgres(
                stack.postgres().host(),
                stack.postgres().port(),
                stack.postgres().database(),
                stack.postgres().username(),
                stack.postgres().password())
            .kafkaBootstrapServers(stack.kafka().bootstrapServers())
            .offsetsFile(relayOffsets)
            .set(RelayConfig.POLL_INTERVAL_MS, "20")
            .build();
    this.relay = Relay.create(relayConfig, relayMeters);
    ConsumersApplication.Running started = null;
    try {
      relay.start();
      started = ConsumersApplication.start(servicesConfig(stack));
      awaitReady(started, readyTimeout);
    } catch (Exception | Error e) {
      if (started != null) {
        started.close();
      }
      relay.close();
      outbox.close();
      dataSource.close();
      throw e;
    }
    this.services = started;
  }

  private void awaitReady(ConsumersApplication.Running running, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(relay.isReady() && running.isReady())) {
      if (System.nanoTime() > deadline || !relay.isHealthy()) {
        throw new IllegalStateException(
            "the relay or the consumer services were not ready within "
                + timeout
                + relay.failure().map(f -> ": " + f.getMessage()).orElse(""));
      }
      Thread.sleep(100);
    }
  }

  private static ConsumersConfig servicesConfig(DevStack stack) {
    ConsumersConfig.Builder builder = ConsumersConfig.builder();
    stack.consumersProperties().forEach(builder::set);
    return builder
        .set(ConsumersConfig.CONSUMER_INITIAL_BACKOFF_MS, "200")
        .set(ConsumersConfig.CONSUMER_MAX_BACKOFF_MS, "2000")
        .set(ConsumersConfig.CONSUMER_MAX_ATTEMPTS, "30")
        .set(ConsumersConfig.CONSUMER_POLL_TIMEOUT_MS, "200")
        .set(ConsumersConfig.HTTP_PORT, "-1")
        .build();
  }

  /** Which kind the {@code index}-th order of a run is, given the enabled faults. */
  public static Kind kindOf(int index, boolean outOfStock, boolean declines) {
    if (outOfStock && index % 10 == 7) {
      return Kind.OUT_OF_STOCK;
    }
    if (declines && index % 25 == 13) {
      return Kind.DECLINED;
    }
    return Kind.FULFILLED;
  }

  /** Places one order of the given kind through the example order service. */
  public UUID placeOrder(int index, Kind kind) throws SQLException {
    String customer = (kind == Kind.DECLINED ? PaymentGatewayServer.DECLINED_PREFIX : "c") + index;
    String sku = kind == Kind.OUT_OF_STOCK ? RARE_SKU : "SKU-" + (index % 5);
    UUID id =
        orders.placeOrder(
            customer,
            "customer" + index + "@example.test",
            "EUR",
            List.of(new OrderLineItem(sku, 1 + index % 3, UNIT_PRICE_MINOR)));
    placed.put(id, kind);
    return id;
  }

  /** Stops the relay; the slot keeps the WAL of everything committed meanwhile. */
  public synchronized void stopRelay() {
    relay.close();
  }

  /** Starts a new relay from the stored offsets after {@link #stopRelay()}. */
  public synchronized void startRelay() {
    relay = Relay.create(relayConfig, relayMeters);
    relay.start();
  }

  /** The relay's replication slot. */
  public String slotName() {
    return relayConfig.slotName();
  }

  /** Stops the consumer services (their groups become empty, e.g. for a replay). */
  public synchronized void stopServices() {
    if (services != null) {
      services.close();
      services = null;
    }
  }

  /** Starts the consumer services again after {@link #stopServices()}. */
  public synchronized void startServices() {
    if (services == null) {
      services = ConsumersApplication.start(servicesConfig(stack));
    }
  }

  /** Makes the payment gateway answer 500 for {@code duration}; it recovers by itself. */
  public void paymentOutage(Duration duration) {
    stack.peers().paymentGateway().setFault(Fault.crash().lastingFor(duration));
  }

  /** The counts for the live progress line. */
  public Progress progress() {
    PaymentGatewayServer gateway = stack.peers().paymentGateway();
    return new Progress(
        placed.size(),
        (long) count(relayMeters, "relaybox.relay.events.published"),
        gateway.charges().stream().filter(PaymentGatewayServer.Charge::captured).count(),
        stack.peers().mail().messages().size(),
        stack.peers().fulfillment().shipments().stream()
            .filter(FulfillmentServer.Shipment::requested)
            .count(),
        gateway.refunds().size(),
        (long) count(consumerMeters(), ConsumerMetrics.RETRIED),
        (long) count(consumerMeters(), ConsumerMetrics.DEAD_LETTERED)
            + (long) count(relayMeters, "relaybox.relay.events.dead.lettered"));
  }

  private synchronized MeterRegistry consumerMeters() {
    // counters restart with the services; while they are stopped there is nothing to count
    return services != null ? services.meterRegistry() : new SimpleMeterRegistry();
  }

  private static double count(MeterRegistry registry, String name) {
    return Search.in(registry).name(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** Whether every placed order has all its expected effects (or more: doubles count too). */
  public boolean settled() {
    return verify().rows().stream().allMatch(r -> r.lost() == 0);
  }

  /** Compares each order's effects at the third parties with what its kind expects. */
  public Verification verify() {
    Map<String, List<PaymentGatewayServer.Charge>> charges =
        stack.peers().paymentGateway().charges().stream()
            .collect(Collectors.groupingBy(PaymentGatewayServer.Charge::orderId));
    Map<String, String> orderOfCharge =
        stack.peers().paymentGateway().charges().stream()
            .collect(
                Collectors.toMap(
                    PaymentGatewayServer.Charge::id, PaymentGatewayServer.Charge::orderId));
    Map<String, Long> refunds =
        stack.peers().paymentGateway().refunds().stream()
            .collect(
                Collectors.groupingBy(
                    r -> orderOfCharge.getOrDefault(r.chargeId(), "?"), Collectors.counting()));
    Map<String, Long> shipments =
        stack.peers().fulfillment().shipments().stream()
            .filter(FulfillmentServer.Shipment::requested)
            .collect(
                Collectors.groupingBy(FulfillmentServer.Shipment::orderId, Collectors.counting()));
    List<MailServer.Email> mail = stack.peers().mail().messages();
    Map<Kind, long[]> totals = new EnumMap<>(Kind.class);
    long lost = 0;
    long doubled = 0;
    for (Map.Entry<UUID, Kind> order : placed.entrySet()) {
      String id = order.getKey().toString();
      Kind kind = order.getValue();
      List<PaymentGatewayServer.Charge> orderCharges = charges.getOrDefault(id, List.of());
      long captured = orderCharges.stream().filter(PaymentGatewayServer.Charge::captured).count();
      long declined = orderCharges.size() - captured;
      long refunded = refunds.getOrDefault(id, 0L);
      long shipped = shipments.getOrDefault(id, 0L);
      long emails =
          mail.stream().filter(m -> m.subject() != null && m.subject().contains(id)).count();
      long[] actual = {captured, declined, refunded, shipped, emails};
      long[] expected = expected(kind);
      long[] t = totals.computeIfAbsent(kind, k -> new long[7]);
      t[0]++;
      t[1] += captured + declined;
      t[2] += refunded;
      t[3] += shipped;
      t[4] += emails;
      boolean missing = false;
      boolean extra = false;
      for (int i = 0; i < actual.length; i++) {
        missing |= actual[i] < expected[i];
        extra |= actual[i] > expected[i];
      }
      if (missing) {
        t[5]++;
        lost++;
      }
      if (extra) {
        t[6]++;
        doubled++;
      }
    }
    List<Row> rows =
        totals.entrySet().stream()
            .map(
                e -> {
                  long[] t = e.getValue();
                  return new Row(e.getKey(), t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
                })
            .toList();
    return new Verification(rows, lost, doubled);
  }

  /** Captured charges, declined charges, refunds, shipments, emails: per order of a kind. */
  private static long[] expected(Kind kind) {
    return switch (kind) {
      case FULFILLED -> new long[] {1, 0, 0, 1, 1};
      case OUT_OF_STOCK -> new long[] {1, 0, 1, 0, 2};
      case DECLINED -> new long[] {0, 1, 0, 0, 0};
    };
  }

  /** Orders placed so far, by kind. */
  public Map<Kind, Long> placedByKind() {
    return placed.values().stream()
        .collect(
            Collectors.groupingBy(
                Function.identity(), () -> new EnumMap<>(Kind.class), Collectors.counting()));
  }

  @Override
  public void close() {
    stopServices();
    relay.close();
    outbox.close();
    dataSource.close();
    try {
      Files.deleteIfExists(relayOffsets);
    } catch (java.io.IOException e) {
      // a temp file; the OS cleans it
    }
  }
}
