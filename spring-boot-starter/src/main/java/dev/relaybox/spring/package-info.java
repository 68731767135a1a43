/**
 * The Relaybox Spring Boot starter: {@link dev.relaybox.spring.TransactionalOutbox}, {@link
 * dev.relaybox.spring.RelayboxListener}, {@link dev.relaybox.spring.RelayboxConsumers} and the
 * {@code relaybox.*} {@link dev.relaybox.spring.RelayboxProperties}, wired by {@link
 * dev.relaybox.spring.RelayboxAutoConfiguration}.
 */
package dev.relaybox.spring;
