package dev.relaybox.examples.springorders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot example: {@link OrderPlacement} writes an order and its {@code OrderPlaced} event
 * in one transaction; {@link PackingSlips} packs each order exactly once. The relay (a separate
 * process: {@code relaybox relay}) carries the events from the outbox table to Kafka.
 */
@SpringBootApplication
public class SpringOrdersApplication {

  public static void main(String[] args) {
    SpringApplication.run(SpringOrdersApplication.class, args);
  }
}
