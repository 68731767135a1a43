package dev.relaybox.dev;

/**
 * Counts for the demo's live progress line: orders placed, events relayed, effects at the third
 * parties, retries so far, keys parked now (their later events wait, other keys go on) and dead
 * events.
 */
public record Progress(
    long placed,
    long relayed,
    long charged,
    long emailed,
    long shipped,
    long refunded,
    long retried,
    long parkedKeys,
    long deadLettered) {}
