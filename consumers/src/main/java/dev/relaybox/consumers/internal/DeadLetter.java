package dev.relaybox.consumers.internal;

import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record the runner gave up on, with why and when. */
record DeadLetter(
    ConsumerRecord<byte[], byte[]> record,
    String reason,
    Throwable error,
    int attempts,
    Instant firstFailure,
    Instant lastFailure) {}
