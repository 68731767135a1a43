package dev.relaybox.relay.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * The relay's record on its offsets topic, in Kafka Connect's format (JSON without schemas): key
 * {@code ["<relay.name>",{"server":"<relay.name>"}]}, byte for byte what Debezium's offset store
 * writes, and as value the Debezium offset to resume from plus the relay's own {@code relaybox_*}
 * fields (Debezium ignores them). So an at-least-once relay reads what the exactly-once relay
 * wrote, and the other way round. Thread-safe.
 */
final class OffsetCodec {
  private static final String FORMAT = "relaybox_format";
  private static final String POS = "relaybox_pos";
  private static final String TX_ID = "relaybox_tx_id";
  private static final String LSN = "relaybox_lsn";
  private static final String N = "relaybox_n";
  private static final String LSN_COMMIT = "relaybox_lsn_commit";
  private static final String ACK_LSN = "relaybox_ack_lsn";
  private static final String LAST_EVENT_ID = "relaybox_last_event_id";
  private static final String LAST_COMMIT_TS_USEC = "relaybox_last_commit_ts_usec";
  private static final String RELAYED_THROUGH_MS = "relaybox_relayed_through_ms";

  private final String namespace;
  private final byte[] key;
  private final JsonConverter keys = converter(true);
  private final JsonConverter values = converter(false);

  /**
   * @param relayName the engine name: offset namespace and {@code server} of the partition
   */
  OffsetCodec(String relayName) {
    this.namespace = relayName;
    this.key =
        keys.fromConnectData(
            relayName, null, Arrays.asList(relayName, Map.of("server", relayName)));
  }

  /** The key of the relay's records. */
  byte[] key() {
    return key.clone();
  }

  boolean isOwnKey(byte[] candidate) {
    return Arrays.equals(key, candidate);
  }

  /** The Debezium source partition the key names. */
  Map<String, Object> partition() {
    return Map.of("server", namespace);
  }

  byte[] encode(Position p) {
    Map<String, Object> value = new LinkedHashMap<>(p.resumeOffset());
    if (p.kind() != Position.Kind.LEGACY) {
      value.put(FORMAT, 1L);
      value.put(POS, p.kind() == Position.Kind.IN_TX ? "tx" : "boundary");
      putIfSet(value, TX_ID, p.txId());
      value.put(LSN, p.lsn());
      value.put(N, (long) p.n());
      putIfSet(value, LSN_COMMIT, p.lsnCommit());
      value.put(ACK_LSN, p.ackLsn());
      putIfSet(value, LAST_EVENT_ID, p.lastEventId());
      putIfSet(value, LAST_COMMIT_TS_USEC, p.lastCommitTsUsec());
      putIfSet(value, RELAYED_THROUGH_MS, p.relayedThroughMs());
    }
    return values.fromConnectData(namespace, null, value);
  }

  /**
   * The position in {@code value}; null for a tombstone.
   *
   * @throws IllegalStateException if the value is not a JSON object
   */
  Position decode(byte[] value) {
    if (value == null) {
      return null;
    }
    if (!(values.toConnectData(namespace, value).value() instanceof Map<?, ?> raw)) {
      throw new IllegalStateException("the offsets record of " + namespace + " is not an object");
    }
    Map<String, Object> debezium = new LinkedHashMap<>();
    Map<String, Object> relay = new HashMap<>();
    raw.forEach(
        (k, v) ->
            (String.valueOf(k).startsWith("relaybox_") ? relay : debezium).put((String) k, v));
    if (!relay.containsKey(FORMAT)) {
      return Position.legacy(debezium);
    }
    return new Position(
        "tx".equals(relay.get(POS)) ? Position.Kind.IN_TX : Position.Kind.BOUNDARY,
        debezium,
        Position.longValue(relay, TX_ID),
        Position.longValue(relay, LSN),
        Position.longValue(relay, N).intValue(),
        Position.longValue(relay, LSN_COMMIT),
        Position.longValue(relay, ACK_LSN),
        (String) relay.get(LAST_EVENT_ID),
        Position.longValue(relay, LAST_COMMIT_TS_USEC),
        Position.longValue(relay, RELAYED_THROUGH_MS));
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private static JsonConverter converter(boolean isKey) {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "false"), isKey);
    return converter;
  }
}
