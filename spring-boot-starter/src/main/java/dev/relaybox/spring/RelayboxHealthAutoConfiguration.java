package dev.relaybox.spring;

import dev.relaybox.spring.internal.RelayboxHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Actuator: the {@code relaybox} health indicator (DOWN when a listener's group stops polling
 * or stalls) and {@code relayboxReadiness} (OUT_OF_SERVICE until every group has joined), for the
 * liveness and readiness probe groups.
 */
@AutoConfiguration(after = RelayboxAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RelayboxConsumers.class)
public class RelayboxHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "relayboxHealthIndicator")
  HealthIndicator relayboxHealthIndicator(RelayboxConsumers consumers) {
    return RelayboxHealthIndicator.liveness(consumers);
  }

  @Bean
  @ConditionalOnMissingBean(name = "relayboxReadinessHealthIndicator")
  HealthIndicator relayboxReadinessHealthIndicator(RelayboxConsumers consumers) {
    return RelayboxHealthIndicator.readiness(consumers);
  }
}
