package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.kafka.common.serialization.Deserializer;

/** What the runner does with an event: decode it, run exactly one handler, classify failures. */
public record HandlerSettings(
    DataSource dataSource,
    Deserializer<?> deserializer,
    EventHandler eventHandler,
    TwoPhaseEventHandler<?> twoPhaseHandler,
    ErrorClassifier errorClassifier) {

  public HandlerSettings {
    Objects.requireNonNull(dataSource, "dataSource must be set");
    Objects.requireNonNull(deserializer, "deserializer must be set: a Kafka Deserializer<?>");
    if ((eventHandler == null) == (twoPhaseHandler == null)) {
      throw new IllegalArgumentException(
          "handler must be set exactly once: an EventHandler or a TwoPhaseEventHandler, "
              + (eventHandler == null ? "none was given" : "both were given"));
    }
    Objects.requireNonNull(errorClassifier, "errorClassifier must not be null");
  }

  /** The two-phase handler with its result type erased, or null. */
  @SuppressWarnings("unchecked")
  TwoPhaseEventHandler<Object> twoPhase() {
    return (TwoPhaseEventHandler<Object>) twoPhaseHandler;
  }
}
