package dev.relaybox.devstack.peers.internal;

import dev.relaybox.devstack.peers.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The fault one peer injects now; clears itself lazily once its duration has run out. */
public final class FaultSwitch {
  private static final Logger LOG = LoggerFactory.getLogger(FaultSwitch.class);
  private static final Active NO_FAULT = new Active(Fault.none(), null);

  private record Active(Fault fault, Instant expiresAt) {
    boolean expired(Instant now) {
      return expiresAt != null && !now.isBefore(expiresAt);
    }
  }

  private final String peer;
  private final AtomicReference<Active> active = new AtomicReference<>(NO_FAULT);

  FaultSwitch(String peer) {
    this.peer = peer;
  }

  /** Replaces the fault. */
  public void set(Fault fault) {
    Objects.requireNonNull(fault, "fault");
    Instant expiresAt = fault.duration() == null ? null : Instant.now().plus(fault.duration());
    Active previous =
        active.getAndSet(fault.mode() == Fault.Mode.NONE ? NO_FAULT : new Active(fault, expiresAt));
    if (previous == NO_FAULT && fault.mode() == Fault.Mode.NONE) {
      return;
    }
    LOG.info(
        "peer={} fault={} delayMs={} failRate={} retryAfterSeconds={} durationMs={}",
        peer,
        fault.mode().wireName(),
        fault.delay().toMillis(),
        fault.failRate(),
        fault.retryAfterSeconds(),
        fault.duration() == null ? null : fault.duration().toMillis());
  }

  /** The fault in force now. */
  public Fault current() {
    return live().fault();
  }

  /** How long the current fault still lasts; empty when it does not expire. */
  Optional<Duration> remaining() {
    Active now = live();
    return Optional.ofNullable(now.expiresAt()).map(at -> Duration.between(Instant.now(), at));
  }

  /** The fault to inject into one request: the current one, drawn with its fail rate. */
  Fault draw() {
    Fault fault = current();
    if (fault.mode() == Fault.Mode.NONE
        || fault.failRate() >= 1
        || ThreadLocalRandom.current().nextDouble() < fault.failRate()) {
      return fault;
    }
    return Fault.none();
  }

  private Active live() {
    Active now = active.get();
    if (now.expired(Instant.now())) {
      if (active.compareAndSet(now, NO_FAULT)) {
        LOG.info("peer={} fault={} expired, serving normally", peer, now.fault().mode().wireName());
      }
      return NO_FAULT;
    }
    return now;
  }
}
