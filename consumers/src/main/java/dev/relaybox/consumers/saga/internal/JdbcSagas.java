package dev.relaybox.consumers.saga.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.EventHandler;
import dev.relaybox.consumers.RetryableEventException;
import dev.relaybox.consumers.internal.Backoff;
import dev.relaybox.consumers.internal.Migrations;
import dev.relaybox.consumers.saga.SagaDefinition;
import dev.relaybox.consumers.saga.SagaReply;
import dev.relaybox.consumers.saga.SagaStatus;
import dev.relaybox.consumers.saga.Sagas;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Sagas} on the saga table: begins sagas and applies replies in the caller's transaction,
 * and runs due retries and deadlines from {@link SagaPoller}.
 */
public final class JdbcSagas implements Sagas {

  private static final Logger log = LoggerFactory.getLogger(JdbcSagas.class);

  private final SagasSettings settings;
  private final SagaTable table;
  private final Map<String, SagaMachine<?>> machines = new LinkedHashMap<>();
  private final SagaMetrics metrics;
  private final SagaPoller poller;

  public JdbcSagas(SagasSettings settings) {
    this.settings = settings;
    this.table = new SagaTable(settings.schema(), settings.processedKeysTable());
    Backoff backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
    for (SagaDefinition<?> definition : settings.definitions()) {
      machines.put(
          definition.type(),
          new SagaMachine<>(
              definition,
              settings.errorClassifier(),
              settings.maxAttempts(),
              backoff::delayMillis));
    }
    this.metrics = new SagaMetrics(settings.meterRegistry(), machines.keySet());
    this.poller = new SagaPoller(this, settings, table, metrics);
  }

  @Override
  public Sagas start() {
    if (settings.migrateOnStart()) {
      Migrations.migrate(settings.dataSource(), settings.schema(), settings.processedKeysTable());
    }
    poller.start();
    return this;
  }

  @Override
  public <D> boolean begin(Connection tx, SagaDefinition<D> definition, String sagaId, D data)
      throws SQLException {
    SagaMachine<D> machine = machine(definition);
    if (sagaId == null || sagaId.isBlank() || sagaId.length() > 255) {
      throw new IllegalArgumentException(
          "saga " + definition.type() + ": the saga id must be 1 to 255 characters");
    }
    Objects.requireNonNull(data, "saga data must not be null");
    SagaRow<D> row =
        SagaRow.started(definition.type(), sagaId, definition.steps().get(0).name(), data);
    if (!table.insert(tx, encoded(definition, row))) {
      log.debug("saga {}/{} exists already; not begun again", definition.type(), sagaId);
      return false;
    }
    machine.advance(row, StepContext.runner(tx, settings.outbox()));
    store(tx, definition, row, null);
    return true;
  }

  @Override
  public EventHandler replyHandler(
      SagaDefinition<?> definition, Function<ConsumedEvent, SagaReply> mapper) {
    machine(definition);
    Objects.requireNonNull(mapper, "reply mapper must not be null");
    return (event, tx) -> onReply(definition, mapper, event, tx);
  }

  private <D> void onReply(
      SagaDefinition<D> definition,
      Function<ConsumedEvent, SagaReply> mapper,
      ConsumedEvent event,
      Connection tx)
      throws SQLException {
    SagaReply reply = mapper.apply(event);
    if (reply == null) {
      return;
    }
    Optional<SagaTable.Loaded> loaded = table.lock(tx, definition.type(), reply.sagaId());
    if (loaded.isEmpty()) {
      // Transient: a reply travels on another topic than the event that begins its saga, so a
      // replay (or a lagging topic) can deliver it first; after maxAttempts it is dead.
      throw new RetryableEventException(
          "reply event "
              + event.eventId()
              + " names saga "
              + definition.type()
              + "/"
              + reply.sagaId()
              + ", which does not exist (yet): retried until it is begun");
    }
    SagaRow<D> row = decoded(definition, loaded.get().row());
    if (!machine(definition).reply(row, reply, event, StepContext.runner(tx, settings.outbox()))) {
      metrics.ignored(definition.type());
      log.info(
          "saga {}/{} ignored reply to step {} (compensation={}) event={} topic={} partition={}"
              + " offset={}: it is {} at step {} waiting for {}",
          definition.type(),
          reply.sagaId(),
          reply.step(),
          reply.compensation(),
          event.eventId(),
          event.topic(),
          event.partition(),
          event.offset(),
          row.status,
          row.currentStep,
          row.pending);
      return;
    }
    store(tx, definition, row, null);
  }

  @Override
  public int pollOnce() throws SQLException {
    return poller.pollOnce();
  }

  @Override
  public void close() {
    poller.close();
  }

  /** Runs a claimed saga's due action or its deadline in {@code tx}. */
  <D> void move(Connection tx, SagaTable.Loaded loaded, boolean deadline) throws SQLException {
    @SuppressWarnings("unchecked")
    SagaMachine<D> machine = (SagaMachine<D>) machines.get(loaded.row().type);
    SagaDefinition<D> definition = machine.definition();
    SagaRow<D> row = decoded(definition, loaded.row());
    SagaMachine.StepRunner<D> runner = StepContext.runner(tx, settings.outbox());
    if (deadline) {
      metrics.timedOut(definition.type());
      log.info(
          "saga {}/{} step {} ({}) reached its deadline at attempt {}",
          row.type,
          row.sagaId,
          row.currentStep,
          row.status,
          row.attempt);
      machine.deadlinePassed(row, runner);
    } else {
      machine.advance(row, runner);
    }
    store(tx, definition, row, null);
  }

  /** Parks a saga the engine cannot move (unknown step, undecodable data), in {@code tx}. */
  void park(Connection tx, String type, String sagaId, RuntimeException why) throws SQLException {
    Optional<SagaTable.Loaded> loaded = table.lock(tx, type, sagaId);
    if (loaded.isPresent()) {
      SagaRow<byte[]> row = loaded.get().row();
      row.park(why.getClass().getName() + ": " + why.getMessage());
      table.update(tx, row, null);
      log.warn("saga {}/{} PARKED: {}", type, sagaId, row.lastError);
    }
  }

  String[] types() {
    return machines.keySet().toArray(String[]::new);
  }

  private <D> void store(
      Connection tx, SagaDefinition<D> definition, SagaRow<D> row, String operatorNote)
      throws SQLException {
    table.update(tx, encoded(definition, row), operatorNote);
    if (row.status == SagaStatus.PARKED) {
      log.warn(
          "saga {}/{} PARKED at step {} (was {}): {}; see relaybox sagas show",
          row.type,
          row.sagaId,
          row.currentStep,
          row.parkedFrom,
          row.lastError);
    } else if (row.status.isFinal()) {
      log.info("saga {}/{} {} at step {}", row.type, row.sagaId, row.status, row.currentStep);
    }
  }

  @SuppressWarnings("unchecked")
  private <D> SagaMachine<D> machine(SagaDefinition<D> definition) {
    SagaMachine<?> machine = machines.get(definition.type());
    if (machine == null || machine.definition() != definition) {
      throw new IllegalArgumentException(
          "saga "
              + definition.type()
              + " is not one of this Sagas' definitions: give it to Sagas.builder().saga(...)");
    }
    return (SagaMachine<D>) machine;
  }

  private static <D> SagaRow<byte[]> encoded(SagaDefinition<D> definition, SagaRow<D> row) {
    return row.withData(definition.codec().encode(row.data));
  }

  private static <D> SagaRow<D> decoded(SagaDefinition<D> definition, SagaRow<byte[]> row) {
    return row.withData(definition.codec().decode(row.data));
  }
}
