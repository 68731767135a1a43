package dev.relaybox.spring.internal;

import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.TwoPhaseEventHandler;
import java.util.List;

/**
 * One {@code @RelayboxListener}: its group and topics, and the user's handler, exactly one of
 * {@code eventHandler} and {@code twoPhaseHandler}.
 *
 * @param source what declared it, for messages, e.g. {@code bean 'shipping' method onOrder}
 */
public record ListenerEndpoint(
    String source,
    String group,
    List<String> topics,
    int maxInFlight,
    EventHandler eventHandler,
    TwoPhaseEventHandler<?> twoPhaseHandler) {

  public ListenerEndpoint {
    topics = List.copyOf(topics);
  }
}
