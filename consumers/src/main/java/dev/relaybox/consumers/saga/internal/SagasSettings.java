package dev.relaybox.consumers.saga.internal;

import dev.relaybox.consumers.ErrorClassifier;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/** The validated configuration of {@link JdbcSagas} (see {@code Sagas.Builder}). */
public record SagasSettings(
    DataSource dataSource,
    Outbox outbox,
    String schema,
    String processedKeysTable,
    List<SagaDefinition<?>> definitions,
    ErrorClassifier errorClassifier,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration pollInterval,
    Duration stuckAfter,
    MeterRegistry meterRegistry,
    boolean migrateOnStart) {}
