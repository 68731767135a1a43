package dev.relaybox.schemas.serde.internal;

import dev.relaybox.schemas.registry.SchemaRegistryClient;
import dev.relaybox.schemas.serde.SerdeConfig;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** Builds a {@link SchemaRegistryClient} from a Kafka client config with Confluent's keys. */
public final class RegistryClients {

  private RegistryClients() {}

  /**
   * A client for {@value SerdeConfig#SCHEMA_REGISTRY_URL} with the configured basic auth.
   *
   * @throws ConfigException naming the missing or bad key (never echoing credentials)
   */
  public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
    Object urls = configs.get(SerdeConfig.SCHEMA_REGISTRY_URL);
    if (urls == null || urls.toString().isBlank()) {
      throw new ConfigException(
          "Missing required configuration \"" + SerdeConfig.SCHEMA_REGISTRY_URL + "\"");
    }
    String joined =
        urls instanceof Collection<?> list
            ? String.join(",", list.stream().map(String::valueOf).toList())
            : urls.toString();
    SchemaRegistryClient.Builder builder = SchemaRegistryClient.builder();
    try {
      builder.urls(joined);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(SerdeConfig.SCHEMA_REGISTRY_URL + ": " + e.getMessage());
    }
    Object source = configs.get(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE);
    String sourceName = source == null ? "URL" : source.toString().trim().toUpperCase(Locale.ROOT);
    switch (sourceName) {
      case "URL" -> {
        // The builder takes user info from the URL itself.
      }
      case "USER_INFO" -> {
        Object userInfo = configs.get(SerdeConfig.BASIC_AUTH_USER_INFO);
        if (userInfo == null || userInfo.toString().isEmpty()) {
          throw new ConfigException(
              SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE
                  + "=USER_INFO requires "
                  + SerdeConfig.BASIC_AUTH_USER_INFO);
        }
        builder.basicAuthUserInfo(userInfo.toString());
      }
      default ->
          throw new ConfigException(
              SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
              source,
              "supported values are URL and USER_INFO");
    }
    builder.cacheCapacity(SerdeConfig.fromMap(configs).maxSchemas());
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }
}
