package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import java.time.Instant;
import java.util.Optional;

/** What the relay committed to its offsets topic, for tools outside the relay. */
public final class RelayState {
  private RelayState() {}

  /**
   * The wall time of the last heartbeat the exactly-once relay committed: every transaction that
   * committed before it is in Kafka. Empty without one (or for an at-least-once relay).
   *
   * @throws Exception if the offsets topic cannot be read
   */
  public static Optional<Instant> relayedThrough(RelayConfig config) throws Exception {
    return OffsetsTopic.readCommitted(
            config,
            new OffsetCodec(config.name()),
            config.get(RelaySettings.TRANSACTION_TIMEOUT).plusSeconds(30))
        .map(Position::relayedThroughMs)
        .map(Instant::ofEpochMilli);
  }
}
