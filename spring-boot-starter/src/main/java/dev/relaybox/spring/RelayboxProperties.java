package dev.relaybox.spring;

import dev.relaybox.outbox.CleanupMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code relaybox.*} properties. An unset property keeps the default of the plain API it
 * configures ({@code Outbox.Builder}, {@code ConsumerRunner.Builder}), which its description names.
 * IDEs complete and document them from {@code META-INF/spring-configuration-metadata.json}.
 */
@ConfigurationProperties(prefix = "relaybox")
public class RelayboxProperties {

  private final SchemaRegistry schemaRegistry = new SchemaRegistry();
  private final Kafka kafka = new Kafka();
  private final Outbox outbox = new Outbox();
  private final Consumer consumer = new Consumer();

  public SchemaRegistry getSchemaRegistry() {
    return schemaRegistry;
  }

  public Kafka getKafka() {
    return kafka;
  }

  public Outbox getOutbox() {
    return outbox;
  }

  public Consumer getConsumer() {
    return consumer;
  }

  /** The schema registry the outbox serializes with and the listeners decode with. */
  public static class SchemaRegistry {
    /**
     * Comma-separated Confluent-compatible schema registry URLs, tried in order; user info in a URL
     * is sent as basic authentication. Required.
     */
    private String url;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }
  }

  /** The Kafka cluster the listeners consume from. */
  public static class Kafka {
    /** Kafka bootstrap servers, host:port[,host:port...]. Required when a listener exists. */
    private String bootstrapServers;

    public String getBootstrapServers() {
      return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }
  }

  /** The outbox on the application's DataSource. */
  public static class Outbox {
    /** Whether to auto-configure the Outbox and TransactionalOutbox beans. */
    private boolean enabled = true;

    /** Whether to create or upgrade the outbox table at startup (Outbox.migrate). */
    private boolean migrate = true;

    /** Schema of the outbox table; unset: public. */
    private String schema;

    /** Name of the outbox table; unset: outbox. */
    private String table;

    /** DELETE_AFTER_INSERT (the row is deleted in the same transaction) or RETAIN. */
    private CleanupMode cleanupMode = CleanupMode.DELETE_AFTER_INSERT;

    /** Largest serialized payload plus headers accepted; unset: 1 MiB minus 16 KiB. */
    private Integer maxEventBytes;

    /**
     * Topic name pattern, ${aggregatetype} standing for the aggregate type; must match the relay's
     * topic.pattern. Unset: outbox.event.${aggregatetype}.
     */
    private String topicPattern;

    /** Whether unknown payload schemas are registered, or only looked up. */
    private boolean autoRegisterSchemas = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isMigrate() {
      return migrate;
    }

    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }

    public String getSchema() {
      return schema;
    }

    public void setSchema(String schema) {
      this.schema = schema;
    }

    public String getTable() {
      return table;
    }

    public void setTable(String table) {
      this.table = table;
    }

    public CleanupMode getCleanupMode() {
      return cleanupMode;
    }

    public void setCleanupMode(CleanupMode cleanupMode) {
      this.cleanupMode = cleanupMode;
    }

    public Integer getMaxEventBytes() {
      return maxEventBytes;
    }

    public void setMaxEventBytes(Integer maxEventBytes) {
      this.maxEventBytes = maxEventBytes;
    }

    public String getTopicPattern() {
      return topicPattern;
    }

    public void setTopicPattern(String topicPattern) {
      this.topicPattern = topicPattern;
    }

    public boolean isAutoRegisterSchemas() {
      return autoRegisterSchemas;
    }

    public void setAutoRegisterSchemas(boolean autoRegisterSchemas) {
      this.autoRegisterSchemas = autoRegisterSchemas;
    }
  }

  /** Settings shared by every @RelayboxListener's consumer runner. */
  public static class Consumer {
    /** Whether the listeners start with the application context (SmartLifecycle auto-startup). */
    private boolean autoStartup = true;

    /** Schema of the processed-keys table; unset: public. */
    private String processedKeysSchema;

    /** Name of the processed-keys table, shared by the groups; unset: processed_keys. */
    private String processedKeysTable;

    /** Attempts per event for transient failures, the first included; unset: 5. */
    private Integer maxAttempts;

    /** Backoff before the second attempt, doubled up to max-backoff; unset: 200ms. */
    private Duration initialBackoff;

    /** Upper bound of one backoff; unset: 30s. */
    private Duration maxBackoff;

    /** Longest a poll waits for records; unset: 500ms. */
    private Duration pollTimeout;

    /** How long stopping waits for the batch in flight of each listener; unset: 30s. */
    private Duration shutdownTimeout;

    /**
     * The health indicator reports a group DOWN when one handler call has been running this long,
     * or when records wait and nothing was settled for this long.
     */
    private Duration stallTimeout = Duration.ofSeconds(60);

    /** Decode payloads into the generated SpecificRecord classes (false: GenericRecord). */
    private boolean specificAvroReader = true;

    /**
     * Kafka consumer properties for every listener, e.g. max.poll.records; group.id,
     * bootstrap.servers, enable.auto.commit and the deserializers are the framework's.
     */
    private Map<String, String> properties = new LinkedHashMap<>();

    public boolean isAutoStartup() {
      return autoStartup;
    }

    public void setAutoStartup(boolean autoStartup) {
      this.autoStartup = autoStartup;
    }

    public String getProcessedKeysSchema() {
      return processedKeysSchema;
    }

    public void setProcessedKeysSchema(String processedKeysSchema) {
      this.processedKeysSchema = processedKeysSchema;
    }

    public String getProcessedKeysTable() {
      return processedKeysTable;
    }

    public void setProcessedKeysTable(String processedKeysTable) {
      this.processedKeysTable = processedKeysTable;
    }

    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    public Duration getPollTimeout() {
      return pollTimeout;
    }

    public void setPollTimeout(Duration pollTimeout) {
      this.pollTimeout = pollTimeout;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }

    public Duration getStallTimeout() {
      return stallTimeout;
    }

    public void setStallTimeout(Duration stallTimeout) {
      this.stallTimeout = stallTimeout;
    }

    public boolean isSpecificAvroReader() {
      return specificAvroReader;
    }

    public void setSpecificAvroReader(boolean specificAvroReader) {
      this.specificAvroReader = specificAvroReader;
    }

    public Map<String, String> getProperties() {
      return properties;
    }

    public void setProperties(Map<String, String> properties) {
      this.properties = properties;
    }
  }
}
