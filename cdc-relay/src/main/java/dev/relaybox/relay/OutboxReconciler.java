package dev.relaybox.relay;

import dev.relaybox.config.CommonSettings;
import dev.relaybox.config.TopicPattern;
import dev.relaybox.outbox.OutboxRepublisher;
import dev.relaybox.relay.internal.RelaySettings;
import dev.relaybox.relay.internal.RelayState;
import dev.relaybox.relay.internal.ReshardBarrier;
import dev.relaybox.relay.internal.Shard;
import dev.relaybox.relay.internal.TopicScan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Closes a gap in Kafka from a retained outbox ({@code CleanupMode.RETAIN}): finds the outbox rows
 * of a {@code created_at} window whose event id is on none of the topics the relay routes them to
 * (nor on its dead-letter topic), and makes the relay publish exactly those again (with {@link
 * OutboxRepublisher}). Events that reached Kafka stay untouched, so a read_committed reader sees
 * each event once; the repaired ones land after later events of the same aggregate.
 *
 * <p>The window must end where the relay has certainly relayed every committed row: by default
 * {@code relayed through − reconcile.max.transaction.age.ms}, "relayed through" being the wall time
 * of the last heartbeat the exactly-once relay committed (every transaction that committed before
 * it is in Kafka), and a row's {@code created_at} its transaction's start. Run by {@code relaybox
 * outbox reconcile} and, with {@code reconcile.after.slot.loss}, by the relay itself. One reconcile
 * per outbox table at a time (a Postgres advisory lock).
 */
public final class OutboxReconciler {
  private final RelayConfig config;
  private final DataSource dataSource;
  private final boolean allowTruncatedTopics;

  private OutboxReconciler(RelayConfig config, boolean allowTruncatedTopics) {
    this.config = Objects.requireNonNull(config, "config");
    this.dataSource = dataSource(config);
    this.allowTruncatedTopics = allowTruncatedTopics;
  }

  /** A reconciler for the relay configured by {@code config} (its outbox, topics, offsets). */
  public static OutboxReconciler create(RelayConfig config) {
    return new OutboxReconciler(config, false);
  }

  /**
   * This reconciler, reconciling also when a topic's retention may have deleted records of the
   * window (their events then count as missing and are republished: consumers skip them).
   */
  public OutboxReconciler allowTruncatedTopics() {
    return new OutboxReconciler(config, true);
  }

  /**
   * The wall time through which the relay has relayed every committed transaction, from its offsets
   * topic; empty before the exactly-once relay committed a heartbeat.
   *
   * @throws Exception if Kafka cannot be read
   */
  public Optional<Instant> relayedThrough() throws Exception {
    return RelayState.relayedThrough(config);
  }

  /**
   * The latest end a window may have now: {@link #relayedThrough()} minus {@code
   * reconcile.max.transaction.age.ms}.
   */
  public Optional<Instant> latestEnd() throws Exception {
    return relayedThrough().map(w -> w.minus(config.get(RelaySettings.MAX_TRANSACTION_AGE)));
  }

  /**
   * Finds the missing events of {@code [from, to)} and, unless {@code dryRun}, republishes them.
   *
   * @param to the window's end; null for {@link #latestEnd()}
   * @param progress called with the number republished so far
   * @throws IllegalStateException if the window ends after {@link #latestEnd()} (the relay has not
   *     relayed that far yet), no end can be derived, another reconcile of the table runs, or a
   *     topic may have lost records of the window to retention
   * @throws Exception if Postgres or Kafka fail
   */
  public Result reconcile(Instant from, Instant to, boolean dryRun, LongConsumer progress)
      throws Exception {
    Objects.requireNonNull(from, "from");
    Optional<Instant> latest = latestEnd();
    Instant end = to != null ? to : latest.orElseThrow(OutboxReconciler::noWatermark);
    if (latest.isPresent() && end.isAfter(latest.get())) {
      throw new IllegalStateException(
          "the window ends at "
              + end
              + ", but the relay has relayed everything only up to "
              + latest.get()
              + " (its last heartbeat minus "
              + RelaySettings.MAX_TRANSACTION_AGE.key()
              + "); wait until it caught up, or end the window earlier");
    }
    if (!from.isBefore(end)) {
      throw new IllegalArgumentException(
          "the window [" + from + ", " + end + ") is empty: from must be before the end");
    }
    try (Connection lock = dataSource.getConnection()) {
      lock(lock);
      List<Row> rows = rows(lock, from, end);
      Set<String> topics = new TreeSet<>();
      topics.add(config.get(RelaySettings.DLQ_TOPIC));
      TopicPattern pattern = config.get(CommonSettings.TOPIC_PATTERN);
      for (Row r : rows) {
        if (r.aggregateType() != null && !r.aggregateType().isBlank()) {
          TopicPattern.Resolution res = pattern.resolve(r.aggregateType());
          if (res.invalidReason() == null) {
            topics.add(res.topic());
          }
        }
      }
      Set<UUID> missing = new HashSet<>();
      rows.forEach(r -> missing.add(r.id()));
      TopicScan scan = new TopicScan(config);
      try {
        List<TopicPartition> truncated = scan.scan(topics, from, missing);
        if (!truncated.isEmpty() && !allowTruncatedTopics) {
          throw new IllegalStateException(
              "retention may have deleted records of the window from "
                  + truncated
                  + " (their logs start at the window): events there would count as missing."
                  + " Start the window later, or allow truncated topics to republish them too"
                  + " (consumers skip what they processed)");
        }
        List<UUID> ordered = new ArrayList<>();
        rows.stream().map(Row::id).filter(missing::contains).forEach(ordered::add);
        long republished =
            dryRun || ordered.isEmpty()
                ? 0
                : OutboxRepublisher.builder()
                    .dataSource(dataSource)
                    .schema(config.get(CommonSettings.OUTBOX_SCHEMA))
                    .table(config.get(CommonSettings.OUTBOX_TABLE))
                    .build()
                    .republish(ordered, progress);
        return new Result(from, end, rows.size(), topics, ordered, republished, scan);
      } catch (Exception | Error e) {
        scan.close();
        throw e;
      }
    }
  }

