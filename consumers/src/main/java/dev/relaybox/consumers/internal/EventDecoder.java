package dev.relaybox.consumers.internal;

import dev.relaybox.consumers.ConsumedEvent;
import dev.relaybox.consumers.ErrorClassifier;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Turns a record into the event a handler sees: the {@code id} header and the decoded value. */
final class EventDecoder {

  /** The record can never be decoded (bad bytes, no id): it goes to the dead set. */
  static final class Undecodable extends Exception {
    Undecodable(RuntimeException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    /** The deserializer's or the id check's own exception, for the dead set. */
    RuntimeException reason() {
      return (RuntimeException) getCause();
    }
  }

  /** Decoding failed for a reason that passes (the registry is down): try again later. */
  static final class DecodeLater extends Exception {
    DecodeLater(ConsumerRecord<?, ?> record, RuntimeException cause) {
      super(
          "cannot decode topic="
              + record.topic()
              + " partition="
              + record.partition()
              + " offset="
              + record.offset()
              + " yet: "
              + cause,
          cause);
    }
  }

  private final HandlerSettings settings;

  EventDecoder(HandlerSettings settings) {
    this.settings = settings;
  }

  ConsumedEvent decode(ConsumerRecord<byte[], byte[]> rec, int attempt)
      throws Undecodable, DecodeLater {
    try {
      Header id = rec.headers().lastHeader(ConsumedEvent.ID_HEADER);
      if (id == null || id.value() == null) {
        throw new IllegalArgumentException(
            "record has no '"
                + ConsumedEvent.ID_HEADER
                + "' header: every event needs its event id (a UUID) in that header");
      }
      UUID eventId = UUID.fromString(new String(id.value(), StandardCharsets.UTF_8));
      String key = rec.key() == null ? null : new String(rec.key(), StandardCharsets.UTF_8);
      Object value = settings.deserializer().deserialize(rec.topic(), rec.headers(), rec.value());
      return new ConsumedEvent(
          eventId,
          key,
          value,
          rec.topic(),
          rec.partition(),
          rec.offset(),
          rec.timestamp(),
          rec.headers(),
          attempt);
    } catch (RuntimeException e) {
      if (settings.errorClassifier().classify(e) == ErrorClassifier.Kind.TRANSIENT) {
        throw new DecodeLater(rec, e);
      }
      throw new Undecodable(e);
    }
  }
}
