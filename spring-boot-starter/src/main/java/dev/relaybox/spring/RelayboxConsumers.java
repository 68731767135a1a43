package dev.relaybox.spring;

import dev.relaybox.consumers.ConsumerMetrics;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.serde.AvroDeserializer;
import dev.relaybox.schemas.serde.SerdeConfig;
import dev.relaybox.spring.internal.GroupActivity;
import dev.relaybox.spring.internal.Handlers;
import dev.relaybox.spring.internal.ListenerEndpoint;
import dev.relaybox.spring.internal.ListenerRegistrar;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs every {@link RelayboxListener} as a {@link ConsumerRunner} with Spring's lifecycle: started
 * after the singletons are ready (each runner migrates its processed-keys table, then polls),
 * stopped gracefully before they are destroyed (each runner finishes its batch in flight, commits
 * and leaves its group). Meters go to the application's {@link MeterRegistry}. {@link #status()}
 * feeds the Actuator health indicators. Thread-safe.
 */
public final class RelayboxConsumers implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RelayboxConsumers.class);

  /**
   * How one listener's group is doing.
   *
   * @param problem why the group is down, or empty when it is up
   */
  public record GroupStatus(
      String group,
      List<String> topics,
      boolean healthy,
      boolean ready,
      double lag,
      Optional<String> problem) {

    /** Whether the group polls and nothing stalls. */
    public boolean up() {
      return problem.isEmpty();
    }
  }

  private final ListenerRegistrar registrar;
  private final RelayboxProperties properties;
  private final DataSource dataSource;
  private final Supplier<SchemaRegistryClient> registryClient;
  private final MeterRegistry meterRegistry;
  private final List<Group> groups = new ArrayList<>();
  private volatile boolean running;

  RelayboxConsumers(
      ListenerRegistrar registrar,
      RelayboxProperties properties,
      DataSource dataSource,
      Supplier<SchemaRegistryClient> registryClient,
      MeterRegistry meterRegistry) {
    this.registrar = registrar;
    this.properties = properties;
    this.dataSource = dataSource;
    this.registryClient = registryClient;
    this.meterRegistry = meterRegistry;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    List<ListenerEndpoint> endpoints = registrar.endpoints();
    if (!endpoints.isEmpty()) {
      AvroDeserializer deserializer =
          new AvroDeserializer(
              registryClient.get(),
              SerdeConfig.builder()
                  .specificAvroReader(properties.getConsumer().isSpecificAvroReader())
                  .build());
      try {
        for (ListenerEndpoint endpoint : endpoints) {
          GroupActivity activity = new GroupActivity();
          ConsumerRunner runner = build(endpoint, activity, deserializer).start();
          groups.add(new Group(endpoint, runner, activity));
          log.info(
              "Relaybox listener started group={} topics={} source=\"{}\"",
              endpoint.group(),
              endpoint.topics(),
              endpoint.source());
        }
      } catch (RuntimeException e) {
        stop();
        throw e;
      }
    }
    running = true;
  }

  private ConsumerRunner build(
      ListenerEndpoint endpoint, GroupActivity activity, AvroDeserializer deserializer) {
    RelayboxProperties.Consumer c = properties.getConsumer();
    String bootstrap = properties.getKafka().getBootstrapServers();
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalStateException(
          "relaybox.kafka.bootstrap-servers is required to run " + endpoint.source());
    }
    ConsumerRunner.Builder b =
        ConsumerRunner.builder()
            .bootstrapServers(bootstrap)
            .groupId(endpoint.group())
            .topics(endpoint.topics().toArray(String[]::new))
            .dataSource(dataSource)
            .deserializer(deserializer)
            .maxInFlight(endpoint.maxInFlight())
            .meterRegistry(meterRegistry);
    if (endpoint.eventHandler() != null) {
      b.handler(Handlers.event(endpoint.eventHandler(), activity, dataSource));
    } else {
      b.handler(Handlers.twoPhase(endpoint.twoPhaseHandler(), activity, dataSource));
    }
    ifSet(c.getProcessedKeysSchema(), b::processedKeysSchema);
    ifSet(c.getProcessedKeysTable(), b::processedKeysTable);
    ifSet(c.getMaxAttempts(), b::maxAttempts);
    ifSet(c.getInitialBackoff(), b::initialBackoff);
    ifSet(c.getMaxBackoff(), b::maxBackoff);
    ifSet(c.getPollTimeout(), b::pollTimeout);
    ifSet(c.getShutdownTimeout(), b::shutdownTimeout);
    c.getProperties().forEach(b::consumerProperty);
    try {
      return b.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalStateException(
          "relaybox.consumer.* for " + endpoint.source() + ": " + e.getMessage(), e);
    }
  }

  private static <T> void ifSet(T value, java.util.function.Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /** Stops every runner: each finishes its batch in flight, commits and leaves its group. */
  @Override
  public synchronized void stop() {
    for (Group group : groups) {
      try {
        group.runner.close();
        log.info("Relaybox listener stopped group={}", group.endpoint.group());
      } catch (RuntimeException e) {
        log.warn("Relaybox listener did not stop cleanly group={}", group.endpoint.group(), e);
      }
    }
    groups.clear();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public boolean isAutoStartup() {
    return properties.getConsumer().isAutoStartup();
  }

  /** The status of each listener's group; empty before start and after stop. */
  public synchronized List<GroupStatus> status() {
    return groups.stream().map(Group::status).toList();
  }

  /** One running listener and what its health is computed from. */
  private final class Group {
    final ListenerEndpoint endpoint;
    final ConsumerRunner runner;
    final GroupActivity activity;
    private double settled = -1;
    private long settledChangedNanos = System.nanoTime();

    Group(ListenerEndpoint endpoint, ConsumerRunner runner, GroupActivity activity) {
      this.endpoint = endpoint;
      this.runner = runner;
      this.activity = activity;
    }

    GroupStatus status() {
      long now = System.nanoTime();
      Duration stallTimeout = properties.getConsumer().getStallTimeout();
      double lag = gauge(ConsumerMetrics.LAG);
      double settledNow =
          counted(ConsumerMetrics.PROCESSED)
              + counted(ConsumerMetrics.DUPLICATES)
              + counted(ConsumerMetrics.DEAD_LETTERED);
      if (settledNow != settled) {
        settled = settledNow;
        settledChangedNanos = now;
      }
      long lastProgress = Math.max(settledChangedNanos, activity.lastFinishedNanos());
      String problem = null;
      Optional<GroupActivity.Call> oldest = activity.oldestCall();
      if (!runner.isHealthy()) {
        problem =
            "the consumer is not polling: it was stopped, failed, or a batch has run longer than"
                + " max.poll.interval.ms";
      } else if (oldest.isPresent()
          && now - oldest.get().startedNanos() >= stallTimeout.toNanos()) {
        problem =
            "the handler call for "
                + oldest.get().event()
                + " has run for "
                + seconds(now - oldest.get().startedNanos())
                + " s (relaybox.consumer.stall-timeout="
                + stallTimeout
                + ")";
      } else if (lag > 0 && now - lastProgress >= stallTimeout.toNanos()) {
        problem =
            (long) lag
                + " record(s) wait and none was settled for "
                + seconds(now - lastProgress)
                + " s (relaybox.consumer.stall-timeout="
                + stallTimeout
                + ")";
      }
      return new GroupStatus(
          endpoint.group(),
          endpoint.topics(),
          runner.isHealthy(),
          runner.isReady(),
          lag,
          Optional.ofNullable(problem));
    }

    private double gauge(String name) {
      Gauge gauge = meterRegistry.find(name).tag("group", endpoint.group()).gauge();
      double value = gauge == null ? 0 : gauge.value();
      return Double.isNaN(value) ? 0 : value;
    }

    private double counted(String name) {
      return meterRegistry.find(name).tag("group", endpoint.group()).counters().stream()
          .mapToDouble(Counter::count)
          .sum();
    }

    private static long seconds(long nanos) {
      return Duration.ofNanos(nanos).toSeconds();
    }
  }
}
