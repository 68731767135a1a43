package dev.relaybox.relay.internal;

import dev.relaybox.relay.RelayConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active role among the relays of one {@code relay.name}: a session-level Postgres advisory
 * lock held on a connection of its own. Postgres releases it when that session ends: at once when
 * the holder dies (its socket closes), and after {@code lease.timeout.ms} when the holder is paused
 * or cut off, because the session runs with {@code idle_session_timeout} and the holder renews it
 * with a query every quarter of that.
 *
 * <p>Why a lock and not the slot's {@code active_pid}: the slot is taken only once the engine
 * streams, after the exactly-once preparation has already fenced the other instance's producer, so
 * a standby racing for the slot would fence a healthy active; and a dead active's walsender holds
 * the slot until {@code wal_sender_timeout}. The lock decides first, and its holder then ends a
 * stale walsender still on the slot. Thread-safe.
 */
final class RelayLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayLease.class);

  private final RelayConfig config;
  private final long key;
  private Connection connection;
  private volatile String holder = "unknown";

  RelayLease(RelayConfig config) {
    this.config = config;
    this.key = key(config.name());
  }

  /** 64 bits of SHA-256 of the relay name: the advisory lock's key. */
  static long key(String relayName) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("relaybox.relay:" + relayName).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Takes the lock if free; true if this relay holds it (now or already).
   *
   * @throws SQLException if Postgres cannot be reached
   */
  synchronized boolean tryAcquire() throws SQLException {
    if (connection != null) {
      return true;
    }
    Connection c = Preflight.connect(config, config.name() + " lease");
    try {
      long timeoutMs = config.get(RelaySettings.LEASE_TIMEOUT).toMillis();
      // A renewal cut off from Postgres must fail, not hang past the lease.
      c.setNetworkTimeout(Runnable::run, (int) timeoutMs);
      try (Statement s = c.createStatement()) {
        s.execute("SET idle_session_timeout = " + timeoutMs);
      }
      try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        s.setLong(1, key);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            connection = c;
            return true;
          }
        }
      }
      holder = readHolder(c);
      c.close();
      return false;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Proves the lock is still held (its session is alive) and keeps the session from timing out;
   * false, and the lease dropped, if it is not.
   */
  synchronized boolean renew() {
    if (connection == null) {
      return false;
    }
    try (Statement s = connection.createStatement()) {
      s.setQueryTimeout(5);
      s.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      LOG.error(
          "relay lost the active role name={}: its lock session ended ({}); stepping down",
          config.name(),
          e.getMessage());
      closeConnection();
      return false;
    }
  }

  /** Whether this relay holds the lock, as far as it knows. */
  synchronized boolean held() {
    return connection != null;
  }

  /**
   * Ends a walsender still streaming this relay's slot: it belongs to an earlier active that died
   * or was paused (this relay holds the lock), and would keep the slot from the engine.
   */
  synchronized void endStaleWalsender() throws SQLException {
    if (connection == null) {
      return;
    }
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT active_pid, pg_terminate_backend(active_pid) FROM pg_replication_slots"
                + " WHERE slot_name = ? AND active_pid IS NOT NULL")) {
      s.setString(1, config.slotName());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          LOG.warn(
              "ended the walsender of an earlier active relay on slot={} pid={} terminated={}",
              config.slotName(),
              rs.getInt(1),
              rs.getBoolean(2));
        }
      }
    }
  }

  /** Who holds the lock, as last seen by a failed {@link #tryAcquire()}. */
  String holder() {
    return holder;
  }

  private String readHolder(Connection c) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT a.pid, a.client_addr, a.backend_start FROM pg_locks l"
                + " JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                + " AND l.classid::bigint = ? AND l.objid::bigint = ?")) {
      s.setLong(1, key >>> 32);
      s.setLong(2, key & 0xFFFF_FFFFL);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next()
            ? "Postgres backend pid "
                + rs.getInt(1)
                + " from "
                + rs.getString(2)
                + " since "
                + rs.getTimestamp(3).toInstant()
            : "unknown (just released)";
      }
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the lease connection failed: {}", e.toString());
      }
      connection = null;
    }
  }

  /** Releases the lock (by ending its session). */
  @Override
  public synchronized void close() {
    closeConnection();
  }
}
