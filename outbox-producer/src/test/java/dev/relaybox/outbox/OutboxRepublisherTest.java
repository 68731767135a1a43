package dev.relaybox.outbox;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class OutboxRepublisherTest {
  private final DataSource unused = new PGSimpleDataSource();

  @Test
  void aBadSchemaIsRejectedLikeTheOutboxDoes() {
    assertThatThrownBy(
            () -> OutboxRepublisher.builder().dataSource(unused).schema("Public").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema must be a lower-case SQL identifier")
        .hasMessageContaining("was 'Public'");
  }

  @Test
  void aBadTableIsRejected() {
    assertThatThrownBy(
            () ->
                OutboxRepublisher.builder()
                    .dataSource(unused)
                    .table("outbox; drop table x")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table must be a lower-case SQL identifier")
        .hasMessageContaining("was 'outbox; drop table x'");
  }

  @Test
  void theDataSourceIsRequired() {
    assertThatThrownBy(() -> OutboxRepublisher.builder().build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dataSource");
  }

  @Test
  void theBatchSizeMustBePositive() {
    assertThatThrownBy(() -> OutboxRepublisher.builder().dataSource(unused).batchSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize must be positive, was 0");
  }

  @Test
  void anEmptyOrInvertedWindowIsRejected() {
    OutboxRepublisher republisher = OutboxRepublisher.builder().dataSource(unused).build();
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    assertThatThrownBy(() -> republisher.republish(t, t, done -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be before to");
  }
}
