package dev.relaybox.consumers.host.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.Setting;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.HostConfig;
import dev.relaybox.consumers.host.ServiceContext;
import dev.relaybox.consumers.saga.Sagas;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;

/** The context one service starts with; the host collects its runners and resources. */
public final class DefaultServiceContext implements ServiceContext {

  private final ConsumerService service;
  private final HostConfig config;
  private final DataSource dataSource;
  private final Deserializer<?> deserializer;
  private final MeterRegistry meterRegistry;
  private final List<ConsumerRunner> runners;
  private final Function<AutoCloseable, AutoCloseable> track;

  /**
   * @param runners where built runners go; the host starts them after every service started
   * @param track registers a resource to close when the host stops
   */
  public DefaultServiceContext(
      ConsumerService service,
      HostConfig config,
      DataSource dataSource,
      Deserializer<?> deserializer,
      MeterRegistry meterRegistry,
      List<ConsumerRunner> runners,
      Function<AutoCloseable, AutoCloseable> track) {
    this.service = service;
    this.config = config;
    this.dataSource = dataSource;
    this.deserializer = deserializer;
    this.meterRegistry = meterRegistry;
    this.runners = runners;
    this.track = track;
  }

  @Override
  public String serviceName() {
    return service.name();
  }

  @Override
  public <T> T get(Setting<T> setting) {
    return config.get(setting);
  }

  @Override
  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public String schema() {
    return config.get(HostSettings.DB_SCHEMA);
  }

  @Override
  public String outboxTable() {
    return config.get(CommonSettings.OUTBOX_TABLE);
  }

  @Override
  public String topicFor(String aggregateType) {
    return config.get(CommonSettings.TOPIC_PATTERN).topicFor(aggregateType);
  }

  @Override
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  @Override
  public ConsumerRunner.Builder runner() {
    ConsumerRunner.Builder builder =
        ConsumerRunner.builder()
            .bootstrapServers(config.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS))
            .groupId(config.get(HostSettings.group(service)))
            .dataSource(dataSource)
            .deserializer(deserializer)
            .processedKeysSchema(schema())
            .processedKeysTable(config.get(HostSettings.PROCESSED_KEYS_TABLE))
            .maxAttempts(config.get(HostSettings.MAX_ATTEMPTS))
            .initialBackoff(config.get(HostSettings.INITIAL_BACKOFF))
            .maxBackoff(config.get(HostSettings.MAX_BACKOFF))
            .maxInFlight(config.get(HostSettings.MAX_IN_FLIGHT))
            .deadKeyPolicy(HostSettings.deadKeyPolicy(config))
            .maxParkedKeys(config.get(HostSettings.MAX_PARKED_KEYS))
            .maxParkedEvents(config.get(HostSettings.MAX_PARKED_EVENTS))
            .pollTimeout(config.get(HostSettings.POLL_TIMEOUT))
            .readyStallTimeout(config.get(HostSettings.READY_STALL_TIMEOUT))
            .shutdownTimeout(config.get(HostSettings.SHUTDOWN_TIMEOUT))
            .meterRegistry(meterRegistry);
    Duration retention = config.get(HostSettings.PROCESSED_KEYS_RETENTION);
    if (retention != null) {
      builder.processedKeysRetention(retention);
    }
    HostSettings.groupInstanceId(config, service)
        .ifPresent(id -> builder.consumerProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
    config.withPrefix(HostSettings.KAFKA_CONSUMER_PREFIX).forEach(builder::consumerProperty);
    return builder;
  }

  @Override
  public Sagas.Builder sagas() {
    return Sagas.builder()
        .dataSource(dataSource)
        .processedKeysTable(schema(), config.get(HostSettings.PROCESSED_KEYS_TABLE))
        .maxAttempts(config.get(HostSettings.MAX_ATTEMPTS))
        .backoff(config.get(HostSettings.INITIAL_BACKOFF), config.get(HostSettings.MAX_BACKOFF))
        .pollInterval(config.get(HostSettings.SAGA_POLL_INTERVAL))
        .stuckAfter(config.get(HostSettings.SAGA_STUCK_AFTER))
        .meterRegistry(meterRegistry);
  }

  @Override
  public void run(ConsumerRunner.Builder runner) {
    runners.add(runner.build());
  }

  @Override
  @SuppressWarnings("unchecked") // track returns its argument
  public <T extends AutoCloseable> T closeOnStop(T resource) {
    return (T) track.apply(resource);
  }
}
