/**
 * A client of Confluent's Schema Registry REST API: {@link
 * dev.relaybox.schemas.registry.SchemaRegistryClient}, built with {@link
 * dev.relaybox.schemas.registry.SchemaRegistryClient#builder()}, with typed {@link
 * dev.relaybox.schemas.registry.SchemaRegistryException}s carrying the registry's {@code
 * error_code}.
 */
package dev.relaybox.schemas.registry;
