package dev.relaybox.relay.internal;

import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.meters.CommonEventMeter;
import io.debezium.pipeline.metrics.PipelineMetrics;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.txmetadata.TransactionInfo;
import io.debezium.spi.schema.DataCollectionId;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the {@code LastEvent} attribute of Debezium's streaming metrics (JMX) name the event's
 * table instead of printing its key: a fifth of the streaming thread's CPU in a drain.
 *
 * <p>Why by hand: Debezium 3.6.1 formats every event's key struct into that attribute, building a
 * Jackson {@code ObjectMapper} each time (JFR of a drain: 22 % of the streaming thread's samples),
 * and has no setting for it; newer Debezium formats without the mapper (debezium/dbz#2492), in a
 * release this build cannot use yet. The meter's event summary comes from a provider that {@code
 * PostgresConnectorTask.start} creates itself, so after the start this swaps, by reflection, the
 * meter's provider for one that delegates everything but the summary. Delete it with the upgrade.
 * If a Debezium upgrade moves the fields, the relay logs a warning and runs as Debezium does.
 */
final class LastEventSummary {
  private static final Logger LOG = LoggerFactory.getLogger(LastEventSummary.class);

  private LastEventSummary() {}

  /**
   * Swaps the summary of the streaming metrics of a started {@code coordinator}.
   *
   * @return whether it was swapped
   */
  static boolean cheapen(ChangeEventSourceCoordinator<?, ?> coordinator) {
    try {
      Object metrics =
          field(ChangeEventSourceCoordinator.class, "streamingMetrics").get(coordinator);
      Object meter = field(PipelineMetrics.class, "commonEventMeter").get(metrics);
      Field provider = field(CommonEventMeter.class, "metadataProvider");
      EventMetadataProvider current = (EventMetadataProvider) provider.get(meter);
      if (!(current instanceof TableOnly)) {
        provider.set(meter, new TableOnly(current));
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "Debezium's streaming metrics keep formatting every event's key for JMX LastEvent"
              + " (about a fifth of the streaming thread's CPU): its fields moved ({}). Remove"
              + " LastEventSummary if this Debezium formats cheaply (debezium/dbz#2492).",
          e.toString());
      return false;
    }
  }

  private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field f = owner.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  /** Debezium's provider, except that the summary is the table's name. */
  private record TableOnly(EventMetadataProvider delegate) implements EventMetadataProvider {
    @Override
    public Instant getEventTimestamp(
        DataCollectionId source, OffsetContext offset, Object key, Struct value) {
      return delegate.getEventTimestamp(source, offset, key, value);
    }

    @Override
    public Map<String, String> getEventSourcePosition(
        DataCollectionId source, OffsetContext offset, Object key, Struct value) {
      return delegate.getEventSourcePosition(source, offset, key, value);
    }

    @Override
    public String getTransactionId(
        DataCollectionId source, OffsetContext offset, Object key, Struct value) {
      return delegate.getTransactionId(source, offset, key, value);
    }

    @Override
    public TransactionInfo getTransactionInfo(
        DataCollectionId source, OffsetContext offset, Object key, Struct value) {
      return delegate.getTransactionInfo(source, offset, key, value);
    }

    @Override
    public String toSummaryString(
        DataCollectionId source, OffsetContext offset, Object key, Struct value) {
      return source == null ? null : source.identifier();
    }
  }
}
