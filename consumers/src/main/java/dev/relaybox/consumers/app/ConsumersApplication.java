package dev.relaybox.consumers.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.HealthServer;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import dev.relaybox.consumers.email.EmailService;
import dev.relaybox.consumers.fulfillment.FulfillmentService;
import dev.relaybox.consumers.payments.PaymentsHandler;
import dev.relaybox.consumers.payments.PaymentsService;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.schemas.events.FulfillmentRequested;
import dev.relaybox.schemas.events.OrderCancelled;
import dev.relaybox.schemas.events.PaymentCaptured;
import dev.relaybox.schemas.events.PaymentDeclined;
import dev.relaybox.schemas.events.RefundIssued;
import dev.relaybox.schemas.events.RefundRequested;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service host: runs the payments, email and fulfillment services (each a {@link
 * ConsumerRunner} in its own consumer group) in one process, with {@code /health}, {@code /ready}
 * and {@code /metrics}.
 *
 * <p>From the command line: {@code ConsumersApplication --config consumers.properties} (environment
 * variables override the file, e.g. {@code RELAYBOX_PG_PASSWORD}); SIGTERM stops it gracefully
 * (each runner finishes and commits its batch in flight). Embedded: {@link #start(ConsumersConfig)}
 * returns a {@link Running} handle to close.
 *
 * <p>At start it migrates the outbox, processed-keys and service tables in {@value
 * ConsumersConfig#DB_SCHEMA}, registers the schemas it publishes, then starts the runners.
 */
public final class ConsumersApplication {

  private static final Logger log = LoggerFactory.getLogger(ConsumersApplication.class);

  private ConsumersApplication() {}

  /** Runs until SIGTERM; exits 2 on a bad configuration, 1 when the services cannot start. */
  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the services until the JVM is asked to stop and returns the exit code; for callers that
   * manage the JVM themselves (the {@code relaybox consumers} command).
   */
  public static int run(String[] args) {
    ConsumersConfig config;
    try {
      config = load(args).overrideFromEnvironment(System::getenv).build();
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("consumers: " + e.getMessage());
      System.err.println("usage: ConsumersApplication --config <consumers.properties>");
      return 2;
    }
    Running running;
    try {
      running = start(config);
    } catch (RuntimeException e) {
      log.error("consumers failed to start: {}", e.toString(), e);
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "relaybox-consumers-shutdown"));
    try {
      running.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.close();
    }
    return 0;
  }

  private static ConsumersConfig.Builder load(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--config")) {
      return ConsumersConfig.fromFile(Path.of(args[1]));
    }
    if (args.length == 0) {
      return ConsumersConfig.builder();
    }
    throw new IllegalArgumentException("unexpected arguments " + String.join(" ", args));
  }

  /**
   * Migrates the tables and starts the configured services and the HTTP endpoints; returns once
   * every runner is started (not necessarily joined to its group: see {@link Running#isReady()}).
   *
   * @throws RuntimeException when a dependency is unreachable at start (database, registry) or the
   *     HTTP port cannot be bound; whatever was started is closed again
   */
  public static Running start(ConsumersConfig config) {
    Running running = new Running();
    try {
      running.startAll(config);
      return running;
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
  }

  /** The running services. {@link #close()} stops them gracefully. Thread-safe. */
  public static final class Running implements AutoCloseable {
    private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
    private final List<ConsumerRunner> runners = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private HealthServer health;

    private Running() {}

    private void startAll(ConsumersConfig c) {
      HikariConfig poolConfig = new HikariConfig();
      poolConfig.setPoolName("relaybox-consumers");
      poolConfig.setJdbcUrl(c.jdbcUrl());
      poolConfig.setUsername(c.get(ConsumersConfig.PG_USER));
      poolConfig.setPassword(c.get(ConsumersConfig.PG_PASSWORD));
      poolConfig.setMaximumPoolSize(c.getInt(ConsumersConfig.PG_POOL_SIZE));
      HikariDataSource dataSource = track(new HikariDataSource(poolConfig));
      String schema = c.get(ConsumersConfig.DB_SCHEMA);
      String order = FulfillmentService.ORDER_AGGREGATE_TYPE;
      String payment = PaymentsHandler.AGGREGATE_TYPE;
      String fulfillment = FulfillmentService.AGGREGATE_TYPE;

      Outbox outbox =
          track(
              Outbox.builder()
                  .schema(schema)
                  .table(c.get(ConsumersConfig.OUTBOX_TABLE))
                  .schemaRegistryUrl(c.get(ConsumersConfig.SCHEMA_REGISTRY_URL))
                  .topicPattern(c.get(ConsumersConfig.TOPIC_PATTERN))
                  .warmUp(
                      PaymentCaptured.getClassSchema(),
                      PaymentDeclined.getClassSchema(),
                      RefundIssued.getClassSchema(),
                      FulfillmentRequested.getClassSchema(),
                      RefundRequested.getClassSchema(),
                      OrderCancelled.getClassSchema())
                  .build());
      outbox.migrate(dataSource);
      AvroDeserializer deserializer = track(new AvroDeserializer());
      deserializer.configure(
          Map.of(
              SerdeConfig.SCHEMA_REGISTRY_URL,
              c.get(ConsumersConfig.SCHEMA_REGISTRY_URL),
              SerdeConfig.SPECIFIC_AVRO_READER,
              "true"),
          false);
      Duration connectTimeout = millis(c, ConsumersConfig.HTTP_CONNECT_TIMEOUT_MS);
      Duration requestTimeout = millis(c, ConsumersConfig.HTTP_REQUEST_TIMEOUT_MS);

      List<ConsumerRunner> pending = new ArrayList<>();
      for (String service : c.services()) {
        switch (service) {
          case "payments" -> {
            PaymentsService payments =
                PaymentsService.builder()
                    .dataSource(dataSource)
                    .outbox(outbox)
                    .schema(schema)
                    .gatewayUrl(c.get(ConsumersConfig.PAYMENTS_GATEWAY_URL))
                    .connectTimeout(connectTimeout)
                    .requestTimeout(requestTimeout)
                    .build();
            payments.migrate();
            pending.add(
                runner(
                        c,
                        dataSource,
                        deserializer,
                        ConsumersConfig.PAYMENTS_GROUP,
                        payments.handler())
                    .topics(c.topicFor(order), c.topicFor(fulfillment))
                    .build());
          }
          case "email" -> {
            EmailService email =
                track(
                    EmailService.builder()
                        .dataSource(dataSource)
                        .schema(schema)
                        .smtp(
                            c.get(ConsumersConfig.MAIL_SMTP_HOST),
                            c.getInt(ConsumersConfig.MAIL_SMTP_PORT))
                        .smtpAuth(c.getBoolean(ConsumersConfig.MAIL_SMTP_AUTH))
                        .imap(
                            c.get(ConsumersConfig.MAIL_IMAP_HOST),
                            c.getInt(ConsumersConfig.MAIL_IMAP_PORT))
                        .credentials(
                            c.get(ConsumersConfig.MAIL_USER), c.get(ConsumersConfig.MAIL_PASSWORD))
                        .from(
                            c.get(ConsumersConfig.MAIL_FROM).isEmpty()
                                ? null
                                : c.get(ConsumersConfig.MAIL_FROM))
                        .sentFolder(c.get(ConsumersConfig.MAIL_SENT_FOLDER))
                        .messageIdDomain(c.get(ConsumersConfig.MAIL_MESSAGE_ID_DOMAIN))
                        .timeout(millis(c, ConsumersConfig.MAIL_TIMEOUT_MS))
                        .build());
            email.migrate();
            pending.add(
                runner(c, dataSource, deserializer, ConsumersConfig.EMAIL_GROUP, email.handler())
                    .topics(c.topicFor(payment), c.topicFor(order))
                    .build());
          }
          case "fulfillment" -> {
            FulfillmentService fulfillmentService =
                FulfillmentService.builder()
                    .dataSource(dataSource)
                    .outbox(outbox)
                    .schema(schema)
                    .warehouseUrl(c.get(ConsumersConfig.FULFILLMENT_WAREHOUSE_URL))
                    .warehouseId(c.get(ConsumersConfig.FULFILLMENT_WAREHOUSE_ID))
                    .connectTimeout(connectTimeout)
                    .requestTimeout(requestTimeout)
                    .build();
            fulfillmentService.migrate();
            pending.add(
                runner(
                        c,
                        dataSource,
                        deserializer,
                        ConsumersConfig.FULFILLMENT_GROUP,
                        fulfillmentService.handler())
                    .topics(c.topicFor(order), c.topicFor(payment))
                    .build());
          }
          default -> throw new IllegalStateException("unvalidated service " + service);
        }
      }
      // Started only now that every migration has run.
      for (ConsumerRunner runner : pending) {
        runners.add(track(runner));
        runner.start();
        log.info("service started group={}", runner.groupId());
      }
      int port = c.getInt(ConsumersConfig.HTTP_PORT);
      if (port >= 0) {
        try {
          health =
              track(
                  HealthServer.start(
                      new InetSocketAddress(c.get(ConsumersConfig.HTTP_HOST), port),
                      runners,
                      registry));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(
              "cannot serve /health on " + c.get(ConsumersConfig.HTTP_HOST) + ":" + port, e);
        }
        log.info("http endpoints listening address={}", health.address());
      }
    }

    /** Builds the group's runner with the shared settings; topics are set by the caller. */
    private ConsumerRunner.Builder runner(
        ConsumersConfig c,
        HikariDataSource dataSource,
        AvroDeserializer deserializer,
        String groupKey,
        TwoPhaseEventHandler<?> handler) {
      ConsumerRunner.Builder builder =
          ConsumerRunner.builder()
              .bootstrapServers(c.get(ConsumersConfig.KAFKA_BOOTSTRAP_SERVERS))
              .groupId(c.get(groupKey))
              .dataSource(dataSource)
              .deserializer(deserializer)
              .handler(handler)
              .processedKeysSchema(c.get(ConsumersConfig.DB_SCHEMA))
              .processedKeysTable(c.get(ConsumersConfig.PROCESSED_KEYS_TABLE))
              .maxAttempts(c.getInt(ConsumersConfig.CONSUMER_MAX_ATTEMPTS))
              .initialBackoff(millis(c, ConsumersConfig.CONSUMER_INITIAL_BACKOFF_MS))
              .maxBackoff(millis(c, ConsumersConfig.CONSUMER_MAX_BACKOFF_MS))
              .pollTimeout(millis(c, ConsumersConfig.CONSUMER_POLL_TIMEOUT_MS))
              .shutdownTimeout(millis(c, ConsumersConfig.CONSUMER_SHUTDOWN_TIMEOUT_MS))
              .meterRegistry(registry);
      c.processedKeysRetention().ifPresent(builder::processedKeysRetention);
      c.withPrefix(ConsumersConfig.KAFKA_CONSUMER_PREFIX).forEach(builder::consumerProperty);
      return builder;
    }

    private static Duration millis(ConsumersConfig c, String key) {
      return Duration.ofMillis(c.getLong(key));
    }

    private <T extends AutoCloseable> T track(T resource) {
      resources.add(resource);
      return resource;
    }

    /** Whether every runner has joined its group and polled. */
    public boolean isReady() {
      return !runners.isEmpty() && runners.stream().allMatch(ConsumerRunner::isReady);
    }

    /** Whether every runner's poll thread is alive and polling. */
    public boolean isHealthy() {
      return !runners.isEmpty() && runners.stream().allMatch(ConsumerRunner::isHealthy);
    }

    /** The address of {@code /health}, {@code /ready} and {@code /metrics}, if served. */
    public Optional<InetSocketAddress> httpAddress() {
      return Optional.ofNullable(health).map(HealthServer::address);
    }

    /** The registry holding every runner's {@link dev.relaybox.consumers.ConsumerMetrics}. */
    public PrometheusMeterRegistry meterRegistry() {
      return registry;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
      closed.await();
    }

    /** Like {@link #awaitClosed()} with a timeout; false if it elapsed first. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
      return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the HTTP endpoints, then each runner (finishing and committing its batch in flight),
     * then the connections. Idempotent; never throws.
     */
    @Override
    public void close() {
      List<AutoCloseable> toClose;
      synchronized (resources) {
        toClose = new ArrayList<>(resources);
        resources.clear();
      }
      Collections.reverse(toClose);
      for (AutoCloseable resource : toClose) {
        try {
          resource.close();
        } catch (Exception e) {
          log.warn(
              "close failed resource={} error={}", resource.getClass().getName(), e.toString());
        }
      }
      closed.countDown();
    }
  }
}
