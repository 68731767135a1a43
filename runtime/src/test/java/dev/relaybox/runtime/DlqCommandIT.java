package dev.relaybox.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code relaybox dlq} against the devstack's Kafka. The dead letters are written here the way the
 * consumer runner writes them (original key, value and headers, then the {@link
 * DeadLetterHeaders}), so the expected content is known exactly; {@code DlqRedriveEndToEndIT} uses
 * the real runner.
 */
@ExtendWith(DevStackExtension.class)
class DlqCommandIT {
  private static final byte[] CONFLUENT_VALUE = {0, 0, 0, 0, 7, 2, 'h', 'i'};

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String original = "outbox.event.dlqit" + id;
  private final String dlq = "dlqit" + id + ".dlq";
  private final UUID e0 = UUID.randomUUID();
  private final UUID e1 = UUID.randomUUID();
  private final UUID e2 = UUID.randomUUID();
  private DevStack stack;

  /**
   * Three originals on a two-partition topic (e0 at 0:0, e1 at 1:0, e2 at 0:1), all dead-lettered:
   * e0 permanent by group payments, e1 retries-exhausted by payments, e2 permanent by email.
   */
  @BeforeEach
  void threeDeadLetters(DevStack stack) throws Exception {
    this.stack = stack;
    stack.kafka().createTopic(original, 2);
    stack.kafka().createTopic(dlq, 1);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(originalRecord(0, "order-0", e0, "v0".getBytes(UTF_8))).get();
      producer.send(originalRecord(1, "order-1", e1, "v1".getBytes(UTF_8))).get();
      producer.send(originalRecord(0, "order-2", e2, CONFLUENT_VALUE)).get();
      producer
          .send(
              deadLetter(
                  originalRecord(0, "order-0", e0, "v0".getBytes(UTF_8)),
                  0,
                  "payments",
                  DeadLetterHeaders.REASON_PERMANENT,
                  "dev.relaybox.consumers.PermanentEventException",
                  "card declined\npermanently",
                  1))
          .get();
      producer
          .send(
              deadLetter(
                  originalRecord(1, "order-1", e1, "v1".getBytes(UTF_8)),
                  0,
                  "payments",
                  DeadLetterHeaders.REASON_RETRIES_EXHAUSTED,
                  "java.net.SocketTimeoutException",
                  "gateway timed out",
                  5))
          .get();
      producer
          .send(
              deadLetter(
                  originalRecord(0, "order-2", e2, CONFLUENT_VALUE),
                  1,
                  "email",
                  DeadLetterHeaders.REASON_PERMANENT,
                  "dev.relaybox.consumers.PermanentEventException",
                  "no such recipient",
                  1))
          .get();
    }
  }

  @Test
  void listShowsOriginEventIdReasonErrorAndAttempts() {
    CliRun run = dlq("list");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("3 dead letter(s) shown of 3 in " + dlq)
        .containsPattern("0:0 +" + quoted(original) + ":0:0 +" + e0 + " +order-0 +permanent")
        .containsPattern(
            "0:1 +"
                + quoted(original)
                + ":1:0 +"
                + e1
                + " +order-1 +retries-exhausted +java.net.SocketTimeoutException +5")
        .containsPattern("0:2 +" + quoted(original) + ":0:1 +" + e2)
        .contains("card declined permanently") // one line per dead letter
        .contains("2026-11-22T10:00:00Z");
  }

  @Test
  void listFiltersByGroupReasonAndLimitAndPrintsJson() throws Exception {
    JsonNode payments = json(dlq("list", "--group", "payments", "--json"));
    assertThat(payments).hasSize(2);
    assertThat(payments.get(0).get("eventId").asText()).isEqualTo(e0.toString());
    assertThat(payments.get(1).get("eventId").asText()).isEqualTo(e1.toString());
    assertThat(payments.get(1).get("attempts").asInt()).isEqualTo(5);
    assertThat(payments.get(1).get("originalTopic").asText()).isEqualTo(original);
    assertThat(payments.get(1).get("originalPartition").asInt()).isEqualTo(1);

    JsonNode permanent = json(dlq("list", "--reason", "permanent", "--json"));
    assertThat(permanent)
        .extracting(n -> n.get("eventId").asText())
        .containsExactly(e0.toString(), e2.toString());

    JsonNode paymentsPermanent =
        json(dlq("list", "--group", "payments", "--reason", "permanent", "--json"));
    assertThat(paymentsPermanent)
        .extracting(n -> n.get("eventId").asText())
        .containsExactly(e0.toString());

    CliRun limited = dlq("list", "--limit", "1");
    assertThat(limited.out()).contains("1 dead letter(s) shown of 3").contains("limit reached");

    CliRun none = dlq("list", "--reason", "undecodable");
    assertThat(none.exit()).isZero();
    assertThat(none.out()).contains("0 dead letter(s) shown of 3");
  }

  @Test
  void showPrintsEveryHeaderAndTheValueWithItsSchemaId() {
    CliRun run = dlq("show", "--offset", "2");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("dead letter      " + dlq + ":0:2")
        .contains("original         " + original + ":0:1")
        .contains("event id         " + e2)
        .contains("consumer group   email")
        .contains("  id = " + e2)
        .contains("  eventType = OrderPlaced")
        .contains("  " + DeadLetterHeaders.ERROR_MESSAGE + " = no such recipient")
        .contains("value            8 byte(s)")
        .contains("schema id        7 (Confluent wire format)")
        .contains("value (hex)      00 00 00 00 07 02 68 69");

    CliRun partitioned = dlq("show", "--offset", "0:0");
    assertThat(partitioned.out()).contains("event id         " + e0).doesNotContain("schema id");
  }

  @Test
  void showOfAnOffsetWithoutARecordSaysWhatToDo() {
    CliRun run = dlq("show", "--offset", "0:99");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("no record at 0:99")
        .contains("relaybox dlq list --topic " + dlq);
  }

  @Test
  void redriveAllPutsTheOriginalsBackWithoutDiagnosticsAndIsRepeatSafe() throws Exception {
    Map<Integer, Long> before = endOffsets();
    CliRun run = dlq("redrive", "--all");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("3 to send, 0 already redriven").contains("Sent 3 record(s)");

    List<ConsumerRecord<byte[], byte[]>> copies = readOriginal(before);
    assertThat(copies).hasSize(3);
    Map<String, ConsumerRecord<byte[], byte[]>> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> copy : copies) {
      byId.put(header(copy, ConsumedEvent.ID_HEADER), copy);
      for (Header h : copy.headers()) {
        assertThat(h.key()).doesNotStartWith("relaybox.dlq.");
      }
      assertThat(header(copy, "eventType")).isEqualTo("OrderPlaced");
      assertThat(header(copy, "traceparent")).startsWith("00-");
      assertThat(copy.timestamp())
          .isEqualTo(java.time.Instant.parse("2026-11-22T10:00:00Z").toEpochMilli());
    }
    ConsumerRecord<byte[], byte[]> c2 = byId.get(e2.toString());
    assertThat(c2.partition()).isZero();
    assertThat(new String(c2.key(), UTF_8)).isEqualTo("order-2");
    assertThat(c2.value()).isEqualTo(CONFLUENT_VALUE);
    assertThat(header(c2, "relaybox.redriven.from")).isEqualTo(dlq + ":0:2");
    assertThat(byId.get(e1.toString()).partition()).isEqualTo(1);
    assertThat(byId.get(e1.toString()).value()).isEqualTo("v1".getBytes(UTF_8));

    Map<Integer, Long> afterFirst = endOffsets();
    CliRun again = dlq("redrive", "--all");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.out()).contains("0 to send, 3 already redriven");
    assertThat(again.err()).contains("nothing to send");
    assertThat(endOffsets()).isEqualTo(afterFirst);

    CliRun forced = dlq("redrive", "--offset", "0:1", "--force");
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(forced.out()).contains("Sent 1 record(s)");
    assertThat(readOriginal(afterFirst))
        .extracting(r -> header(r, ConsumedEvent.ID_HEADER))
        .containsExactly(e1.toString());
  }

  @Test
  void redriveOfSelectedOffsetsSkipsOnlyThoseAlreadyRedriven() throws Exception {
    Map<Integer, Long> before = endOffsets();
    assertThat(dlq("redrive", "--offset", "0:0").exit()).isZero();
    CliRun all = dlq("redrive", "--all");
    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(all.out()).contains("2 to send, 1 already redriven");
    assertThat(readOriginal(before))
        .extracting(r -> header(r, ConsumedEvent.ID_HEADER))
        .containsExactlyInAnyOrder(e0.toString(), e1.toString(), e2.toString());
  }

  @Test
  void dryRunSendsNothing() {
    Map<Integer, Long> before = endOffsets();
    CliRun run = dlq("redrive", "--all", "--dry-run");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("3 to send")
        .contains("0:1 -> " + original + ":1  id=" + e1 + " key=order-1")
        .contains("Dry run: nothing sent.");
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void redriveFiltersByReasonAndErrorClass() throws Exception {
    Map<Integer, Long> before = endOffsets();
    CliRun byClass = dlq("redrive", "--all", "--error-class", "SocketTimeoutException");
    assertThat(byClass.exit()).as(byClass.err()).isZero();
    assertThat(byClass.out()).contains("1 to send");
    Map<Integer, Long> afterClass = endOffsets();
    assertThat(readOriginal(before))
        .extracting(r -> header(r, ConsumedEvent.ID_HEADER))
        .containsExactly(e1.toString());

    CliRun byReason = dlq("redrive", "--all", "--reason", "permanent");
    assertThat(byReason.exit()).as(byReason.err()).isZero();
    assertThat(readOriginal(afterClass))
        .extracting(r -> header(r, ConsumedEvent.ID_HEADER))
        .containsExactlyInAnyOrder(e0.toString(), e2.toString());

    CliRun nothing = dlq("redrive", "--all", "--reason", "undecodable");
    assertThat(nothing.exit()).isEqualTo(1);
    assertThat(nothing.err()).contains("no dead letter in " + dlq + " matched the filters");
  }

  @Test
  void usageAndAvailabilityErrorsHaveTheirExitCodes() throws Exception {
    CliRun neither = dlq("redrive");
    assertThat(neither.exit()).isEqualTo(2);

    CliRun both = dlq("redrive", "--all", "--offset", "0:1");
    assertThat(both.exit()).isEqualTo(2);

    CliRun bareOnTwoPartitions =
        CliRun.of(
            "dlq",
            "show",
            "--bootstrap-servers",
            stack.kafka().bootstrapServers(),
            "--topic",
            original,
            "--offset",
            "1");
    assertThat(bareOnTwoPartitions.exit()).isEqualTo(2);
    assertThat(bareOnTwoPartitions.err()).contains("expects PARTITION:OFFSET").contains("[0, 1]");

    CliRun missingTopic =
        CliRun.of(
            "dlq",
            "list",
            "--bootstrap-servers",
            stack.kafka().bootstrapServers(),
            "--topic",
            "no-such-" + id + ".dlq");
    assertThat(missingTopic.exit()).isEqualTo(1);
    assertThat(missingTopic.err()).contains("does not exist").contains("relaybox status");

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CliRun unreachable =
        CliRun.of(
            "dlq",
            "list",
            "--bootstrap-servers",
            "127.0.0.1:" + closedPort,
            "--topic",
            dlq,
            "--timeout",
            "2s");
    assertThat(unreachable.exit()).isEqualTo(3);
    assertThat(unreachable.err())
        .contains("did not answer within 2s")
        .contains("check --bootstrap-servers");
  }

  private CliRun dlq(String command, String... extra) {
    List<String> options = new ArrayList<>(List.of("--topic", dlq));
    options.addAll(List.of(extra));
    return CliRun.withKafka(stack, "dlq " + command, options.toArray(String[]::new));
  }

  private ProducerRecord<byte[], byte[]> originalRecord(
      int partition, String key, UUID eventId, byte[] value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(ConsumedEvent.ID_HEADER, eventId.toString().getBytes(UTF_8));
    headers.add(ConsumedEvent.EVENT_TYPE_HEADER, "OrderPlaced".getBytes(UTF_8));
    headers.add(
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(UTF_8));
    return new ProducerRecord<>(
        original,
        partition,
        java.time.Instant.parse("2026-11-22T10:00:00Z").toEpochMilli(),
        key.getBytes(UTF_8),
        value,
        headers);
  }

  /** What the consumer runner's dead-letter publisher writes for a failed original. */
  private ProducerRecord<byte[], byte[]> deadLetter(
      ProducerRecord<byte[], byte[]> failed,
      long originalOffset,
      String group,
      String reason,
      String errorClass,
      String message,
      int attempts) {
    RecordHeaders headers = new RecordHeaders(failed.headers().toArray());
    Map<String, String> diagnostics = new java.util.LinkedHashMap<>();
    diagnostics.put(DeadLetterHeaders.ORIGINAL_TOPIC, failed.topic());
    diagnostics.put(DeadLetterHeaders.ORIGINAL_PARTITION, failed.partition().toString());
    diagnostics.put(DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(originalOffset));
    diagnostics.put(DeadLetterHeaders.CONSUMER_GROUP, group);
    diagnostics.put(DeadLetterHeaders.REASON, reason);
    diagnostics.put(DeadLetterHeaders.ERROR_CLASS, errorClass);
    diagnostics.put(DeadLetterHeaders.ERROR_MESSAGE, message);
    diagnostics.put(DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts));
    diagnostics.put(DeadLetterHeaders.FIRST_FAILURE, "2026-11-22T10:00:00Z");
    diagnostics.put(DeadLetterHeaders.LAST_FAILURE, "2026-11-22T10:00:05Z");
    diagnostics.forEach((k, v) -> headers.add(k, v.getBytes(UTF_8)));
    return new ProducerRecord<>(
        dlq, null, failed.timestamp(), failed.key(), failed.value(), headers);
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private Map<Integer, Long> endOffsets() {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      Map<Integer, Long> ends = new HashMap<>();
      consumer
          .endOffsets(List.of(new TopicPartition(original, 0), new TopicPartition(original, 1)))
          .forEach((tp, o) -> ends.put(tp.partition(), o));
      return ends;
    }
  }

  /** Records of the original topic from the given offsets to the current end. */
  private List<ConsumerRecord<byte[], byte[]>> readOriginal(Map<Integer, Long> from) {
    Map<Integer, Long> end = endOffsets();
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      for (int p : List.of(0, 1)) {
        TopicPartition tp = new TopicPartition(original, p);
        consumer.assign(List.of(tp));
        consumer.seek(tp, from.get(p));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.position(tp) < end.get(p) && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        assertThat(consumer.position(tp)).isEqualTo(end.get(p));
      }
    }
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }

  private static JsonNode json(CliRun run) throws Exception {
    assertThat(run.exit()).as(run.err()).isZero();
    return new ObjectMapper().readTree(run.out());
  }

  private static String quoted(String s) {
    return java.util.regex.Pattern.quote(s);
  }
}
