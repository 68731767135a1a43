package dev.relaybox.consumers.host;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.DependencyWait;
import dev.relaybox.config.ServiceMeters;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.HealthServer;
import dev.relaybox.consumers.host.internal.DefaultServiceContext;
import dev.relaybox.consumers.host.internal.HostSettings;
import dev.relaybox.consumers.host.internal.StartSteps;
import dev.relaybox.consumers.internal.JdkHealthServer;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>{@link #start} calls every service's {@link ConsumerService#start} first (migrations, clients;
 * the services in parallel, so a service's {@code start} must not depend on another's), then starts
 * every runner (in parallel too), and logs each phase's milliseconds ({@code consumers started ...
 * jvmMs dbWaitMs poolMs servicesMs runnersMs}); {@link #close()} stops the HTTP endpoints, then
 * each runner (finishing and committing its work in flight), then the resources, then the pool.
 * Thread-safe.
 */
public final class ServiceHost implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServiceHost.class);

  private final HostConfig config;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<ConsumerRunner> runners = new CopyOnWriteArrayList<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DependencyWait wait;
  private volatile HealthServer health;
  private volatile Thread starter;
  private volatile boolean closing;
  private volatile RuntimeException failure;
  private volatile boolean runnersStarted;

  private ServiceHost(HostConfig config) {
    this.config = config;
    this.wait = new DependencyWait(config, log);
  }

  /**
   * Starts the enabled services, their runners and the HTTP endpoints; returns once every runner is
   * started (not necessarily joined to its group: see {@link #isReady()}). While Postgres cannot be
   * reached it waits (see {@link #launch}).
   *
   * @throws RuntimeException when a service cannot start, Postgres refuses the connection for a
   *     reason waiting cannot fix, the HTTP port cannot be bound, or the host is closed while
   *     starting; whatever was started is closed again
   */
  public static ServiceHost start(HostConfig config) {
    ServiceHost host = launch(config);
    try {
      host.started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      host.close();
      throw new IllegalStateException("interrupted while starting the consumer services", e);
    }
    if (host.failure != null) {
      throw host.failure;
    }
    if (host.closing) {
      throw new IllegalStateException("the service host was closed while starting");
    }
    return host;
  }

  /**
   * Serves {@code /health}, {@code /ready} and {@code /metrics} at once and starts the services in
   * the background: while Postgres cannot be reached (refused, starting up, too many connections)
   * the host waits with the startup backoff ({@code startup.backoff.*}), logging what it waits for
   * every few seconds, {@code /health} answering 200 and {@code /ready} 503 with the reason. Any
   * other start failure closes the host: {@link #awaitClosed()} returns and {@link #failure()} says
   * why. {@link #close()} (e.g. on SIGTERM) ends the wait.
   *
   * @throws RuntimeException if the HTTP port cannot be bound
   */
  public static ServiceHost launch(HostConfig config) {
    Objects.requireNonNull(config, "config must not be null");
    ServiceHost host = new ServiceHost(config);
    try {
      host.serveHttp();
    } catch (RuntimeException e) {
      host.close();
      throw e;
    }
    Thread thread = new Thread(host::startInBackground, "relaybox-consumers-start");
    host.starter = thread;
    thread.start();
    return host;
  }

  private void serveHttp() {
    int port = config.get(HostSettings.HTTP_PORT);
    if (port < 0) {
      return;
    }
    String host = config.get(CommonSettings.HTTP_HOST);
    try {
      health =
          track(
              JdkHealthServer.start(
                  new InetSocketAddress(host, port),
                  this::healthReport,
                  this::readyReport,
                  registry));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve /health on " + host + ":" + port, e);
    }
    log.info("http endpoints listening address={}", health.address());
  }

  private void startInBackground() {
    try {
      long launched = System.nanoTime();
      awaitPostgres();
      startAll(launched);
    } catch (RuntimeException e) {
      if (!closing) {
        failure = e;
        log.error("consumer services failed to start: {}", e.toString(), e);
      }
    } catch (InterruptedException e) {
      // close() ends the wait.
    } finally {
      started.countDown();
    }
    if (failure != null) {
      close();
    }
  }

  /** Waits until Postgres accepts a connection, or fails for what waiting cannot fix. */
  private void awaitPostgres() throws InterruptedException {
    Properties props = new Properties();
    props.setProperty("user", config.get(CommonSettings.PG_USER));
    props.setProperty("password", Objects.toString(config.get(CommonSettings.PG_PASSWORD), ""));
    props.setProperty("connectTimeout", "10");
    while (!closing) {
      try (Connection c = DriverManager.getConnection(CommonSettings.jdbcUrl(config), props)) {
        wait.reached();
        return;
      } catch (SQLException e) {
        if (!DependencyWait.isUnavailable(e)) {
          throw new IllegalStateException(
              "cannot use " + DependencyWait.postgres(config) + ": " + e.getMessage(), e);
        }
        Thread.sleep(wait.failed(DependencyWait.postgres(config), e).toMillis());
      }
    }
    throw new InterruptedException("closed while waiting for Postgres");
  }

  /**
   * Prepares the services in parallel, then starts their runners in parallel; logs each phase's ms
   * ({@code jvmMs}: JVM start to the launch; {@code dbWaitMs}: waiting for Postgres).
   */
  private void startAll(long launched) throws InterruptedException {
    HostConfig c = config;
    long begun = System.nanoTime();
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
    long pooled = System.nanoTime();
    // A Flyway migration holds two connections: never run more at once than the pool serves.
    int parallelism = Math.max(1, HostSettings.poolSize(c) / 2);
    List<ConsumerRunner> pending = new ArrayList<>();
    StartSteps.run("prepare", parallelism, c.services(), s -> prepare(s, dataSource, deserializer))
        .forEach(pending::addAll);
    if (pending.isEmpty()) {
      throw new IllegalStateException(
          "the enabled services " + names(c) + " registered no runner: nothing to consume");
    }
    long prepared = System.nanoTime();
    // Started only now that every service has migrated its tables.
    pending.forEach(this::track);
    runners.addAll(StartSteps.run("start runner", parallelism, pending, this::startRunner));
    runnersStarted = true;
    long done = System.nanoTime();
    log.info(
        "consumers started services={} runners={} jvmMs={} dbWaitMs={} poolMs={} servicesMs={}"
            + " runnersMs={} totalMs={}",
        names(c),
        runners.size(),
        ManagementFactory.getRuntimeMXBean().getUptime() - StartSteps.millis(launched, done),
        StartSteps.millis(launched, begun),
        StartSteps.millis(begun, pooled),
        StartSteps.millis(pooled, prepared),
        StartSteps.millis(prepared, done),
        ManagementFactory.getRuntimeMXBean().getUptime());
  }

  private List<ConsumerRunner> prepare(
      ConsumerService service, HikariDataSource dataSource, AvroDeserializer deserializer) {
    long begun = System.nanoTime();
    List<ConsumerRunner> prepared = new ArrayList<>();
    try {
      service.start(
          new DefaultServiceContext(
              service, config, dataSource, deserializer, registry, prepared, this::track));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "consumer service " + service.name() + " failed to start: " + e, e);
    }
    log.info(
        "service prepared service={} ms={}",
        service.name(),
        StartSteps.millis(begun, System.nanoTime()));
    return prepared;
  }

  private ConsumerRunner startRunner(ConsumerRunner runner) {
    long begun = System.nanoTime();
    runner.start();
    log.info(
        "runner started group={} ms={}",
        runner.groupId(),
        StartSteps.millis(begun, System.nanoTime()));
    return runner;
  }

  private JdkHealthServer.Report healthReport() {
    if (failure != null) {
      return new JdkHealthServer.Report(false, "DOWN (failed to start: " + failure + ")\n");
    }
    if (!runnersStarted) {
      return new JdkHealthServer.Report(true, "UP (" + wait.reason() + ")\n");
    }
    return JdkHealthServer.health(runners);
  }

  private JdkHealthServer.Report readyReport() {
    if (failure != null || !runnersStarted) {
      return new JdkHealthServer.Report(
          false,
          "NOT_READY ("
              + (failure != null ? "failed to start: " + failure : wait.reason())
              + ")\n");
    }
    return JdkHealthServer.readiness(runners);
  }

  private static List<String> names(HostConfig c) {
    return c.services().stream().map(ConsumerService::name).toList();
  }

  /** Registers {@code resource} to be closed with the host; closes it at once if the host is. */
  private <T extends AutoCloseable> T track(T resource) {
    synchronized (resources) {
      if (!closing) {
        resources.add(resource);
        return resource;
      }
    }
    try {
      resource.close();
    } catch (Exception e) {
      log.warn("close failed resource={} error={}", resource.getClass().getName(), e.toString());
    }
    throw new IllegalStateException("the service host was closed while starting");
  }

  /** Whether every runner is started and {@link ConsumerRunner#isReady() ready}. */
  public boolean isReady() {
    return readyReport().ok();
  }

  /**
   * Whether the host is starting (also while it waits for Postgres) or every runner is alive and
   * polling; false once the start failed.
   */
  public boolean isHealthy() {
    return healthReport().ok();
  }

  /** Why the services could not start (the host then closed itself), if they could not. */
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /** The runners started so far, in start order. */
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
    closing = true;
    Thread thread = starter;
    if (thread != null && thread != Thread.currentThread()) {
      // Ends a wait for Postgres; a service start in progress finishes and is closed below.
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
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
