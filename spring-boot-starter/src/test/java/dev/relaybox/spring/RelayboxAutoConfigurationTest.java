package dev.relaybox.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Listeners are validated as their beans are created; the context fails naming the bean. */
class RelayboxAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(RelayboxAutoConfiguration.class))
          .withPropertyValues("relaybox.schema-registry.url=http://127.0.0.1:1");

  @RelayboxListener(group = "g", topics = "t")
  static class NotAHandler {}

  @RelayboxListener(group = "g", topics = "t", kind = RelayboxListener.Kind.TWO_PHASE)
  static class WrongKind implements EventHandler {
    @Override
    public void handle(ConsumedEvent event, Connection tx) {}
  }

  static class TwoPayloads {
    @RelayboxListener(group = "g", topics = "t")
    void on(String a, Integer b) {}
  }

  static class TwoPhaseMethod {
    @RelayboxListener(group = "g", topics = "t", kind = RelayboxListener.Kind.TWO_PHASE)
    void on(ConsumedEvent event) {}
  }

  static class SameGroupTwice {
    @RelayboxListener(group = "${group}", topics = "t")
    void one(ConsumedEvent event) {}

    @RelayboxListener(group = "shared", topics = "t")
    void two(ConsumedEvent event) {}
  }

  @RelayboxListener(group = "g", topics = "t")
  static class Both implements EventHandler, TwoPhaseEventHandler<String> {
    @Override
    public void handle(ConsumedEvent event, Connection tx) {}

    @Override
    public String call(ConsumedEvent event) {
      return null;
    }

    @Override
    public void record(ConsumedEvent event, String result, Connection tx) {}
  }

  @Test
  void aListenerClassMustBeExactlyOneKindOfHandler() {
    fails(NotAHandler.class, "must implement exactly one of EventHandler and TwoPhaseEventHandler");
    fails(Both.class, "must implement exactly one of EventHandler and TwoPhaseEventHandler");
    fails(WrongKind.class, "declared kind TWO_PHASE but the bean is a EVENT");
  }

  @Test
  void aListenerMethodTakesOnePayloadAndIsAnEventHandler() {
    fails(TwoPayloads.class, "at most one ConsumedEvent, one Connection and one payload");
    fails(TwoPhaseMethod.class, "kind TWO_PHASE needs a bean class implementing");
  }

  @Test
  void twoListenersCannotShareAGroupAndPlaceholdersResolve() {
    runner
        .withPropertyValues("group=shared")
        .withUserConfiguration(beanOf(SameGroupTwice.class))
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("group 'shared' is already consumed by"));
  }

  @Test
  void withoutADataSourceThereIsNoOutboxAndNoConsumers() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(TransactionalOutbox.class);
          assertThat(context).doesNotHaveBean(RelayboxConsumers.class);
          assertThat(context)
              .hasSingleBean(dev.relaybox.schemas.registry.SchemaRegistryClient.class);
        });
  }

  @Test
  void theRegistryUrlIsRequiredAndNamed() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RelayboxAutoConfiguration.class))
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("relaybox.schema-registry.url is required"));
  }

  private void fails(Class<?> listener, String message) {
    runner
        .withUserConfiguration(beanOf(listener))
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("bean 'listener'")
                    .hasMessageContaining(message));
  }

  private static Class<?> beanOf(Class<?> type) {
    Holder.type = type;
    return Holder.class;
  }

  /** Declares the listener under test as bean 'listener'. */
  @Configuration(proxyBeanMethods = false)
  static class Holder {
    static Class<?> type;

    @Bean
    Object listener() throws Exception {
      var constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return constructor.newInstance();
    }
  }
}