  private static IllegalStateException noWatermark() {
    return new IllegalStateException(
        "the relay has not committed a heartbeat yet, so how far it relayed is unknown: give the"
            + " window's end explicitly, or wait for the exactly-once relay's next heartbeat"
            + " (heartbeat.interval.ms)");
  }

  private void lock(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
      s.setString(1, "relaybox:reconcile:" + table() + Shard.of(config).nameSuffix());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new IllegalStateException(
              "another reconcile of " + table() + " is running; wait for it to finish");
        }
      }
    }
  }

  private record Row(UUID id, String aggregateType) {}

  private List<Row> rows(Connection c, Instant from, Instant to) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, aggregatetype FROM "
                + quotedTable()
                + " WHERE created_at >= ? AND created_at < ?"
                // A shard repairs its own rows only: another shard may just not have got to its.
                + Shard.of(config).sqlCondition()
                // Reshard barrier rows are never published: nothing to repair.
                + " AND aggregatetype <> '"
                + ReshardBarrier.AGGREGATE_TYPE
                + "' ORDER BY created_at, id")) {
      s.setObject(1, from.atOffset(ZoneOffset.UTC));
      s.setObject(2, to.atOffset(ZoneOffset.UTC));
      s.setFetchSize(10_000);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2)));
        }
      }
    }
    return rows;
  }

  private String table() {
    return config.get(CommonSettings.OUTBOX_SCHEMA) + "." + config.get(CommonSettings.OUTBOX_TABLE);
  }

  private String quotedTable() {
    // Identifiers are validated by RelayConfig ([a-z_][a-z0-9_$]*), so quoting is safe.
    return "\""
        + config.get(CommonSettings.OUTBOX_SCHEMA)
        + "\".\""
        + config.get(CommonSettings.OUTBOX_TABLE)
        + "\"";
  }

  private static DataSource dataSource(RelayConfig config) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(CommonSettings.jdbcUrl(config));
    ds.setUser(config.get(CommonSettings.PG_USER));
    ds.setPassword(Objects.toString(config.get(CommonSettings.PG_PASSWORD), ""));
    ds.setApplicationName(config.name() + "-reconcile");
    return ds;
  }

  /**
   * What a reconcile found and did. {@link #awaitPublished} waits until the relay published the
   * republished events; {@link #close} releases the Kafka reader.
   */
  public static final class Result implements AutoCloseable {
    private final Instant from;
    private final Instant to;
    private final long retained;
    private final Set<String> topics;
    private final List<UUID> missing;
    private final long republished;
    private final TopicScan scan;

    private Result(
        Instant from,
        Instant to,
        long retained,
        Set<String> topics,
        List<UUID> missing,
        long republished,
        TopicScan scan) {
      this.from = from;
      this.to = to;
      this.retained = retained;
      this.topics = Set.copyOf(topics);
      this.missing = List.copyOf(missing);
      this.republished = republished;
      this.scan = scan;
    }

    /** The window's start, inclusive. */
    public Instant from() {
      return from;
    }

    /** The window's end, exclusive. */
    public Instant to() {
      return to;
    }

    /** Retained outbox rows in the window. */
    public long retained() {
      return retained;
    }

    /** The topics searched (the routed topics and the dead-letter topic). */
    public Set<String> topics() {
      return topics;
    }

    /** Ids of the rows whose event was on none of the topics, in {@code created_at} order. */
    public List<UUID> missing() {
      return missing;
    }

    /** How many of them were re-inserted for the relay to publish (0 for a dry run). */
    public long republished() {
      return republished;
    }

    /**
     * Waits until every missing event is on a topic (the relay must run).
     *
     * @return the ids still not published when {@code timeout} elapsed; empty on success
     */
    public Set<UUID> awaitPublished(Duration timeout) {
      return scan.awaitAppended(new HashSet<>(missing), timeout);
    }

    @Override
    public void close() {
      scan.close();
    }
  }
}
