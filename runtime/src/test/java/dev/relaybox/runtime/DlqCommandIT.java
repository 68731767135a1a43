package dev.relaybox.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ConsumerRunner;
import dev.relaybox.consumers.DeadEvent;
import dev.relaybox.consumers.DeadSet;
import dev.relaybox.consumers.PermanentEventException;
import dev.relaybox.consumers.RetryableEventException;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import dev.relaybox.devstack.Sql;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code relaybox dlq} on a group's dead set, filled by the real consumer runner: a permanent
 * failure (e0, whose key then holds ok-3 back), transient failures past the last attempt (e1) and
 * an undecodable record in the Confluent wire format (e2).
 */
@ExtendWith(DevStackExtension.class)
class DlqCommandIT {
  private static final byte[] CONFLUENT_VALUE = {0, 0, 0, 0, 7, 2, 'h', 'i'};

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String topic = "outbox.event.dlqit" + id;
  private final String group = "dlqit" + id;
  private final String keys = "dlqit" + id + "_keys";
  private final String effects = "dlqit" + id + "_effects";
  private final UUID e0 = UUID.randomUUID();
  private final UUID e1 = UUID.randomUUID();
  private final UUID e2 = UUID.randomUUID();
  private final AtomicBoolean fixed = new AtomicBoolean();
  private DevStack stack;
  private DataSource dataSource;
  private ConsumerRunner runner;
  private DeadSet deadSet;

