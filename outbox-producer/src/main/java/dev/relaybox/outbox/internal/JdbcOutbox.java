package dev.relaybox.outbox.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.outbox.CleanupMode;
import dev.relaybox.outbox.EventTooLargeException;
import dev.relaybox.outbox.Outbox;
import dev.relaybox.outbox.OutboxEvent;
import dev.relaybox.outbox.OutboxSweeper;
import dev.relaybox.outbox.TransactionRequiredException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JDBC outbox: one prepared INSERT (and DELETE) per event on the caller's connection. */
public final class JdbcOutbox implements Outbox {
  private static final Logger log = LoggerFactory.getLogger(JdbcOutbox.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OutboxSettings settings;
  private final Serializer<Object> serializer;
  private final boolean ownsSerializer;
  private final String insertSql;
  private final String insertThenDeleteSql;

  private JdbcOutbox(
      OutboxSettings settings, Serializer<Object> serializer, boolean ownsSerializer) {
    this.settings = settings;
    this.serializer = Objects.requireNonNull(serializer, "serializer must not be null");
    this.ownsSerializer = ownsSerializer;
    // Identifiers are validated by OutboxSettings ([a-z_][a-z0-9_]*), so quoting is all it takes.
    String table = '"' + settings.schema() + "\".\"" + settings.table() + '"';
    this.insertSql =
        "INSERT INTO "
            + table
            + " (id, aggregatetype, aggregateid, type, payload, headers)"
            + " VALUES (?, ?, ?, ?, ?, ?::jsonb)";
    this.insertThenDeleteSql = insertSql + "; DELETE FROM " + table + " WHERE id = ?";
  }

  /**
   * The outbox for validated settings.
   *
   * @param ownsSerializer whether {@link #close()} closes the serializer
   */
  public static Outbox create(
      OutboxSettings settings, Serializer<Object> serializer, boolean ownsSerializer) {
    return new JdbcOutbox(settings, serializer, ownsSerializer);
  }

  @Override
  public UUID publish(Connection tx, OutboxEvent event) throws SQLException {
    Objects.requireNonNull(event, "event must not be null");
    publishAll(tx, List.of(event));
    return event.id();
  }

  @Override
  public void publishAll(Connection tx, Collection<OutboxEvent> events) throws SQLException {
    Objects.requireNonNull(tx, "tx must not be null: give the business transaction's connection");
    Objects.requireNonNull(events, "events must not be null");
    if (tx.getAutoCommit()) {
      throw TransactionRequiredException.outsideTransaction();
    }
    if (events.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>(events.size());
    for (OutboxEvent event : events) {
      rows.add(serialize(Objects.requireNonNull(event, "events must not contain null")));
    }
    boolean delete = settings.cleanupMode() == CleanupMode.DELETE_AFTER_INSERT;
    // In DELETE_AFTER_INSERT mode the statement is "INSERT ...; DELETE ...", which pgjdbc sends in
    // one round trip (like a single insert). pgjdbc cannot batch such compound statements, so each
    // event is one execute(); events per transaction are few.
    try (PreparedStatement write = tx.prepareStatement(delete ? insertThenDeleteSql : insertSql)) {
      for (Row row : rows) {
        write.setObject(1, row.event.id());
        write.setString(2, row.event.aggregateType());
        write.setString(3, row.event.aggregateId());
        write.setString(4, row.event.type());
        write.setBytes(5, row.payload);
        if (row.headersJson == null) {
          write.setNull(6, Types.VARCHAR);
        } else {
          write.setString(6, row.headersJson);
        }
        if (delete) {
          write.setObject(7, row.event.id());
        }
        write.execute();
      }
    }
    if (log.isDebugEnabled()) {
      for (Row row : rows) {
        log.debug(
            "outbox event written eventId={} type={} aggregateType={} key={} bytes={}",
            row.event.id(),
            row.event.type(),
            row.event.aggregateType(),
            row.event.aggregateId(),
            row.payload.length);
      }
    }
  }

  private Row serialize(OutboxEvent event) {
    String topic = topicFor(event.aggregateType());
    // Serializer exceptions propagate unwrapped: their type tells bad data from a registry outage.
    byte[] payload = serializer.serialize(topic, event.payload());
    if (payload == null) {
      throw new SerializationException(
          "the serializer returned null for event id=" + event.id() + " type=" + event.type());
    }
    Map<String, String> headers = withTraceContext(event.headers());
    long size = payload.length;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      size += utf8Length(header.getKey()) + utf8Length(header.getValue());
    }
    if (size > settings.maxEventBytes()) {
      throw new EventTooLargeException(event.id(), event.type(), size, settings.maxEventBytes());
    }
    return new Row(event, payload, headersJson(headers));
  }

  /**
   * The event's headers plus the caller's current OpenTelemetry context as W3C {@code
   * traceparent}/{@code tracestate}, unless the event sets its own or there is no valid span (no
   * SDK installed: the no-op API has none, and nothing is added).
   */
  static Map<String, String> withTraceContext(Map<String, String> headers) {
    if (headers.containsKey(OutboxEvent.TRACEPARENT)
        || !Span.current().getSpanContext().isValid()) {
      return headers;
    }
    Map<String, String> with = new LinkedHashMap<>(headers);
    W3CTraceContextPropagator.getInstance().inject(Context.current(), with, Map::put);
    return with;
  }

  private static long utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String headersJson(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(headers);
    } catch (JsonProcessingException e) {
      // A map of strings always serializes; this would be a Jackson bug.
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void migrate(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource must not be null");
    Flyway.configure(JdbcOutbox.class.getClassLoader())
        .dataSource(dataSource)
        .locations(MIGRATIONS_LOCATION)
        .schemas(settings.schema())
        .table(settings.table() + "_schema_history")
        .placeholders(Map.of("outbox_schema", settings.schema(), "outbox_table", settings.table()))
        // The schema may already hold other tables (the application's, another outbox): start
        // the history at version 0 so that V1 still runs.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
    log.info("outbox table migrated schema={} table={}", settings.schema(), settings.table());
  }

  @Override
  public OutboxSweeper sweeper(DataSource dataSource, Duration retention, int batchSize) {
    return new JdbcOutboxSweeper(
        dataSource, settings.schema(), settings.table(), retention, batchSize);
  }

  @Override
  public String schema() {
    return settings.schema();
  }

  @Override
  public String table() {
    return settings.table();
  }

  @Override
  public String topicFor(String aggregateType) {
    Objects.requireNonNull(aggregateType, "aggregateType must not be null");
    // Throws naming the aggregate type and why its topic is illegal.
    return settings.topicPattern().topicFor(aggregateType);
  }

  @Override
  public void close() {
    if (ownsSerializer) {
      serializer.close();
    }
  }

  @Override
  public String toString() {
    return "Outbox{table="
        + settings.schema()
        + "."
        + settings.table()
        + ", cleanupMode="
        + settings.cleanupMode()
        + "}";
  }

  private record Row(OutboxEvent event, byte[] payload, String headersJson) {}
}
