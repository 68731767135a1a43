package dev.relaybox.consumers.internal;

import dev.relaybox.config.ServiceMeters;
import dev.relaybox.consumers.DeadLetterHeaders;
import dev.relaybox.consumers.internal.SetQueries.Unpublished;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies dead events to the dead-letter topic for Kafka tooling, with the original key, value and
 * headers plus the {@link DeadLetterHeaders}, and waits for the broker's acknowledgement. The dead
 * set is the record of truth; a copy that fails is sent again later (at least once).
 */
final class DeadLetterPublisher implements AutoCloseable {

  private final String topic;
  private final String group;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ServiceMeters.Binding meters;

  DeadLetterPublisher(KafkaSettings kafka, MeterRegistry registry) {
    this.topic = kafka.deadLetterTopic();
    this.group = kafka.groupId();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "relaybox-dlq-" + kafka.groupId());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    props.putAll(kafka.producerProperties());
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    this.meters = ServiceMeters.bindKafka(producer, registry);
  }

  /**
   * Sends the copies and waits until all are acknowledged.
   *
   * @throws ExecutionException if one could not be written (the caller tries again later)
   */
  void publish(List<Unpublished> rows) throws ExecutionException, InterruptedException {
    List<Future<RecordMetadata>> sent = new ArrayList<>(rows.size());
    for (Unpublished row : rows) {
      sent.add(producer.send(toRecord(row)));
    }
    for (Future<RecordMetadata> f : sent) {
      f.get();
    }
  }

  private ProducerRecord<byte[], byte[]> toRecord(Unpublished row) {
    ConsumerRecord<byte[], byte[]> original = row.record();
    RecordHeaders headers = new RecordHeaders();
    for (Header h : original.headers()) {
      headers.add(h);
    }
    for (var e :
        List.of(
            Map.entry(DeadLetterHeaders.ORIGINAL_TOPIC, original.topic()),
            Map.entry(DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(original.partition())),
            Map.entry(DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(original.offset())),
            Map.entry(DeadLetterHeaders.CONSUMER_GROUP, group),
            Map.entry(DeadLetterHeaders.REASON, row.reason()),
            Map.entry(DeadLetterHeaders.ERROR_CLASS, row.errorClass()),
            Map.entry(DeadLetterHeaders.ERROR_MESSAGE, row.errorMessage()),
            Map.entry(DeadLetterHeaders.ATTEMPTS, Integer.toString(row.attempts())),
            Map.entry(DeadLetterHeaders.FIRST_FAILURE, row.firstFailure().toString()),
            Map.entry(DeadLetterHeaders.LAST_FAILURE, row.diedAt().toString()))) {
      headers.add(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    return new ProducerRecord<>(
        topic, null, original.timestamp(), original.key(), original.value(), headers);
  }

  @Override
  public void close() {
    meters.close();
    producer.close(Duration.ofSeconds(10));
  }
}
