package dev.relaybox.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.RetryableEventException;
import dev.relaybox.consumers.host.ConsumerService;
import dev.relaybox.consumers.host.HostConfig;
import dev.relaybox.consumers.host.ServiceContext;
import dev.relaybox.consumers.host.ServiceHost;
import dev.relaybox.devstack.DevStack;
import dev.relaybox.devstack.DevStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * {@code RELAYBOX_LOG_FORMAT=json} with the shipped {@code logback.xml}: the line of a failed
 * attempt is JSON and carries the event id, key, topic, partition, offset, attempt, group and trace
 * id as MDC fields, and no line carries the database password.
 */
@ExtendWith(DevStackExtension.class)
class JsonLogIT {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SECRET = "pw-" + UUID.randomUUID();

  /** A service whose handler always fails transiently. */
  static final class FailingService implements ConsumerService {
    @Override
    public String name() {
      return "failing";
    }

    @Override
    public void start(ServiceContext context) {
      context.run(
          context
              .runner()
              .topics(context.topicFor("ping"))
              .deserializer((topic, data) -> new String(data, StandardCharsets.UTF_8))
              .handler(
                  (event, tx) -> {
                    throw new RetryableEventException("the third party is down");
                  }));
    }
  }

  @Test
  void aFailedAttemptLogsOneJsonLineWithTheEventsFieldsAndNoSecret(DevStack stack)
      throws Exception {
    String prefix = "jsonlog" + Long.toHexString(System.nanoTime());
    String topic = prefix + ".ping";
    stack.kafka().createTopic(topic, 1);
    stack.kafka().createTopic(prefix + ".dlq", 1);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    UUID eventId = UUID.randomUUID();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      configureLogback(Map.of("RELAYBOX_LOG_FORMAT", "json", "RELAYBOX_LOG_LEVEL", "INFO"));
      HostConfig config =
          HostConfig.builder(List.of(new FailingService()))
              .setAll(stack.relayProperties())
              // Postgres on the dev stack trusts loopback: any password works, none may be logged.
              .set("pg.password", SECRET)
              .set("schema.registry.url", stack.schemaRegistry().url())
              .set("topic.pattern", prefix + ".${aggregatetype}")
              .set("failing.group", prefix)
              .set("processed.keys.table", "processed_keys")
              .set("consumer.max.attempts", "2")
              .set("consumer.initial.backoff.ms", "100")
              .set("http.port", "-1")
              .build();
      try (ServiceHost host = ServiceHost.start(config)) {
        send(stack, topic, eventId);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> captured.toString(StandardCharsets.UTF_8).contains("event dead"));
      }
    } finally {
      System.setErr(stderr);
      restoreLogback();
    }

    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain(SECRET);
    ObjectMapper json = new ObjectMapper();
    JsonNode failed = null;
    // Logback's lines only: a library logging through java.util.logging writes its own text.
    List<String> lines = out.lines().filter(l -> l.startsWith("{")).toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      JsonNode node = json.readTree(line); // each Logback line is one JSON object
      if (node.path("formattedMessage").asText().startsWith("event failed, key parked")) {
        failed = node;
      }
    }
    assertThat(failed).as("the failed attempt's line in:%n%s", out).isNotNull();
    assertThat(failed.path("level").asText()).isEqualTo("WARN");
    JsonNode mdc = failed.path("mdc");
    assertThat(mdc.path("eventId").asText()).isEqualTo(eventId.toString());
    assertThat(mdc.path("key").asText()).isEqualTo("key-1");
    assertThat(mdc.path("topic").asText()).isEqualTo(topic);
    assertThat(mdc.path("partition").asText()).isEqualTo("0");
    assertThat(mdc.path("offset").asText()).isEqualTo("0");
    assertThat(mdc.path("attempt").asText()).isEqualTo("1");
    assertThat(mdc.path("group").asText()).isEqualTo(prefix);
    assertThat(mdc.path("traceId").asText()).isEqualTo(TRACE_ID);
    assertThat(mdc.path("spanId").asText()).matches("[0-9a-f]{16}");
  }

  private static void send(DevStack stack, String topic, UUID eventId) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(
              topic,
              "key-1".getBytes(StandardCharsets.UTF_8),
              "ping".getBytes(StandardCharsets.UTF_8));
      record
          .headers()
          .add(ConsumedEvent.ID_HEADER, eventId.toString().getBytes(StandardCharsets.UTF_8))
          .add(
              "traceparent",
              ("00-" + TRACE_ID + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
  }

  /** Loads the shipped logback.xml (not the tests' logback-test.xml) with these variables. */
  private static void configureLogback(Map<String, String> variables) throws Exception {
    variables.forEach(System::setProperty);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(Path.of("src", "main", "resources", "logback.xml").toFile());
  }

  private static void restoreLogback() throws Exception {
    System.clearProperty("RELAYBOX_LOG_FORMAT");
    System.clearProperty("RELAYBOX_LOG_LEVEL");
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }
}
