package dev.relaybox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.spi.converter.RelationalColumn;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.OptionalInt;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class CreatedAtConverterTest {
  private final CreatedAtConverter converter = new CreatedAtConverter();

  @Test
  void createdAtTimestamptzBecomesAConnectTimestampToTheMillisecond() {
    List<SchemaBuilder> schemas = new ArrayList<>();
    List<Object> converted = new ArrayList<>();
    OffsetDateTime at = OffsetDateTime.parse("2026-11-22T17:14:39.123456+01:00");
    converter.converterFor(
        column("created_at", "timestamptz"),
        (schema, conversion) -> {
          schemas.add(schema);
          converted.add(conversion.convert(at));
          converted.add(conversion.convert(null));
        });
    assertThat(schemas)
        .singleElement()
        .satisfies(s -> assertThat(s.name()).isEqualTo(Timestamp.LOGICAL_NAME));
    assertThat(schemas.get(0).isOptional()).isTrue();
    assertThat(converted)
        .containsExactly(Date.from(Instant.parse("2026-11-22T16:14:39.123Z")), null);
  }

  @Test
  void otherColumnsAndTypesAreLeftToDebezium() {
    List<SchemaBuilder> schemas = new ArrayList<>();
    converter.converterFor(column("created_at", "text"), (schema, c) -> schemas.add(schema));
    converter.converterFor(column("updated_at", "timestamptz"), (schema, c) -> schemas.add(schema));
    assertThat(schemas).isEmpty();
  }

  @Test
  void anythingButAnOffsetDateTimeIsNull() {
    assertThat(CreatedAtConverter.toDate("2026-11-22T16:14:39Z")).isNull();
  }

  private static RelationalColumn column(String name, String type) {
    return new RelationalColumn() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String dataCollection() {
        return "public.outbox";
      }

      @Override
      public int jdbcType() {
        return Types.TIMESTAMP_WITH_TIMEZONE;
      }

      @Override
      public int nativeType() {
        return 1184;
      }

      @Override
      public String typeName() {
        return type;
      }

      @Override
      public String typeExpression() {
        return type;
      }

      @Override
      public OptionalInt length() {
        return OptionalInt.empty();
      }

      @Override
      public OptionalInt scale() {
        return OptionalInt.empty();
      }

      @Override
      public boolean isOptional() {
        return false;
      }

      @Override
      public Object defaultValue() {
        return null;
      }

      @Override
      public boolean hasDefaultValue() {
        return false;
      }
    };
  }
}
