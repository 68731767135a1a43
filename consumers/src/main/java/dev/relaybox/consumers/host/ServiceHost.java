package dev.relaybox.consumers.host;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.ServiceMeters;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.HealthServer;
import dev.relaybox.consumers.host.internal.DefaultServiceContext;
import dev.relaybox.consumers.host.internal.HostSettings;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs consumer services in one process: the {@link ConsumerService}s a {@link HostConfig} enables,
 * each with its {@link ConsumerRunner}s, on one shared connection pool and meter registry, with
 * {@code /health}, {@code /ready} and {@code /metrics}. The {@code relaybox consumers} command runs
 * one from a properties file; embedded:
 *
 * <pre>{@code
 * try (ServiceHost host = ServiceHost.start(HostConfig.fromFile(path).build())) {
 *   host.awaitClosed();
 * }
 * }</pre>
 *
 * <p>{@link #start} calls every service's {@link ConsumerService#start} first (migrations,
 * clients), then starts every runner; {@link #close()} stops the HTTP endpoints, then each runner
 * (finishing and committing its work in flight), then the resources, then the pool. Thread-safe.
 */
public final class ServiceHost implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServiceHost.class);

  private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());
  private final List<ConsumerRunner> runners = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private HealthServer health;

  private ServiceHost() {}

  /**
   * Starts the enabled services, their runners and the HTTP endpoints; returns once every runner is
   * started (not necessarily joined to its group: see {@link #isReady()}).
   *
   * @throws RuntimeException when a service cannot start, a dependency is unreachable at start or
   *     the HTTP port cannot be bound; whatever was started is closed again
   */
  public static ServiceHost start(HostConfig config) {
    Objects.requireNonNull(config, "config must not be null");
    ServiceHost host = new ServiceHost();
    try {
      host.startAll(config);
      return host;
    } catch (RuntimeException e) {
      host.close();
      throw e;
    }
  }

  private void startAll(HostConfig c) {
    track(ServiceMeters.bindJvm(registry));
    HikariConfig poolConfig = new HikariConfig();
    poolConfig.setPoolName("relaybox-consumers");
    poolConfig.setJdbcUrl(CommonSettings.jdbcUrl(c));
    poolConfig.setUsername(c.get(CommonSettings.PG_USER));
    poolConfig.setPassword(c.get(CommonSettings.PG_PASSWORD));
    poolConfig.setMaximumPoolSize(HostSettings.poolSize(c));
    // Connections open on demand: a large pool for many workers costs nothing while idle.
    poolConfig.setMinimumIdle(2);
    poolConfig.setMetricRegistry(registry); // hikaricp_connections_* tagged pool
    HikariDataSource dataSource = track(new HikariDataSource(poolConfig));
    AvroDeserializer deserializer = track(new AvroDeserializer());
    deserializer.configure(
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL,
            c.get(CommonSettings.SCHEMA_REGISTRY_URL),
            SerdeConfig.SPECIFIC_AVRO_READER,
            "true"),
        false);
    List<ConsumerRunner> pending = new ArrayList<>();
    for (ConsumerService service : c.services()) {
      try {
        service.start(
            new DefaultServiceContext(
                service, c, dataSource, deserializer, registry, pending, this::track));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(
            "consumer service " + service.name() + " failed to start: " + e, e);
      }
      log.info("service prepared service={}", service.name());
    }
    if (pending.isEmpty()) {
      throw new IllegalStateException(
          "the enabled services " + names(c) + " registered no runner: nothing to consume");
    }
    // Started only now that every service has migrated its tables.
    for (ConsumerRunner runner : pending) {
      runners.add(track(runner));
      runner.start();
      log.info("runner started group={}", runner.groupId());
    }
    int port = c.get(HostSettings.HTTP_PORT);
    if (port >= 0) {
      String host = c.get(CommonSettings.HTTP_HOST);
      try {
        health = track(HealthServer.start(new InetSocketAddress(host, port), runners, registry));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serve /health on " + host + ":" + port, e);
      }
      log.info("http endpoints listening address={}", health.address());
    }
  }

  private static List<String> names(HostConfig c) {
    return c.services().stream().map(ConsumerService::name).toList();
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Whether every runner has joined its group and polled. */
  public boolean isReady() {
    return !runners.isEmpty() && runners.stream().allMatch(ConsumerRunner::isReady);
  }

  /** Whether every runner is alive and polling. */
  public boolean isHealthy() {
    return !runners.isEmpty() && runners.stream().allMatch(ConsumerRunner::isHealthy);
  }

  /** The runners, in start order. */
  public List<ConsumerRunner> runners() {
    return List.copyOf(runners);
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
   * Stops the HTTP endpoints, then each runner (finishing and committing its work in flight), then
   * the services' resources and the pool. Idempotent; never throws.
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
        log.warn("close failed resource={} error={}", resource.getClass().getName(), e.toString());
      }
    }
    closed.countDown();
  }
}
