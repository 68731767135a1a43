package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Copies given-up records to the dead-letter topic and waits for the broker's acknowledgement. */
final class DeadLetterPublisher implements AutoCloseable {

  private static final int MAX_MESSAGE_LENGTH = 1_000;

  private final String topic;
  private final String group;
  private final KafkaProducer<byte[], byte[]> producer;

  DeadLetterPublisher(RunnerSettings settings) {
    this.topic = settings.deadLetterTopic();
    this.group = settings.groupId();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "relaybox-dlq-" + settings.groupId());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.putAll(settings.producerProperties());
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  String topic() {
    return topic;
  }

  /**
   * Sends every dead letter and waits until all are acknowledged.
   *
   * @throws DeadLetterException if one could not be written; the batch must be retried
   */
  void publish(List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
    for (DeadLetter letter : letters) {
      sent.add(producer.send(toRecord(letter)));
    }
    try {
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new DeadLetterException(
          "could not write to dead-letter topic " + topic + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadLetterException("interrupted writing to dead-letter topic " + topic, e);
    }
  }

  private ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter) {
    var original = letter.record();
    RecordHeaders headers = new RecordHeaders();
    for (Header h : original.headers()) {
      headers.add(h);
    }
    Throwable error = letter.error();
    String message = String.valueOf(error.getMessage());
    if (message.length() > MAX_MESSAGE_LENGTH) {
      message = message.substring(0, MAX_MESSAGE_LENGTH);
    }
    for (var e :
        List.of(
            Map.entry(DeadLetterHeaders.ORIGINAL_TOPIC, original.topic()),
            Map.entry(DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(original.partition())),
            Map.entry(DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(original.offset())),
            Map.entry(DeadLetterHeaders.CONSUMER_GROUP, group),
            Map.entry(DeadLetterHeaders.REASON, letter.reason()),
            Map.entry(DeadLetterHeaders.ERROR_CLASS, error.getClass().getName()),
            Map.entry(DeadLetterHeaders.ERROR_MESSAGE, message),
            Map.entry(DeadLetterHeaders.ATTEMPTS, Integer.toString(letter.attempts())),
            Map.entry(DeadLetterHeaders.FIRST_FAILURE, letter.firstFailure().toString()),
            Map.entry(DeadLetterHeaders.LAST_FAILURE, letter.lastFailure().toString()))) {
      headers.add(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    return new ProducerRecord<>(
        topic, null, original.timestamp(), original.key(), original.value(), headers);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }

  /** The dead-letter topic did not acknowledge; nothing of the batch may be committed. */
  static final class DeadLetterException extends RuntimeException {
    DeadLetterException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
