package dev.relaybox.relay.internal;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Debezium column converter ({@code converters}) that hands the outbox's {@code created_at} on as a
 * Connect {@link Timestamp} (a {@link Date}) instead of Debezium's ISO-8601 string.
 *
 * <p>Why: the relay only needs the row's {@code created_at} as epoch milliseconds (the record
 * timestamp). Debezium parses the column's text into an {@link OffsetDateTime}, prints it back into
 * a string ({@code ZonedTimestamp}) on its single streaming thread, and the relay's batch thread
 * parsed that string again (12 % of that thread's samples in a drain). This keeps Debezium's parse
 * and drops the print and the second parse. Other columns are left to Debezium.
 */
public final class CreatedAtConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
  /** The outbox column it converts. */
  static final String COLUMN = "created_at";

  @Override
  public void configure(Properties props) {}

  @Override
  public void converterFor(
      RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
    if (COLUMN.equals(column.name()) && "timestamptz".equalsIgnoreCase(column.typeName())) {
      registration.register(Timestamp.builder().optional(), CreatedAtConverter::toDate);
    }
  }

  /**
   * pgoutput resolves {@code timestamptz} to an {@link OffsetDateTime} (the relay takes no
   * snapshot, so no JDBC value reaches this); null stays null.
   */
  static Date toDate(Object value) {
    return value instanceof OffsetDateTime t ? Date.from(t.toInstant()) : null;
  }
}