  @BeforeEach
  void threeDeadEvents(DevStack stack) throws Exception {
    this.stack = stack;
    this.dataSource = stack.postgres().dataSource();
    stack.kafka().createTopic(topic, 2);
    stack.kafka().createTopic(group + ".dlq", 1);
    Sql.execute(dataSource, "CREATE TABLE " + effects + " (seq bigserial, body text)");
    Deserializer<Object> deserializer =
        (t, data) -> {
          if (data[0] == 0) {
            throw new SerializationException("Unknown magic byte 0 in " + t + " (no schema here)");
          }
          return new String(data, UTF_8);
        };
    runner =
        ConsumerRunner.builder()
            .bootstrapServers(stack.kafka().bootstrapServers())
            .groupId(group)
            .topics(topic)
            .dataSource(dataSource)
            .processedKeysTable(keys)
            .deserializer(deserializer)
            .maxAttempts(2)
            .initialBackoff(Duration.ofMillis(50))
            .maxBackoff(Duration.ofMillis(100))
            .handler(
                (event, tx) -> {
                  String body = (String) event.value();
                  if (body.startsWith("perm") && !fixed.get()) {
                    throw new PermanentEventException("card declined\npermanently");
                  }
                  if (body.startsWith("flaky") && !fixed.get()) {
                    throw new RetryableEventException("gateway timed out");
                  }
                  try (PreparedStatement ps =
                      tx.prepareStatement("INSERT INTO " + effects + " (body) VALUES (?)")) {
                    ps.setString(1, body);
                    ps.executeUpdate();
                  }
                })
            .build()
            .start();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(record(0, "order-0", e0, "perm-0".getBytes(UTF_8))).get();
      producer.send(record(1, "order-1", e1, "flaky-1".getBytes(UTF_8))).get();
      producer.send(record(0, "order-2", e2, CONFLUENT_VALUE)).get();
      producer.send(record(0, "order-0", UUID.randomUUID(), "ok-3".getBytes(UTF_8))).get();
    }
    deadSet = DeadSet.of(dataSource, "public", keys);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> deadSet.list(group, DeadEvent.State.DEAD, null, 10).size() == 3);
  }

  @AfterEach
  void stop() throws Exception {
    runner.close();
    Sql.execute(dataSource, "DROP TABLE IF EXISTS " + effects);
  }

  @Test
  void listShowsEachDeadEventWithItsReasonErrorAndAttempts() throws Exception {
    CliRun run = dlq("list");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("3 dead event(s) of group " + group + " shown.")
        .containsPattern(quoted(topic) + ":0:0 +" + e0 + " +order-0 +permanent +1 +yes")
        .containsPattern(quoted(topic) + ":1:0 +" + e1 + " +order-1 +retries-exhausted +2 +yes")
        .containsPattern(quoted(topic) + ":0:1 +" + e2 + " +order-2 +undecodable +1")
        .contains("card declined permanently") // one line per dead event
        .contains(RetryableEventException.class.getName());

    JsonNode all = json(dlq("list", "--json"));
    assertThat(all).hasSize(3);
    JsonNode exhausted = null;
    for (JsonNode n : all) {
      exhausted = n.get("eventId").asText().equals(e1.toString()) ? n : exhausted;
    }
    assertThat(exhausted).isNotNull();
    assertThat(exhausted.get("attempts").asInt()).isEqualTo(2);
    assertThat(exhausted.get("state").asText()).isEqualTo("dead");
    assertThat(exhausted.get("partition").asInt()).isEqualTo(1);
    assertThat(json(dlq("list", "--reason", "permanent", "--json")))
        .extracting(n -> n.get("eventId").asText())
        .containsExactly(e0.toString());
    assertThat(dlq("list", "--limit", "1").out())
        .contains("1 dead event(s)")
        .contains("limit reached");
    assertThat(dlq("list", "--state", "redriven").out()).contains("0 dead event(s)");
  }

  @Test
  void showPrintsHeadersAndTheValueWithItsSchemaId() throws Exception {
    long undecodable = deadSet.list(group, null, "undecodable", 1).get(0).id();
    CliRun run = dlq("show", Long.toString(undecodable));
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("dead event       " + undecodable + " of group " + group)
        .contains("state            dead")
        .contains("consumed from    " + topic + ":0:1")
        .contains("event id         " + e2)
        .contains("key              order-2")
        .contains("reason           undecodable")
        .contains("error message    Unknown magic byte 0")
        .contains("  id = " + e2)
        .contains("  eventType = OrderPlaced")
        .contains("  traceparent = 00-")
        .contains("value            8 byte(s)")
        .contains("schema id        7 (Confluent wire format)")
        .contains("value (hex)      00 00 00 00 07 02 68 69");
    CliRun missing = dlq("show", "999999");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("has no dead event 999999").contains("dlq list");
  }

  @Test
  void redriveAndDiscardResolveEventsRecordWhoAndReleaseTheKeys() throws Exception {
    long perm = deadSet.list(group, null, "permanent", 1).get(0).id();
    long flaky = deadSet.list(group, null, "retries-exhausted", 1).get(0).id();
    CliRun dry = dlq("redrive", "--all", "--reason", "permanent", "--dry-run");
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("would redrive " + perm).contains("Dry run: nothing changed.");
    assertThat(deadSet.find(group, perm).orElseThrow().state()).isEqualTo(DeadEvent.State.DEAD);
    assertThat(bodies()).isEmpty(); // ok-3 waits behind perm-0

    fixed.set(true);
    CliRun redrive = dlq("redrive", Long.toString(perm), "--as", "alice");
    assertThat(redrive.exit()).as(redrive.err()).isZero();
    assertThat(redrive.out()).contains("redriven " + perm).contains("by alice at");
    await().atMost(Duration.ofSeconds(30)).until(() -> bodies().size() == 2);
    assertThat(bodies()).containsExactly("perm-0", "ok-3");

    CliRun again = dlq("redrive", Long.toString(perm));
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("was redriven already, by alice");

    CliRun discard = dlq("discard", Long.toString(flaky), "--as", "bob");
    assertThat(discard.exit()).as(discard.err()).isZero();
    assertThat(discard.out()).contains("discarded " + flaky).contains("by bob");
    DeadEvent discarded = deadSet.find(group, flaky).orElseThrow();
    assertThat(discarded.state()).isEqualTo(DeadEvent.State.DISCARDED);
    assertThat(discarded.resolvedBy()).isEqualTo("bob");
    assertThat(discarded.resolvedAt()).isNotNull();
    assertThat(dlq("show", Long.toString(flaky)).out()).contains("resolved         by bob at");
    assertThat(dlq("list").out()).contains("1 dead event(s)");
    assertThat(json(dlq("list", "--state", "all", "--json"))).hasSize(3);
  }

  @Test
  void usageAndAvailabilityErrorsHaveTheirExitCodes() throws Exception {
    assertThat(CliRun.withPostgres(stack, "dlq list").exit()).isEqualTo(2); // no --group
    assertThat(dlq("list", "--state", "sleeping").exit()).isEqualTo(2);
    assertThat(dlq("redrive").exit()).isEqualTo(2); // neither ids nor --all
    assertThat(dlq("redrive", "--all", "1").exit()).isEqualTo(2);
    assertThat(dlq("discard").exit()).isEqualTo(2);
    CliRun badTable =
        CliRun.withPostgres(
            stack, "dlq list", "--group", group, "--processed-keys-table", "Keys; DROP");
    assertThat(badTable.exit()).isEqualTo(2);
    assertThat(badTable.err()).contains("processedKeysTable");
    CliRun noTable =
        CliRun.withPostgres(
            stack, "dlq list", "--group", group, "--processed-keys-table", "no_such_keys");
    assertThat(noTable.exit()).isEqualTo(1);
    assertThat(noTable.err()).contains("no dead set public.no_such_keys_dead_set");
    CliRun unreachable = CliRun.withUnreachablePostgres("dlq list", "--group", group);
    assertThat(unreachable.exit()).isEqualTo(3);
    assertThat(unreachable.err())
        .contains("cannot connect to Postgres")
        .doesNotContain(CliRun.URL_PASSWORD);
  }

  private CliRun dlq(String command, String... extra) {
    List<String> options =
        new ArrayList<>(List.of("--group", group, "--processed-keys-table", keys));
    options.addAll(List.of(extra));
    return CliRun.withPostgres(stack, "dlq " + command, options.toArray(String[]::new));
  }

  private List<String> bodies() throws Exception {
    return Sql.query(
        dataSource, "SELECT body FROM " + effects + " ORDER BY seq", rs -> rs.getString(1));
  }

  private ProducerRecord<byte[], byte[]> record(
      int partition, String key, UUID eventId, byte[] value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(ConsumedEvent.ID_HEADER, eventId.toString().getBytes(UTF_8));
    headers.add(ConsumedEvent.EVENT_TYPE_HEADER, "OrderPlaced".getBytes(UTF_8));
    headers.add(
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(UTF_8));
    return new ProducerRecord<>(topic, partition, null, key.getBytes(UTF_8), value, headers);
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static JsonNode json(CliRun run) throws Exception {
    assertThat(run.exit()).as(run.err()).isZero();
    return new ObjectMapper().readTree(run.out());
  }

  private static String quoted(String s) {
    return java.util.regex.Pattern.quote(s);
  }
}
