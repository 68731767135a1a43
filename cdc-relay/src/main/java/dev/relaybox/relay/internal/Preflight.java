package dev.relaybox.relay.internal;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.relay.RelayConfig;
import dev.relaybox.relay.RelayException;
import io.debezium.embedded.EmbeddedWorkerConfig;
import io.debezium.embedded.KafkaConnectUtil;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.apache.kafka.connect.storage.OffsetStorageWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks run before every engine (re)start: logical WAL, the outbox table, the inserts-only
 * publication (created when missing) and the replication slot. A missing slot while offsets exist
 * means events were lost in between: refused unless {@link RelayConfig#ALLOW_MISSING_SLOT}.
 *
 * <p>Throws {@link RelayException} for conditions a restart cannot fix and {@link SQLException} (or
 * Kafka exceptions) for transient ones.
 */
final class Preflight {
  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

  private Preflight() {}

  static Connection connect(RelayConfig config) throws SQLException {
    return connect(config, config.name());
  }

  /** A connection named {@code applicationName} in {@code pg_stat_activity}. */
  static Connection connect(RelayConfig config, String applicationName) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", config.get(CommonSettings.PG_USER));
    props.setProperty("password", Objects.toString(config.get(CommonSettings.PG_PASSWORD), ""));
    props.setProperty("ApplicationName", applicationName);
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(CommonSettings.jdbcUrl(config), props);
  }

  static void check(RelayConfig config, Map<String, String> engineProperties) throws SQLException {
    try (Connection c = connect(config)) {
      checkWalLevel(c);
      checkTable(c, config);
      PublicationPreflight.ensure(c, config);
      // Exactly-once, SlotPreflight checks the slot against the committed position.
      if (!slotExists(c, config) && !config.exactlyOnce()) {
        checkOffsetsWithoutSlot(config, engineProperties);
      }
    }
  }

  private static void checkWalLevel(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW wal_level")) {
      rs.next();
      if (!"logical".equals(rs.getString(1))) {
        throw new RelayException(
            "Postgres runs with wal_level="
                + rs.getString(1)
                + "; the relay needs wal_level=logical (set it in postgresql.conf and restart)");
      }
    }
  }

  private static void checkTable(Connection c, RelayConfig config) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?)")) {
      s.setString(1, qualifiedTable(config));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        if (rs.getString(1) == null) {
          throw new RelayException(
              "Outbox table "
                  + qualifiedTable(config)
                  + " does not exist; create it with the outbox-producer migrations, or set "
                  + CommonSettings.OUTBOX_SCHEMA.key()
                  + "/"
                  + CommonSettings.OUTBOX_TABLE.key());
        }
      }
    }
  }

  private static boolean slotExists(Connection c, RelayConfig config) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT plugin, database FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, config.slotName());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        if (!"pgoutput".equals(rs.getString(1))
            || !config.get(CommonSettings.PG_DATABASE).equals(rs.getString(2))) {
          throw new RelayException(
              "Replication slot "
                  + config.slotName()
                  + " belongs to plugin "
                  + rs.getString(1)
                  + " in database "
                  + rs.getString(2)
                  + "; the relay needs a pgoutput slot in "
                  + config.get(CommonSettings.PG_DATABASE)
                  + ". Choose another "
                  + CommonSettings.SLOT_NAME.key());
        }
        return true;
      }
    }
  }

  private static void checkOffsetsWithoutSlot(
      RelayConfig config, Map<String, String> engineProperties) {
    OffsetBackingStore store =
        config.get(RelaySettings.OFFSETS_STORAGE).equals("kafka")
            ? new RelayOffsetStore()
            : KafkaConnectUtil.fileOffsetBackingStore();
    store.configure(new EmbeddedWorkerConfig(engineProperties));
    store.start();
    Map<String, String> partition = Map.of("server", config.name());
    try (OffsetStorageReaderImpl reader =
        new OffsetStorageReaderImpl(store, config.name(), converter(true), converter(false))) {
      Map<String, Object> offset = reader.offset(partition);
      if (offset == null || offset.isEmpty()) {
        LOG.info("no replication slot and no offsets: first start, slot={}", config.slotName());
        return;
      }
      if (!config.get(RelaySettings.ALLOW_MISSING_SLOT)) {
        throw new RelayException(
            "Replication slot "
                + config.slotName()
                + " does not exist, but the relay has stored offsets "
                + offset
                + lastRelayed(offset)
                + ": the slot was dropped or the database was restored or replaced, and events"
                + " committed since then can no longer be read from the WAL. The relay refuses to"
                + " start rather than skip them. To recover, set "
                + RelaySettings.ALLOW_MISSING_SLOT.key()
                + "=true (or "
                + RelaySettings.ALLOW_MISSING_SLOT.environmentName()
                + "=true) to start from a new slot, then either (1) republish the gap from a"
                + " retained outbox (CleanupMode.RETAIN): `relaybox outbox reconcile --config"
                + " <relay.properties> --from <last relayed commit time>` republishes exactly the"
                + " events that never reached Kafka, or (2) accept that the events in the gap are"
                + " lost.");
      }
      LOG.warn(
          "replication slot missing while offsets exist; {}=true: discarding the offsets and"
              + " starting from a new slot, events committed since the slot was lost are NOT"
              + " relayed slot={} discardedOffset={}",
          RelaySettings.ALLOW_MISSING_SLOT.key(),
          config.slotName(),
          offset);
      discardOffset(store, config.name(), partition);
    } finally {
      store.stop();
    }
  }

  /** The commit time of the last relayed event, from the offset's {@code ts_usec}. */
  private static String lastRelayed(Map<String, Object> offset) {
    return offset.get("ts_usec") instanceof Number micros
        ? " (last relayed commit at "
            + Instant.EPOCH.plus(micros.longValue(), ChronoUnit.MICROS)
            + ")"
        : "";
  }

  /** Debezium refuses to resume from an offset its new slot cannot serve, so forget it. */
  private static void discardOffset(
      OffsetBackingStore store, String namespace, Map<String, String> partition) {
    OffsetStorageWriter writer =
        new OffsetStorageWriter(store, namespace, converter(true), converter(false));
    writer.offset(partition, null);
    try {
      writer.beginFlush(10, TimeUnit.SECONDS);
      writer.doFlush((error, ignored) -> {}).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while discarding the stored offsets", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new ConnectException("could not discard the stored offsets: " + e.getMessage(), e);
    }
  }

  private static JsonConverter converter(boolean isKey) {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "false"), isKey);
    return converter;
  }

  static String qualifiedTable(RelayConfig config) {
    return "\""
        + config.get(CommonSettings.OUTBOX_SCHEMA)
        + "\".\""
        + config.get(CommonSettings.OUTBOX_TABLE)
        + "\"";
  }
}
