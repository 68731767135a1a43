package dev.relaybox.devstack.internal;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL from zonky's embedded binaries, configured for logical replication, on a fixed
 * loopback port and data directory so it can be restarted in place.
 */
final class EmbeddedPostgresService implements DevStack.Postgres {
  static final String PG_DIR = "pg";
  static final String DATABASE = "relaybox";
  static final String USER = "postgres";
  // zonky's initdb uses trust authentication on loopback; the password is accepted and unused.
  private static final String PASSWORD = "postgres";
  private static final int STOP_GRACE_SECONDS = 10;
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresService.class);

  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final boolean fsync;
  private final boolean synchronousCommit;
  private EmbeddedPostgres postgres;

  EmbeddedPostgresService(Path runDir, boolean fsync, boolean synchronousCommit) {
    this.dataDir = runDir.resolve(PG_DIR);
    this.logFile = runDir.resolve("postgres.log");
    this.port = Ports.freePort();
    this.fsync = fsync;
    this.synchronousCommit = synchronousCommit;
  }

  @Override
  public synchronized void start() {
    if (postgres != null) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("wal_level", "logical")
              .setServerConfig("max_wal_senders", "20")
              .setServerConfig("max_replication_slots", "20")
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", onOff(fsync))
              .setServerConfig("full_page_writes", onOff(fsync))
              .setServerConfig("synchronous_commit", onOff(synchronousCommit))
              .setServerConfig("track_commit_timestamp", "on");
      postgres = builder.start();
      ensureDatabase();
      log.info(
          "devstack: postgres ready jdbcUrl={} fsync={} synchronous_commit={}",
          jdbcUrl(),
          onOff(fsync),
          onOff(synchronousCommit));
    } catch (IOException | SQLException e) {
      postgres = null;
      throw new DevStackException(
          "devstack: PostgreSQL did not start on 127.0.0.1:"
              + port
              + " (data directory "
              + dataDir
              + ", server log "
              + logFile
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Fast shutdown ({@code pg_ctl stop -m fast}). A connected logical-replication client can hold
   * the shutdown checkpoint past zonky's 5 s wait; the postmaster then gets {@value
   * #STOP_GRACE_SECONDS} s more and is stopped in immediate mode after that.
   */
  @Override
  public synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new DevStackException("devstack: PostgreSQL did not stop cleanly: " + e, e);
    } finally {
      postgres = null;
    }
    RunDirectories.livePostmaster(dataDir)
        .ifPresent(
            pm -> {
              try {
                pm.onExit().get(STOP_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (java.util.concurrent.ExecutionException
                  | java.util.concurrent.TimeoutException e) {
                log.warn(
                    "devstack: postgres pid={} still shutting down after fast stop; stopping it"
                        + " in immediate mode",
                    pm.pid());
                RunDirectories.quitPostmaster(pm, Duration.ofSeconds(15));
              }
            });
  }

  @Override
  public synchronized void crash() {
    if (postgres == null) {
      return;
    }
    RunDirectories.livePostmaster(dataDir)
        .ifPresent(pm -> RunDirectories.quitPostmaster(pm, Duration.ofSeconds(15)));
    try {
      postgres.close(); // pg_ctl stop now fails harmlessly; this releases zonky's lock
    } catch (IOException e) {
      log.debug("devstack: close after crash: {}", e.toString());
    } finally {
      postgres = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return postgres != null;
  }

  @Override
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String database() {
    return DATABASE;
  }

  @Override
  public String username() {
    return USER;
  }

  @Override
  public String password() {
    return PASSWORD;
  }

  @Override
  public DataSource dataSource() {
    return dataSource(DATABASE);
  }

  private DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(database);
    ds.setUser(USER);
    ds.setPassword(PASSWORD);
    return ds;
  }

  private void ensureDatabase() throws SQLException {
    try (Connection c = dataSource("postgres").getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("CREATE DATABASE " + DATABASE);
    }
  }

  private static String onOff(boolean value) {
    return value ? "on" : "off";
  }

  @Override
  public String toString() {
    return "postgres(" + jdbcUrl() + ")";
  }
}
