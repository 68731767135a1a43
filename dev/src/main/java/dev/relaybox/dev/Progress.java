package dev.relaybox.dev;

/**
 * Counts for the demo's live progress line: orders placed, events relayed, effects at the third
 * parties, retries and dead letters so far.
 */
public record Progress(
    long placed,
    long relayed,
    long charged,
    long emailed,
    long shipped,
    long refunded,
    long retried,
    long deadLettered) {}
