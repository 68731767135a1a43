/**
 * Kafka {@link dev.relaybox.schemas.serde.AvroSerializer} and {@link
 * dev.relaybox.schemas.serde.AvroDeserializer} in Confluent's wire format, configured with
 * Confluent's keys ({@link dev.relaybox.schemas.serde.SerdeConfig}).
 */
package dev.relaybox.schemas.serde;
