package dev.relaybox.consumers.host;

import dev.relaybox.config.Setting;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.saga.Sagas;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;

/**
 * What the {@link ServiceHost} gives a {@link ConsumerService} while it starts: the shared database
 * pool, settings, and runner builders prepared with the host's settings. Used on the starting
 * thread only.
 */
public interface ServiceContext {

  /** The service's name. */
  String serviceName();

  /**
   * The value of a setting: one of the service's own {@link ConsumerService#settings()} or of the
   * host's (e.g. {@link dev.relaybox.config.CommonSettings#SCHEMA_REGISTRY_URL}).
   *
   * @throws IllegalArgumentException for a setting that is neither
   */
  <T> T get(Setting<T> setting);

  /**
   * The host's connection pool (HikariCP, {@code pg.pool.size}): the processed keys live here, so
   * the service's effect tables must too. Borrow connections only for short work.
   */
  DataSource dataSource();

  /** The schema of the service tables, processed keys and outbox ({@code db.schema}). */
  String schema();

  /**
   * The outbox table a service publishes its follow-up events to, in {@link #schema()} ({@code
   * outbox.table}), so they reach Kafka through the relay like any other event.
   */
  String outboxTable();

  /** The topic of {@code aggregateType} under the host's {@code topic.pattern}. */
  String topicFor(String aggregateType);

  /** The host's meter registry, served on {@code /metrics}. */
  MeterRegistry meterRegistry();

  /**
   * A runner builder with the host's settings: Kafka, the data source, the processed-keys table,
   * retries and backoff, an Avro deserializer on the registry (specific records), the meter
   * registry and consumer properties; its group is {@code <name>.group} (default the service name).
   * Set its topics and handler, then pass it to {@link #run}.
   */
  ConsumerRunner.Builder runner();

  /**
   * A saga builder with the host's settings: the data source, the processed-keys table (the saga
   * table is {@code <table>_sagas}), attempts and backoff, {@code saga.poll.interval.ms}, {@code
   * saga.stuck.after.ms} and the meter registry. Add the outbox and the definitions, build, {@code
   * start()} it and pass it to {@link #closeOnStop}; use its {@code replyHandler} in a runner.
   */
  Sagas.Builder sagas();

  /**
   * Builds the runner and has the host start it once every service has started (and stop it first
   * when the host stops).
   *
   * @throws IllegalArgumentException when the runner's configuration is invalid
   */
  void run(ConsumerRunner.Builder runner);

  /** Closes {@code resource} when the host stops, after the runners; returns it. */
  <T extends AutoCloseable> T closeOnStop(T resource);
}
