package dev.relaybox.relay.internal;

import dev.relaybox.config.TopicPattern;
import io.debezium.data.Envelope;
import io.debezium.transforms.outbox.EventRouter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * Routing benchmark (not a test): the cost per change event of turning a Debezium outbox insert
 * into a Kafka {@link ProducerRecord}, two ways, on the same records in one JVM.
 *
 * <ul>
 *   <li><b>relaybox</b>: what the relay does, {@link OutboxRouter#route} on the envelope's {@code
 *       after} row (topic, key, untouched payload bytes, {@code created_at} as record timestamp,
 *       headers {@code id}, {@code eventType}, {@code aggregateType} and the JSON headers column).
 *   <li><b>debezium</b>: what Debezium Server or Kafka Connect does, Debezium's {@link EventRouter}
 *       SMT (type and aggregate type placed as headers) and then the Connect converters ({@code
 *       StringConverter} key, {@code ByteArrayConverter} value, {@code SimpleHeaderConverter}
 *       headers). It cannot expand the JSON headers column into headers; its timestamp is the
 *       change event's {@code ts_ms}.
 * </ul>
 *
 * <p>Single thread, 200,000 distinct records, 5 warm-up rounds then 5 measured rounds per path,
 * alternating. Run: see cdc-relay/README.md. Argument: payload size in bytes (default 512).
 */
public final class RoutingBenchmark {
  private static final Schema ROW =
      SchemaBuilder.struct()
          .name("relaybox.public.outbox.Value")
          .field("id", SchemaBuilder.string().name("io.debezium.data.Uuid").build())
          .field("aggregatetype", Schema.STRING_SCHEMA)
          .field("aggregateid", Schema.STRING_SCHEMA)
          .field("type", Schema.STRING_SCHEMA)
          .field("payload", Schema.BYTES_SCHEMA)
          .field(
              "created_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build())
          .field("headers", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
          .build();
  private static final Schema SOURCE =
      SchemaBuilder.struct()
          .name("io.debezium.connector.postgresql.Source")
          .field("lsn", Schema.INT64_SCHEMA)
          .build();
  private static final Envelope ENVELOPE =
      Envelope.defineSchema()
          .withName("relaybox.public.outbox.Envelope")
          .withRecord(ROW)
          .withSource(SOURCE)
          .build();
  private static final String[] TYPES = {"order", "payment", "shipment", "invoice"};
  private static final int RECORDS = 200_000;
  private static final int ROUNDS = 5;

  private RoutingBenchmark() {}

  public static void main(String[] args) {
    int payloadSize = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    List<SourceRecord> records = records(payloadSize);
    OutboxRouter router =
        new OutboxRouter(TopicPattern.parse("outbox.event.${aggregatetype}"), "dlq");
    DebeziumPath debezium = new DebeziumPath();
    long sink = 0;
    double[] ours = new double[ROUNDS];
    double[] theirs = new double[ROUNDS];
    for (int round = -ROUNDS; round < ROUNDS; round++) {
      long start = System.nanoTime();
      for (SourceRecord r : records) {
        sink += router.route(((Struct) r.value()).getStruct("after"), r).record().value().length;
      }
      long mid = System.nanoTime();
      for (SourceRecord r : records) {
        sink += debezium.route(r).value().length;
      }
      long end = System.nanoTime();
      if (round >= 0) {
        ours[round] = (mid - start) / (double) RECORDS;
        theirs[round] = (end - mid) / (double) RECORDS;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "routing %,d records, %d-byte payloads (checksum %d)%n"
            + "relaybox OutboxRouter:            %s ns/record%n"
            + "debezium EventRouter+converters:  %s ns/record%n",
        RECORDS,
        payloadSize,
        sink,
        range(ours),
        range(theirs));
  }

  private static String range(double[] values) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return String.format(Locale.ROOT, "%.0f–%.0f", min, max);
  }

  private static List<SourceRecord> records(int payloadSize) {
    List<SourceRecord> records = new ArrayList<>(RECORDS);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Instant now = Instant.now();
    for (int i = 0; i < RECORDS; i++) {
      byte[] payload = new byte[payloadSize];
      random.nextBytes(payload);
      payload[0] = 0;
      String type = TYPES[i % TYPES.length];
      Struct row =
          new Struct(ROW)
              .put("id", UUID.randomUUID().toString())
              .put("aggregatetype", type)
              .put("aggregateid", type + "-" + (i % 5_000))
              .put("type", "ThingHappened")
              .put("payload", ByteBuffer.wrap(payload))
              .put("created_at", now.plusNanos(i * 1_000L).toString())
              .put(
                  "headers",
                  "{\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}");
      Struct value = ENVELOPE.create(row, new Struct(SOURCE).put("lsn", (long) i), now);
      records.add(
          new SourceRecord(
              Map.of("server", "relaybox"),
              Map.of("lsn", (long) i),
              "relaybox.public.outbox",
              null,
              null,
              null,
              ENVELOPE.schema(),
              value));
    }
    return records;
  }

  /** Debezium's outbox SMT followed by the converters a Connect worker would apply. */
  private static final class DebeziumPath {
    private final EventRouter<SourceRecord> router = new EventRouter<>();
    private final StringConverter keys = new StringConverter();
    private final ByteArrayConverter values = new ByteArrayConverter();
    private final SimpleHeaderConverter headers = new SimpleHeaderConverter();

    DebeziumPath() {
      router.configure(
          Map.of(
              "table.fields.additional.placement",
              "type:header:eventType,aggregatetype:header:aggregateType",
              "route.topic.replacement",
              "outbox.event.${routedByValue}"));
      keys.configure(Map.of(), true);
      values.configure(Map.of(), false);
      headers.configure(Map.of());
    }

    ProducerRecord<byte[], byte[]> route(SourceRecord change) {
      SourceRecord r = router.apply(change);
      String topic = r.topic();
      RecordHeaders kafkaHeaders = new RecordHeaders();
      for (Header h : r.headers()) {
        kafkaHeaders.add(h.key(), headers.fromConnectHeader(topic, h.key(), h.schema(), h.value()));
      }
      return new ProducerRecord<>(
          topic,
          null,
          r.timestamp(),
          keys.fromConnectData(topic, r.keySchema(), r.key()),
          values.fromConnectData(topic, r.valueSchema(), r.value()),
          kafkaHeaders);
    }
  }
}
