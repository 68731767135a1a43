package dev.relaybox.spring;

import dev.relaybox.outbox.Outbox;
import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.spring.internal.ListenerRegistrar;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures Relaybox on the application's DataSource: an {@link Outbox} and a {@link
 * TransactionalOutbox} that joins Spring transactions, a {@link SchemaRegistryClient}, and {@link
 * RelayboxConsumers}, which runs every {@link RelayboxListener} with the context's lifecycle
 * ({@link RelayboxHealthAutoConfiguration} adds the health indicators). Each bean backs off when
 * the application defines its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@EnableConfigurationProperties(RelayboxProperties.class)
public class RelayboxAutoConfiguration {

  /** Finds the listeners as beans are created; static, as a post-processor must be. */
  @Bean
  static ListenerRegistrar relayboxListenerRegistrar() {
    return new ListenerRegistrar();
  }

  @Bean
  @ConditionalOnMissingBean
  SchemaRegistryClient relayboxSchemaRegistryClient(RelayboxProperties properties) {
    return SchemaRegistryClient.builder()
        .urls(registryUrl(properties, "the registry client"))
        .build();
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnProperty(
      prefix = "relaybox.outbox",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  Outbox relayboxOutbox(RelayboxProperties properties, DataSource dataSource) {
    RelayboxProperties.Outbox p = properties.getOutbox();
    Outbox.Builder b =
        Outbox.builder()
            .schemaRegistryUrl(registryUrl(properties, "the outbox"))
            .autoRegisterSchemas(p.isAutoRegisterSchemas())
            .cleanupMode(p.getCleanupMode());
    if (p.getSchema() != null) {
      b.schema(p.getSchema());
    }
    if (p.getTable() != null) {
      b.table(p.getTable());
    }
    if (p.getMaxEventBytes() != null) {
      b.maxEventBytes(p.getMaxEventBytes());
    }
    if (p.getTopicPattern() != null) {
      b.topicPattern(p.getTopicPattern());
    }
    Outbox outbox;
    try {
      outbox = b.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalStateException("relaybox.outbox.*: " + e.getMessage(), e);
    }
    if (p.isMigrate()) {
      try {
        outbox.migrate(dataSource);
      } catch (RuntimeException e) {
        outbox.close();
        throw e;
      }
    }
    return outbox;
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(Outbox.class)
  TransactionalOutbox relayboxTransactionalOutbox(Outbox outbox, DataSource dataSource) {
    return new TransactionalOutbox(outbox, dataSource);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(DataSource.class)
  RelayboxConsumers relayboxConsumers(
      ListenerRegistrar registrar,
      RelayboxProperties properties,
      DataSource dataSource,
      ObjectProvider<SchemaRegistryClient> registryClient,
      ObjectProvider<MeterRegistry> meterRegistry) {
    return new RelayboxConsumers(
        registrar,
        properties,
        dataSource,
        registryClient::getObject,
        meterRegistry.getIfUnique(SimpleMeterRegistry::new));
  }

  private static String registryUrl(RelayboxProperties properties, String user) {
    String url = properties.getSchemaRegistry().getUrl();
    if (url == null || url.isBlank()) {
      throw new IllegalStateException(
          "relaybox.schema-registry.url is required by "
              + user
              + ": set it to your schema registry, e.g. http://registry:8081");
    }
    return url;
  }
}
