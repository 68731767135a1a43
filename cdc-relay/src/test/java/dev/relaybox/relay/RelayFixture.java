package dev.relaybox.relay;

import dev.relaybox.devstack.DevStack;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.awaitility.Awaitility;

/**
 * One test's own outbox table, slot, publication, topics and relay name on the devstack, plus
 * helpers to write events with the real {@link Outbox} and to configure a relay for them. Payloads
 * are arbitrary bytes (the relay never decodes them): {@code 0x00 0xff} + the sequence number +
 * padding.
 */
final class RelayFixture implements AutoCloseable {
  static final Schema EVENT =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"TestEvent\",\"namespace\":\"dev.relaybox.relay\","
                  + "\"fields\":[{\"name\":\"seq\",\"type\":\"long\"}]}");

  final DevStack stack;
  final String id;
  final String table;
  final String slot;
  final String name;
  final String topicPrefix;
  final String dlqTopic;
  final Outbox outbox;
  final int payloadBytes;

  private RelayFixture(DevStack stack, int payloadBytes, CleanupMode cleanup) {
    this.stack = stack;
    this.id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    this.table = "outbox_" + id;
    this.slot = "relay_" + id;
    this.name = "relay-" + id;
    this.topicPrefix = "t" + id + ".";
    this.dlqTopic = "dlq-" + id;
    this.payloadBytes = payloadBytes;
    this.outbox =
        Outbox.builder()
            .table(table)
            .cleanupMode(cleanup)
            .serializer((topic, data) -> payload((Long) ((GenericRecord) data).get("seq")))
            .build();
  }

  /** Creates the outbox table with the outbox-producer migrations. */
  static RelayFixture create(DevStack stack) {
    return create(stack, 32);
  }

  static RelayFixture create(DevStack stack, int payloadBytes) {
    return create(stack, payloadBytes, CleanupMode.DELETE_AFTER_INSERT);
  }

  /** A fixture whose outbox keeps its rows ({@link CleanupMode#RETAIN}) or not. */
  static RelayFixture create(DevStack stack, int payloadBytes, CleanupMode cleanup) {
    RelayFixture f = new RelayFixture(stack, payloadBytes, cleanup);
    f.outbox.migrate(stack.postgres().dataSource());
    return f;
  }

  byte[] payload(long seq) {
    ByteBuffer b = ByteBuffer.allocate(Math.max(payloadBytes, 10));
    b.put((byte) 0).put((byte) 0xff).putLong(seq);
    return b.array();
  }

  static GenericRecord record(long seq) {
    GenericRecord r = new GenericData.Record(EVENT);
    r.put("seq", seq);
    return r;
  }

  String topic(String aggregateType) {
    return topicPrefix + aggregateType;
  }

  void createTopics(String... aggregateTypes) {
    for (String t : aggregateTypes) {
      stack.kafka().createTopic(topic(t), 3);
    }
    stack.kafka().createTopic(dlqTopic, 1);
  }

  /** A relay configuration for this fixture (Kafka offsets in {@code <name>.offsets}). */
  RelayConfig.Builder config() {
    DevStack.Postgres pg = stack.postgres();
    return RelayConfig.builder()
        .name(name)
        .postgres(pg.host(), pg.port(), pg.database(), pg.username(), pg.password())
        .outboxTable("public", table)
        .slotAndPublication(slot, slot)
        .kafkaBootstrapServers(stack.kafka().bootstrapServers())
        .topicPattern(topicPrefix + "${aggregatetype}")
        .set("dlq.topic", dlqTopic)
        .offsetsTopic(name + ".offsets")
        .set("http.port", "-1");
  }

  /** Writes a properties file for {@link RelayApplication} with the given overrides. */
  Path propertiesFile(Path dir, Properties overrides) throws IOException {
    Properties p = new Properties();
    RelayConfig c = config().build();
    RelayConfig.settings().all().forEach(s -> p.setProperty(s.key(), c.value(s.key())));
    p.putAll(overrides);
    Path file = dir.resolve(name + ".properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "relay under test");
    }
    return file;
  }

  /** Writes events in one committed transaction; returns their ids in order. */
  List<UUID> commit(List<OutboxEvent> events) throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection()) {
      c.setAutoCommit(false);
      outbox.publishAll(c, events);
      c.commit();
    }
    return events.stream().map(OutboxEvent::id).toList();
  }

  /**
   * Commits {@code perAggregate} events (type {@code cart}) of each of {@code aggregates}
   * aggregates {@code cart-<a>}, shuffled across aggregates (seed {@code seed}), {@code
   * perTransaction} per transaction; returns each aggregate's event ids in commit order.
   */
  Map<String, List<String>> commitInterleaved(
      int aggregates, int perAggregate, int perTransaction, long seed) throws SQLException {
    List<String> order = new ArrayList<>();
    for (int a = 0; a < aggregates; a++) {
      for (int i = 0; i < perAggregate; i++) {
        order.add("cart-" + a);
      }
    }
    Collections.shuffle(order, new Random(seed));
    Map<String, List<String>> expected = new LinkedHashMap<>();
    List<OutboxEvent> tx = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      OutboxEvent e = event("cart", order.get(i), i);
      tx.add(e);
      expected.computeIfAbsent(order.get(i), k -> new ArrayList<>()).add(e.id().toString());
      if (tx.size() == perTransaction) {
        commit(tx);
        tx = new ArrayList<>();
      }
    }
    if (!tx.isEmpty()) {
      commit(tx);
    }
    return expected;
  }

  static OutboxEvent event(String aggregateType, String aggregateId, long seq) {
    return OutboxEvent.builder()
        .aggregateType(aggregateType)
        .aggregateId(aggregateId)
        .payload(record(seq))
        .build();
  }

  /** {@code n} events of aggregate type {@code type}, aggregate ids cycling over {@code ids}. */
  static List<OutboxEvent> events(String type, int ids, long firstSeq, int n) {
    List<OutboxEvent> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long seq = firstSeq + i;
      list.add(event(type, "a" + (seq % ids), seq));
    }
    return list;
  }

  /** {@code wal_status} of the slot, or null without one. */
  String walStatus() throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Bytes of WAL the slot retains beyond its confirmed position, or -1 without a slot. */
  long slotLagBytes() throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)"
                    + " FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  /** The current WAL position in bytes. */
  long walPosition() throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Whether {@code slotName} is confirmed at or past {@code position} ({@link #walPosition()}): its
   * relay published everything before it.
   */
  boolean slotConfirmedPast(String slotName, long position) throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0') >= ? FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      s.setLong(1, position);
      s.setString(2, slotName);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  boolean slotActive() throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** The first column of the first row of {@code sql}'s result, as text. */
  String queryString(String sql) throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Drops the slot (once inactive), the publication and the table. */
  @Override
  public void close() throws SQLException {
    if (!stack.postgres().isRunning()) {
      return;
    }
    // The walsender of a just-closed relay may still hold the slot for a moment.
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !slotActive());
    try (Connection c = stack.postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          String.format(
              Locale.ROOT,
              "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                  + " WHERE slot_name = '%s' AND NOT active",
              slot));
      s.execute("DROP PUBLICATION IF EXISTS " + slot);
      s.execute("DROP TABLE IF EXISTS " + table + ", " + table + "_schema_history");
    }
    outbox.close();
  }
}
