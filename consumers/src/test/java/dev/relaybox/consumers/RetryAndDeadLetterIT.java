package dev.relaybox.consumers;

import static dev.relaybox.consumers.TestSupport.count;
import static dev.relaybox.consumers.TestSupport.event;
import static dev.relaybox.consumers.TestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relaybox.devstack.DevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryAndDeadLetterIT extends EffectsTopicTestBase {

  RetryAndDeadLetterIT() {
    super("dlq", 1, 4);
  }

  @BeforeEach
  void createDeadLetterTopic(DevStack stack) {
    stack.kafka().createTopic(group + ".dlq", 1);
  }

  @Test
  void retriesTransientFailuresInOrderAndDeadLettersTheRestWithoutBlocking(DevStack stack)
      throws Exception {
    UUID permanentId = UUID.randomUUID();
    UUID exhaustedId = UUID.randomUUID();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    records.add(event(topic, UUID.randomUUID(), "k", "ok-0"));
    records.add(event(topic, UUID.randomUUID(), "k", "flaky-1"));
    records.add(event(topic, UUID.randomUUID(), "k", "ok-2"));
    ProducerRecord<byte[], byte[]> poison = event(topic, UUID.randomUUID(), "k", "x");
    byte[] poisonBytes = {TestSupport.POISON, 0, 0, 0, 42, 1, 2, 3};
    records.add(new ProducerRecord<>(topic, null, poison.key(), poisonBytes, poison.headers()));
    records.add(event(topic, null, "k", "no-id-4"));
    records.add(event(topic, permanentId, "k", "permanent-5"));
    records.add(event(topic, exhaustedId, "k", "always-transient-6"));
    records.add(event(topic, UUID.randomUUID(), "k", "ok-7"));
    TestSupport.sendAll(stack, records);

    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    EventHandler effect = TestSupport.effectsHandler(effects);
    EventHandler handler =
        (event, tx) -> {
          String body = (String) event.value();
          // A replayed batch may invoke a handler twice for one attempt (the first run was rolled
          // back),
          // so track the highest attempt number seen.
          attempts.merge(body, event.attempt(), Math::max);
          // Writes before the failure must be rolled back with the failed event.
          effect.handle(event, tx);
          if (body.startsWith("flaky") && event.attempt() < 3) {
            throw new IOException("gateway timed out on attempt " + event.attempt());
          }
          if (body.startsWith("permanent")) {
            throw new PermanentEventException("order total is negative");
          }
          if (body.startsWith("always-transient")) {
            throw new RetryableEventException("inventory service unavailable");
          }
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Instant start = Instant.now();
    try (ConsumerRunner runner =
        TestSupport.runner(stack, ds, group, topic)
            .handler(handler)
            .deadKeyPolicy(DeadKeyPolicy.SKIP)
            .maxAttempts(3)
            .meterRegistry(registry)
            .build()
            .start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(registry, ConsumerMetrics.PROCESSED) == 4);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(registry, ConsumerMetrics.DEAD_LETTERED) == 4);
      assertThat(count(registry, ConsumerMetrics.RETRIED)).isEqualTo(4); // 2 flaky + 2 exhausted
    }

    // Effects once each, in partition order, although "flaky-1" failed twice before "ok-2".
    List<String> bodies = new ArrayList<>();
    try (var c = ds.getConnection();
        var st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT body FROM " + effects + " ORDER BY seq")) {
      while (rs.next()) {
        bodies.add(rs.getString(1));
      }
    }
    assertThat(bodies).containsExactly("ok-0", "flaky-1", "ok-2", "ok-7");
    assertThat(attempts.get("flaky-1")).isEqualTo(3);
    assertThat(attempts.get("always-transient-6")).isEqualTo(3);
    assertThat(attempts.get("permanent-5")).isEqualTo(1);

    List<ConsumerRecord<byte[], byte[]>> dlq = TestSupport.readTopic(stack, group + ".dlq", 4);
    assertThat(dlq).hasSize(4);
    assertThat(dlq)
        .extracting(r -> header(r, DeadLetterHeaders.ORIGINAL_OFFSET))
        .containsExactly("3", "4", "5", "6");
    assertThat(dlq)
        .extracting(r -> header(r, DeadLetterHeaders.REASON))
        .containsExactly(
            DeadLetterHeaders.REASON_UNDECODABLE,
            DeadLetterHeaders.REASON_UNDECODABLE,
            DeadLetterHeaders.REASON_PERMANENT,
            DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
    assertThat(dlq)
        .extracting(r -> header(r, DeadLetterHeaders.ATTEMPTS))
        .containsExactly("1", "1", "1", "3");
    assertThat(dlq)
        .extracting(r -> header(r, DeadLetterHeaders.ERROR_CLASS))
        .containsExactly(
            "org.apache.kafka.common.errors.SerializationException",
            IllegalArgumentException.class.getName(),
            PermanentEventException.class.getName(),
            RetryableEventException.class.getName());
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      assertThat(header(r, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topic);
      assertThat(header(r, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
      assertThat(header(r, DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo(group);
      assertThat(header(r, DeadLetterHeaders.ERROR_MESSAGE)).isNotBlank();
      Instant first = Instant.parse(header(r, DeadLetterHeaders.FIRST_FAILURE));
      Instant last = Instant.parse(header(r, DeadLetterHeaders.LAST_FAILURE));
      assertThat(first).isAfterOrEqualTo(start.minusSeconds(1)).isBeforeOrEqualTo(last);
      assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("k");
      assertThat(header(r, ConsumedEvent.EVENT_TYPE_HEADER)).isEqualTo("TestEvent");
    }
    assertThat(dlq.get(0).value()).isEqualTo(poisonBytes);
    assertThat(header(dlq.get(0), DeadLetterHeaders.ERROR_MESSAGE)).contains("magic byte");
    assertThat(header(dlq.get(1), DeadLetterHeaders.ERROR_MESSAGE)).contains("'id' header");
    assertThat(header(dlq.get(2), ConsumedEvent.ID_HEADER)).isEqualTo(permanentId.toString());
    assertThat(header(dlq.get(3), ConsumedEvent.ID_HEADER)).isEqualTo(exhaustedId.toString());
    Instant exhaustedFirst = Instant.parse(header(dlq.get(3), DeadLetterHeaders.FIRST_FAILURE));
    Instant exhaustedLast = Instant.parse(header(dlq.get(3), DeadLetterHeaders.LAST_FAILURE));
    // Two backoffs of at least 25 ms (50 ms halved by jitter) separate the three attempts.
    assertThat(Duration.between(exhaustedFirst, exhaustedLast))
        .isGreaterThanOrEqualTo(Duration.ofMillis(50));
  }
}
