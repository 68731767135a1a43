package dev.relaybox.schemas;

import dev.relaybox.schemas.registry.SchemaRegistryClient;
import java.time.Duration;

/** Registry clients for the ITs against the dev registry. */
public final class RegistryClients {

  private RegistryClients() {}

  /** Two retries with a 50-200 ms backoff, so that a test against a failing registry ends soon. */
  public static SchemaRegistryClient fastRetrying(String url) {
    return SchemaRegistryClient.builder()
        .urls(url)
        .maxRetries(2)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .build();
  }
}
