package dev.relaybox.relay.internal;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;

/**
 * The log context (MDC) of one relayed event while the relay logs about it: {@code eventId}, {@code
 * topic} (where it was routed), {@code traceId} and {@code spanId} from its {@code traceparent}
 * header, the same keys the consumers use, so JSON log lines can be joined on them.
 */
final class RelayLog implements AutoCloseable {
  private static final String[] KEYS = {"eventId", "topic", "traceId", "spanId"};

  private RelayLog() {}

  static RelayLog event(OutboxRouter.Routed routed) {
    put("eventId", String.valueOf(routed.eventId()));
    put("topic", routed.record().topic());
    Header h = routed.record().headers().lastHeader("traceparent");
    String parent =
        h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    // 00-<32 hex trace id>-<16 hex parent id>-<flags>, validated by the outbox.
    boolean valid = parent != null && parent.length() >= 55;
    put("traceId", valid ? parent.substring(3, 35) : null);
    put("spanId", valid ? parent.substring(36, 52) : null);
    return new RelayLog();
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override
  public void close() {
    for (String key : KEYS) {
      MDC.remove(key);
    }
  }
}
